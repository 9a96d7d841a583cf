package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	t.Run("a directory with no installation is refused", func(t *testing.T) {
		err := run(context.Background(), []string{"backup", filepath.Join(dir, "b"), "-data", filepath.Join(dir, "nothing")}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no installation") {
			t.Fatalf("err = %v", err)
		}
	})
}
