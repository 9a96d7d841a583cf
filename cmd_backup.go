package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"mintedmind/backup"
	"mintedmind/clock"
	"mintedmind/db"
)

// backupCommand is `mintedmind backup DIR`.
type backupCommand struct{}

func (*backupCommand) name() string { return "backup" }

func (*backupCommand) usage() string {
	return `  mintedmind backup DIR                    write a consistent backup of every database and file into DIR (safe while serving)
`
}

func (*backupCommand) flags(*flag.FlagSet) {}

// run writes a consistent backup of the installation into DIR; the server
// may keep running meanwhile. With -control-db it holds this machine's
// agencies: the PostgreSQL control database is PostgreSQL's to back up.
func (*backupCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	cfg, dir := inv.cfg, args[0]
	if cfg.ControlDB != "" {
		if _, err := os.Stat(cfg.DataDir); err != nil {
			return fmt.Errorf("backup: no data directory %s: %w", cfg.DataDir, err)
		}
	} else if _, err := os.Stat(filepath.Join(cfg.ControlDir, "control.db")); err != nil {
		return fmt.Errorf("backup: no installation in %s: %w", cfg.ControlDir, err)
	}
	a, err := openApp(ctx, cfg, clock.System{}, inv.log, linksAsConfigured)
	if err != nil {
		return err
	}
	defer a.close()
	start := time.Now()
	m, err := backup.Create(ctx, backup.Source{DataDir: cfg.DataDir, Control: a.control, Pool: a.pool, Log: inv.log, Reserve: &cfg.StorageReserve}, dir)
	if db.FaultOf(err) == db.Full {
		// Half a backup is no backup, and it holds the space the disk lacks.
		os.RemoveAll(dir)
		return fmt.Errorf("backup: the disk of %s ran out of space; the unfinished backup was removed: %w", dir, err)
	}
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	what := "the control database and " + agencies(m.Agencies)
	if m.ControlPlane != "" {
		what = agencies(m.Agencies)
	}
	fmt.Fprintf(inv.stdout, "backup written to %s: %s, %d files, %d bytes, in %s\n",
		dir, what, len(m.Files), size, time.Since(start).Round(time.Millisecond))
	if m.ControlPlane != "" {
		fmt.Fprintf(inv.stdout, "not in it: the control database, on PostgreSQL (%s) and shared by every machine; back it up with PostgreSQL's own tools (pg_dump, or continuous archiving), once for all machines\n", m.ControlPlane)
	}
	for _, id := range m.Skipped {
		fmt.Fprintf(inv.stdout, "left out agency %s: it is degraded (its database is damaged); earlier backups hold it\n", id)
	}
	return nil
}

func agencies(n int) string {
	if n == 1 {
		return "1 agency"
	}
	return fmt.Sprintf("%d agencies", n)
}
