package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestAgencyCommand(t *testing.T) {
	t.Setenv("FLY_APP_NAME", "")
	t.Setenv("FLY_MACHINE_ID", "")
	dir := t.TempDir()
	t.Run("export needs this machine's id", func(t *testing.T) {
		err := run(context.Background(), []string{"agency", "export", "acme", filepath.Join(dir, "x"), "-data", dir}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-machine") {
			t.Fatalf("err = %v", err)
		}
	})
}
