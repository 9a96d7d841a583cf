package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mintedmind/internal/faultfs"
)

// TestCheckSpaceCommand is the guard deploy/mintedmind-litestream.service
// runs before Litestream writes into its replica: exit 1 with a message
// for a directory whose disk is below the reserve, 0 with a line each
// otherwise.
func TestCheckSpaceCommand(t *testing.T) {
	ctx := context.Background()
	t.Run("a directory with room passes, one line each", func(t *testing.T) {
		dir := t.TempDir()
		var out bytes.Buffer
		if err := run(ctx, []string{"check-space", dir, filepath.Join(dir, "not-yet"), "-storage-reserve", "1MiB"}, &out, &out); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "free of") || strings.Contains(out.String(), "BELOW") {
			t.Fatalf("%q", out.String())
		}
	})
	t.Run("a disk below the configured reserve is refused with exit code 1", func(t *testing.T) {
		dir := t.TempDir()
		var out bytes.Buffer
		err := run(ctx, []string{"check-space", dir, "-storage-reserve", "1000TiB"}, &out, &out)
		var exit *exitError
		if !errors.As(err, &exit) || exit.code != 1 || !strings.Contains(err.Error(), "not enough free space") {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(out.String(), dir+": ") || !strings.Contains(out.String(), "BELOW THE RESERVE") {
			t.Fatalf("%q", out.String())
		}
	})
	t.Run("no directory is a usage error", func(t *testing.T) {
		if err := run(ctx, []string{"check-space"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("a full tmpfs is refused at the default reserve", func(t *testing.T) {
		dir := faultfs.Tmpfs(t, 8<<20)
		release := faultfs.Fill(t, dir, 0)
		defer release()
		var out bytes.Buffer
		err := run(ctx, []string{"check-space", dir}, &out, &out)
		var exit *exitError
		if !errors.As(err, &exit) || exit.code != 1 || !strings.Contains(out.String(), "BELOW THE RESERVE") {
			t.Fatalf("err = %v\n%s", err, out.String())
		}
	})
}

// TestBackupRefusesAFullTarget backs an installation up into a full tmpfs:
// the command refuses before writing anything, saying how much room it
// needs; with room it works.
func TestBackupRefusesAFullTarget(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if err := run(ctx, []string{"demo", "-data", data, "-clients", "1", "-cases", "1", "-events", "1"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	target := faultfs.Tmpfs(t, 16<<20)
	release := faultfs.Fill(t, target, 64<<10)
	dest := filepath.Join(target, "backup-1")
	err := run(ctx, []string{"backup", dest, "-data", data}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "free; this backup needs about") || !strings.Contains(err.Error(), "choose a directory on a disk with room") {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(target)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "ballast-") {
			t.Fatalf("the refused backup left %s behind", e.Name())
		}
	}
	release()
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", dest, "-data", data}, &out, &out); err != nil {
		t.Fatalf("with room: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dest, "control.db")); err != nil {
		t.Fatalf("no backup written: %v", err)
	}
}
