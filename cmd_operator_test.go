package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestOperatorCreate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("it prints a setup link", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"operator", "create", "-data", dir, "-base-url", "https://crm.example.com"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`https://crm\.example\.com/setup/[A-Za-z0-9_-]{43}`).MatchString(out.String()) {
			t.Fatalf("no link: %s", out.String())
		}
	})
	t.Run("the link is stored in the control database of -control-dir", func(t *testing.T) {
		data, controlDir := t.TempDir(), t.TempDir()
		if err := run(ctx, []string{"operator", "create", "-data", data, "-control-dir", controlDir}, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(controlDir, "control.db")); err != nil {
			t.Fatalf("not in the control directory: %v", err)
		}
		if _, err := os.Stat(filepath.Join(data, "control.db")); !os.IsNotExist(err) {
			t.Fatalf("a second control database in the data directory: %v", err)
		}
	})
}
