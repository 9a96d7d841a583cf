package opstest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// flyConfig is the part of fly.toml this project uses; a key outside it
// (a typo, a key Fly does not know) fails the test.
type flyConfig struct {
	App           string `toml:"app"`
	PrimaryRegion string `toml:"primary_region"`
	KillSignal    string `toml:"kill_signal"`
	KillTimeout   int    `toml:"kill_timeout"`
	Build         struct {
		Dockerfile string `toml:"dockerfile"`
	} `toml:"build"`
	Env    map[string]string `toml:"env"`
	Mounts []struct {
		Source      string `toml:"source"`
		Destination string `toml:"destination"`
	} `toml:"mounts"`
	HTTPService struct {
		InternalPort       int    `toml:"internal_port"`
		ForceHTTPS         bool   `toml:"force_https"`
		AutoStopMachines   string `toml:"auto_stop_machines"`
		AutoStartMachines  bool   `toml:"auto_start_machines"`
		MinMachinesRunning int    `toml:"min_machines_running"`
		Concurrency        struct {
			Type      string `toml:"type"`
			SoftLimit int    `toml:"soft_limit"`
			HardLimit int    `toml:"hard_limit"`
		} `toml:"concurrency"`
		Checks []struct {
			GracePeriod string `toml:"grace_period"`
			Interval    string `toml:"interval"`
			Method      string `toml:"method"`
			Path        string `toml:"path"`
			Timeout     string `toml:"timeout"`
		} `toml:"checks"`
	} `toml:"http_service"`
	Metrics struct {
		Port int    `toml:"port"`
		Path string `toml:"path"`
	} `toml:"metrics"`
	VM []struct {
		Size   string `toml:"size"`
		Memory string `toml:"memory"`
	} `toml:"vm"`
}

