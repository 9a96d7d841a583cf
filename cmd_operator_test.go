package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"mintedmind/clock"
	controldb "mintedmind/db/control"
	"mintedmind/db/dbtest"
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
	t.Run("the link is stored in the PostgreSQL control database of -control-db", func(t *testing.T) {
		server := dbtest.PostgresServer()
		if server == "" {
			t.Skip(dbtest.PostgresEnv + " is not set")
		}
		data, controlDB := t.TempDir(), dbtest.FreshPostgres(t, server)
		var out bytes.Buffer
		if err := run(ctx, []string{"operator", "create", "-data", data, "-control-db", controlDB, "-base-url", "https://crm.example.com"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		token := regexp.MustCompile(`/setup/([A-Za-z0-9_-]{43})`).FindStringSubmatch(out.String())
		if token == nil {
			t.Fatalf("no link: %s", out.String())
		}
		ctl, err := controldb.OpenPostgres(ctx, controlDB, controlSchema, clock.System{})
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		if err := ctl.CheckSetupToken(ctx, token[1]); err != nil {
			t.Fatalf("the printed link is not in the PostgreSQL control database: %v", err)
		}
		if _, err := os.Stat(filepath.Join(data, "control.db")); !os.IsNotExist(err) {
			t.Fatalf("a control.db in the data directory as well: %v", err)
		}
	})
}
