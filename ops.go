package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"text/template"
	"time"

	"mintedmind/backup"
	"mintedmind/clock"
)

// backupCmd writes a consistent backup of the installation into dir; the
// server may keep running meanwhile.
func backupCmd(ctx context.Context, cfg *config, log *slog.Logger, dir string, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(cfg.ControlDir, "control.db")); err != nil {
		return fmt.Errorf("backup: no installation in %s: %w", cfg.ControlDir, err)
	}
	a, err := openApp(ctx, cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer a.close()
	start := time.Now()
	m, err := backup.Create(ctx, backup.Source{DataDir: cfg.DataDir, Control: a.control, Pool: a.pool, Log: log}, dir)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(stdout, "backup written to %s: the control database and %s, %d files, %d bytes, in %s\n",
		dir, agencies(m.Agencies), len(m.Files), size, time.Since(start).Round(time.Millisecond))
	return nil
}

func agencies(n int) string {
	if n == 1 {
		return "1 agency"
	}
	return fmt.Sprintf("%d agencies", n)
}

// restoreCmd restores the backup in dir as the data directory, which must
// be empty: restoring never overwrites a live installation.
func restoreCmd(ctx context.Context, cfg *config, dir string, stdout io.Writer) error {
	if cfg.ControlDir != cfg.DataDir {
		return fmt.Errorf("restore: with -control-dir set, restore into a fresh data directory and move control.db to the control directory by hand")
	}
	m, err := backup.Restore(ctx, dir, cfg.DataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: the control database and %s, %d files checked (taken %s)\n",
		dir, cfg.DataDir, agencies(m.Agencies), len(m.Files), m.CreatedAt.Format(time.RFC3339))
	return nil
}

// litestreamTemplate replicates the control database and, through
// Litestream's directory watching, every agency database, including the
// ones created after Litestream started.
var litestreamTemplate = template.Must(template.New("litestream").Parse(`# Litestream configuration for MintedMind, written by "mintedmind litestream-config".
# Run: litestream replicate -config this-file  (beside the server, same user).
# The control database is replicated on its own; every agency database under
# tenants/ is found by directory watching, so agencies created or removed
# later are covered without editing this file. Each database gets its own
# path under the replica root: control/ and tenants/<agency id>/tenant.db/.
# Restore one: litestream restore -o OUT {{.Replica}}/tenants/<agency id>/tenant.db
dbs:
  - path: {{.Control}}
    replica:
      url: {{.Replica}}/control
  - dir: {{.Tenants}}
    pattern: "tenant.db"
    recursive: true
    watch: true
    replica:
      url: {{.Replica}}/tenants
`))

// litestreamConfig prints a Litestream configuration for this installation.
func litestreamConfig(_ context.Context, cfg *config, stdout io.Writer) error {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	return litestreamTemplate.Execute(stdout, map[string]string{
		"Control": abs(filepath.Join(cfg.ControlDir, "control.db")),
		"Tenants": abs(filepath.Join(cfg.DataDir, "tenants")),
		"Replica": trimSlash(cfg.Replica),
	})
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// agencyExport is the first half of moving an agency to another machine:
// its requests are refused from now on (503, "being moved"), and once the
// requests in flight have finished, its database and files go into dir.
func agencyExport(ctx context.Context, cfg *config, log *slog.Logger, slug, dir string, stdout io.Writer) error {
	if cfg.Machine == "" {
		return fmt.Errorf("agency export: set -machine (MACHINE_ID) to this machine's id")
	}
	a, err := openApp(ctx, cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer a.close()
	ag, err := a.control.AgencyBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("agency export: %s: %w", slug, err)
	}
	if err := a.control.SetMoving(ctx, ag.ID, cfg.Machine, true); err != nil {
		return fmt.Errorf("agency export: %w", err)
	}
	// Requests that began before the mark may still write: let them finish.
	time.Sleep(cfg.Settle)
	m, err := backup.CreateAgency(ctx, a.pool, ag.ID, dir)
	if err != nil {
		if uerr := a.control.SetMoving(context.WithoutCancel(ctx), ag.ID, cfg.Machine, false); uerr != nil {
			log.Error("agency export: could not end the move; run agency import or mark it by hand", "agency", ag.ID, "err", uerr)
		}
		return err
	}
	fmt.Fprintf(stdout, "agency %s (%s) exported to %s: %d files. It answers \"being moved\" until it is imported:\n  mintedmind agency import %s   (on the new machine)\n", slug, ag.ID, dir, len(m.Files), dir)
	return nil
}

// agencyImport is the second half of a move: it restores an agency's export
// into this machine's data directory and switches its placement here.
func agencyImport(ctx context.Context, cfg *config, log *slog.Logger, dir string, stdout io.Writer) error {
	if cfg.Machine == "" {
		return fmt.Errorf("agency import: set -machine (MACHINE_ID) to this machine's id")
	}
	a, err := openApp(ctx, cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer a.close()
	m, err := backup.RestoreAgency(ctx, dir, cfg.DataDir)
	if err != nil {
		return err
	}
	if cfg.MachineURL != "" {
		if err := a.control.RegisterMachine(ctx, cfg.Machine, cfg.MachineURL); err != nil {
			return err
		}
	}
	if err := a.control.PlaceAgency(ctx, m.AgencyID, cfg.Machine); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "agency %s imported into %s and placed on machine %s\n", m.AgencyID, cfg.DataDir, cfg.Machine)
	return nil
}