func TestFlyToml(t *testing.T) {
	var fly flyConfig
	md, err := toml.DecodeFile("../fly.toml", &fly)
	if err != nil {
		t.Fatalf("fly.toml does not parse: %v", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Fatalf("fly.toml has keys this test does not know (typo?): %v", u)
	}
	if len(fly.Mounts) != 1 || fly.Mounts[0].Destination != "/data" || fly.Env["DATA_DIR"] != "/data" {
		t.Errorf("the volume must be mounted at /data and be the data directory: %+v, DATA_DIR=%q", fly.Mounts, fly.Env["DATA_DIR"])
	}
	if fly.KillSignal != "SIGTERM" || fly.KillTimeout <= 25 {
		t.Errorf("kill_signal %q, kill_timeout %d: want SIGTERM and more than the 25 s shutdown timeout", fly.KillSignal, fly.KillTimeout)
	}
	var paths []string
	for _, c := range fly.HTTPService.Checks {
		paths = append(paths, c.Path)
		if c.Method != "GET" {
			t.Errorf("check %s: method %q", c.Path, c.Method)
		}
	}
	if !slices.Contains(paths, "/livez") || !slices.Contains(paths, "/readyz") {
		t.Errorf("health checks on %v, want /livez and /readyz", paths)
	}
	if fly.HTTPService.InternalPort != 8080 || fly.Env["ADDR"] != ":8080" {
		t.Errorf("internal_port %d and ADDR %q must agree on 8080", fly.HTTPService.InternalPort, fly.Env["ADDR"])
	}
	if fly.Metrics.Path != "/metrics" || fly.Env["METRICS_ADDR"] != ":9091" || fly.Metrics.Port != 9091 {
		t.Errorf("metrics: port %d path %q, METRICS_ADDR %q", fly.Metrics.Port, fly.Metrics.Path, fly.Env["METRICS_ADDR"])
	}
}

// unitDirectives are the systemd directives the unit files may use; a
// misspelt one would be ignored by systemd with only a warning.
var unitDirectives = map[string][]string{
	"Unit":    {"Description", "Documentation", "After", "Before", "Wants", "Requires"},
	"Install": {"WantedBy"},
	"Timer":   {"OnCalendar", "RandomizedDelaySec", "Persistent"},
	"Service": {"Type", "User", "Group", "ExecStartPre", "ExecStart", "ExecStartPost", "Environment", "EnvironmentFile", "StateDirectory",
		"StateDirectoryMode", "WorkingDirectory", "KillSignal", "TimeoutStopSec", "Restart", "RestartSec", "LimitNOFILE", "UMask",
		"NoNewPrivileges", "CapabilityBoundingSet", "AmbientCapabilities", "ProtectSystem", "ProtectHome", "PrivateTmp",
		"PrivateDevices", "PrivateUsers", "PrivateNetwork", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
		"ProtectControlGroups", "ProtectClock", "ProtectHostname", "ProtectProc", "ProcSubset", "RestrictAddressFamilies",
		"RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute", "RemoveIPC",
		"SystemCallArchitectures", "SystemCallFilter", "SystemCallErrorNumber", "DevicePolicy"},
}

// TestSystemdUnits checks the unit files: their structure always, and with
// systemd-analyze verify where systemd is installed.
func TestSystemdUnits(t *testing.T) {
	units, _ := filepath.Glob("../deploy/*.service")
	timers, _ := filepath.Glob("../deploy/*.timer")
	units = append(units, timers...)
	if len(units) < 3 {
		t.Fatalf("deploy/ has %d unit files", len(units))
	}
	for _, u := range units {
		t.Run(filepath.Base(u), func(t *testing.T) { checkUnitStructure(t, u) })
	}
	t.Run("the service is hardened", func(t *testing.T) {
		b, _ := os.ReadFile("../deploy/mintedmind.service")
		for _, want := range []string{"User=mintedmind", "NoNewPrivileges=yes", "ProtectSystem=strict", "KillSignal=SIGTERM", "StateDirectory=mintedmind", "CapabilityBoundingSet=\n"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("mintedmind.service lacks %q", want)
			}
		}
	})

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: checked the structure only")
		return
	}
	// verify wants the binaries to exist: point them at real ones.
	dir := t.TempDir()
	var names []string
	for _, u := range units {
		b, _ := os.ReadFile(u)
		s := strings.NewReplacer("/usr/local/bin/mintedmind", binary, "/usr/local/bin/litestream", binary).Replace(string(b))
		name := filepath.Join(dir, filepath.Base(u))
		os.WriteFile(name, []byte(s), 0o644)
		names = append(names, name)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, names...)...).CombinedOutput()
	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, dir) || strings.Contains(line, "mintedmind") {
			problems = append(problems, line)
		}
	}
	if err != nil || len(problems) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, strings.Join(problems, "\n"))
	}
}

func checkUnitStructure(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	section := ""
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			if _, ok := unitDirectives[section]; !ok {
				t.Errorf("%s:%d: unknown section [%s]", path, n, section)
			}
			seen[section] = true
		default:
			key, _, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Errorf("%s:%d: not a key=value line in a section: %q", path, n, line)
				continue
			}
			if !slices.Contains(unitDirectives[section], key) {
				t.Errorf("%s:%d: %s is not a directive of [%s] this project uses", path, n, key, section)
			}
		}
	}
	if !seen["Unit"] || !(seen["Service"] || seen["Timer"]) {
		t.Errorf("%s: needs [Unit] and [Service] or [Timer]", path)
	}
}

// TestDockerfile checks the image's promises: a static build, a distroless
// non-root image, data on a volume at /data.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "FROM gcr.io/distroless/static", ":nonroot", "USER nonroot", "VOLUME /data", "DATA_DIR=/data", "STOPSIGNAL SIGTERM"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// TestLitestreamConfigIsCurrent keeps deploy/litestream.yml what
// `mintedmind litestream-config` writes for the systemd layout.
func TestLitestreamConfigIsCurrent(t *testing.T) {
	out, err := exec.Command(binary, "litestream-config", "-data", "/var/lib/mintedmind", "-replica", "s3://my-bucket/mintedmind").Output()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../deploy/litestream.yml")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(out) {
		t.Fatalf("deploy/litestream.yml is stale: regenerate it with\n  mintedmind litestream-config -data /var/lib/mintedmind -replica s3://my-bucket/mintedmind > deploy/litestream.yml")
	}
}
