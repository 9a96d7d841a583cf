package opstest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"mintedmind/internal/faultfs"
)

// TestLitestreamRefusesAFullTarget runs the guard of
// deploy/mintedmind-litestream.service (its ExecStartPre line, with the
// built binary) against a full tmpfs standing for the replica's disk:
// it exits 1 saying so, and so Litestream is not started; once there is
// room it passes.
func TestLitestreamRefusesAFullTarget(t *testing.T) {
	unit, err := os.ReadFile("../deploy/mintedmind-litestream.service")
	if err != nil {
		t.Fatal(err)
	}
	var guard []string
	for _, line := range strings.Split(string(unit), "\n") {
		if cmd, ok := strings.CutPrefix(line, "ExecStartPre="); ok && strings.Contains(cmd, " check-space ") {
			guard = strings.Fields(cmd)
		}
	}
	if len(guard) < 3 || guard[0] != "/usr/local/bin/mintedmind" {
		t.Fatalf("the Litestream unit runs no check-space before starting: %q", guard)
	}
	target := faultfs.Tmpfs(t, 8<<20)
	release := faultfs.Fill(t, target, 0)
	run := func() (string, error) {
		args := append([]string{guard[1]}, target)
		out, err := exec.Command(binary, args...).CombinedOutput()
		return string(out), err
	}
	out, err := run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(out, "BELOW THE RESERVE") || !strings.Contains(out, "not enough free space") {
		t.Fatalf("a full target: %v\n%s", err, out)
	}
	release()
	if out, err := run(); err != nil || !strings.Contains(out, target+": ") {
		t.Fatalf("with room: %v\n%s", err, out)
	}
}
