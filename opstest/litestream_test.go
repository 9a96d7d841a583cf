package opstest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// litestreamBinary finds the litestream command: on PATH or where go
// install puts it. CI installs it (.ci/run); elsewhere the test skips.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("litestream"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "litestream")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "litestream is not installed: go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestLitestreamKill9Restore replicates an installation with Litestream
// using the configuration `mintedmind litestream-config` writes (a file
// replica), kills the server with SIGKILL under load, restores every
// database from the replica alone, and checks integrity and that every
// acknowledged write is there, including an agency created after
// Litestream started (found by its directory watching).
func TestLitestreamKill9Restore(t *testing.T) {
	ls := litestreamBinary(t)
	data, replica, work := t.TempDir(), t.TempDir(), t.TempDir()
	s := startServer(t, data)
	owners := map[string]*agent{"ls-a": mustSignup(t, s.url(""), "ls-a")}

	cfg, err := exec.Command(binary, "litestream-config", "-data", data, "-replica", "file://"+replica).Output()
	if err != nil {
		t.Fatalf("litestream-config: %v", err)
	}
	cfgPath := filepath.Join(work, "litestream.yml")
	os.WriteFile(cfgPath, cfg, 0o600)
	lsLog := &logBuffer{}
	rep := exec.Command(ls, "replicate", "-config", cfgPath)
	rep.Stdout, rep.Stderr = lsLog, lsLog
	if err := rep.Start(); err != nil {
		t.Fatal(err)
	}
	repDone := make(chan struct{})
	go func() { rep.Wait(); close(repDone) }()
	t.Cleanup(func() {
		rep.Process.Kill()
		<-repDone
		if t.Failed() {
			t.Logf("litestream log:\n%s\nconfig:\n%s", tail(lsLog.String(), 4096), cfg)
		}
	})
	// Litestream has started replicating once the control database's
	// replica holds a file.
	waitUntil(t, 30*time.Second, "no file in the control database's replica", func() bool { return hasFile(filepath.Join(replica, "control")) })
	owners["ls-b"] = mustSignup(t, s.url(""), "ls-b") // created while Litestream runs
	// Its directory watching has found the new agency once that agency's
	// replica holds a file (its first snapshot).
	waitUntil(t, 30*time.Second, "no file in the new agency's replica", func() bool {
		return hasFile(filepath.Join(replica, "tenants", agencyID(t, data, "ls-b"), "tenant.db"))
	})

	l := startLoad(s.url(""), owners, 2, 0)
	l.acks.waitFor(t, 40, 60*time.Second)
	s.kill()
	k := l.finish()
	if k.count() == 0 {
		t.Fatal("the load acknowledged nothing")
	}
	// Litestream ships what the killed server left in its write-ahead
	// logs as it stops: a replica closes with a last sync (the restore
	// below checks that every acknowledged write arrived).
	rep.Process.Signal(syscall.SIGTERM)
	select {
	case <-repDone:
	case <-time.After(20 * time.Second):
		t.Fatal("litestream did not stop")
	}

	restored := filepath.Join(work, "restored")
	restore := func(url, out string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(out), 0o700)
		if b, err := exec.Command(ls, "restore", "-o", out, url).CombinedOutput(); err != nil {
			t.Fatalf("litestream restore %s: %v\n%s", url, err, b)
		}
	}
	restore("file://"+replica+"/control", filepath.Join(restored, "control.db"))
	for slug := range owners {
		id := agencyID(t, data, slug)
		restore("file://"+replica+"/tenants/"+id+"/tenant.db", filepath.Join(restored, "tenants", id, "tenant.db"))
	}
	n := mustIntegrityOK(t, restored)
	mustHaveAcked(t, restored, k)
	t.Logf("%d acknowledged writes restored from the replica; integrity_check ok on %d databases", k.count(), n)

	s2 := startServer(t, restored)
	a := owners["ls-b"]
	a.base = s2.url("")
	if res, _, err := a.get("/a/ls-b/cases"); err != nil || res.StatusCode != 200 {
		t.Fatalf("restored installation: %v %v", res, err)
	}
	s2.terminate()
}

// hasFile reports whether any regular file is under dir.
func hasFile(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}
