package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mintedmind/backup"
	"mintedmind/db/dbtest"
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

// TestBackupPostgresControl: with the control database on PostgreSQL
// (-control-db), backup writes this machine's agencies and says the
// control database is not in it; restore takes that backup only with
// -control-db, and a control.db backup only without; litestream-config
// replicates the agencies alone.
func TestBackupPostgresControl(t *testing.T) {
	server := dbtest.PostgresServer()
	if server == "" {
		t.Skip(dbtest.PostgresEnv + " is not set")
	}
	ctx := context.Background()
	dir := t.TempDir()
	data, controlDB := filepath.Join(dir, "data"), dbtest.FreshPostgres(t, server)
	small := []string{"-clients", "2", "-cases", "2", "-events", "4"}
	if err := run(ctx, append([]string{"demo", "-data", data, "-control-db", controlDB}, small...), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}

	t.Run("a missing data directory is refused", func(t *testing.T) {
		err := run(ctx, []string{"backup", filepath.Join(dir, "none"), "-data", filepath.Join(dir, "nothing"), "-control-db", controlDB}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no data directory") {
			t.Fatalf("err = %v", err)
		}
	})

	pgBackup := filepath.Join(dir, "pg-backup")
	t.Run("backup holds the agencies and names the control database it leaves to PostgreSQL", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"backup", pgBackup, "-data", data, "-control-db", controlDB}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{": 1 agency,", "not in it: the control database, on PostgreSQL", "pg_dump"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Contains(out.String(), "mintedmind_test:") {
			t.Errorf("the output shows the password:\n%s", out.String())
		}
		m, err := backup.Verify(pgBackup)
		if err != nil {
			t.Fatal(err)
		}
		if m.Agencies != 1 || m.ControlPlane == "" || strings.Contains(m.ControlPlane, "mintedmind_test:") {
			t.Fatalf("manifest: %d agencies, control plane %q", m.Agencies, m.ControlPlane)
		}
		if _, err := os.Stat(filepath.Join(pgBackup, "control.db")); !os.IsNotExist(err) {
			t.Fatalf("a control.db in the backup: %v", err)
		}
	})

	t.Run("restore without -control-db refuses it, leaving the target empty", func(t *testing.T) {
		target := filepath.Join(dir, "restored-sqlite")
		err := run(ctx, []string{"restore", pgBackup, "-data", target}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "restore it with -control-db") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Fatalf("target written: %v", err)
		}
	})

	t.Run("restore with -control-db restores the agencies and says where the control data is", func(t *testing.T) {
		target := filepath.Join(dir, "restored")
		var out bytes.Buffer
		if err := run(ctx, []string{"restore", pgBackup, "-data", target, "-control-db", controlDB}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), ": 1 agency,") || !strings.Contains(out.String(), "pg_restore") {
			t.Errorf("output:\n%s", out.String())
		}
		found, _ := filepath.Glob(filepath.Join(target, "tenants", "*", "tenant.db"))
		if len(found) != 1 {
			t.Fatalf("restored agency databases %v, want one", found)
		}
		if err := backup.IntegrityCheck(ctx, found[0]); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a control.db backup is refused with -control-db", func(t *testing.T) {
		sqliteData, sqliteBackup := filepath.Join(dir, "sqlite-data"), filepath.Join(dir, "sqlite-backup")
		if err := run(ctx, append([]string{"demo", "-data", sqliteData}, small...), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, []string{"backup", sqliteBackup, "-data", sqliteData}, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, "restored-pg")
		err := run(ctx, []string{"restore", sqliteBackup, "-data", target, "-control-db", controlDB}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "restore it without -control-db") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Fatalf("target written: %v", err)
		}
	})

	t.Run("litestream-config replicates the agencies, not the control database", func(t *testing.T) {
		var out, stderr bytes.Buffer
		if err := run(ctx, []string{"litestream-config", "-data", data, "-control-db", controlDB, "-replica", "s3://bucket/mm"}, &out, &stderr); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "control.db") || strings.Contains(out.String(), "url: s3://bucket/mm/control") {
			t.Errorf("config replicates a control.db:\n%s", out.String())
		}
		if !strings.Contains(out.String(), "- dir: "+filepath.Join(data, "tenants")) || !strings.Contains(out.String(), "url: s3://bucket/mm/tenants") {
			t.Errorf("config lacks the agencies:\n%s", out.String())
		}
		if !strings.Contains(stderr.String(), "the control database is on PostgreSQL") {
			t.Errorf("no word of the control database: %s", stderr.String())
		}
	})
}
