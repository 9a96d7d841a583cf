package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"mintedmind/backup"
)

// restoreCommand is `mintedmind restore DIR`.
type restoreCommand struct{}

func (*restoreCommand) name() string { return "restore" }

func (*restoreCommand) usage() string {
	return `  mintedmind restore DIR                   check the backup in DIR and restore it into the (empty) data directory
`
}

func (*restoreCommand) flags(*flag.FlagSet) {}

// run restores the backup in DIR as the data directory, which must be
// empty: restoring never overwrites a live installation. A backup taken
// with -control-db (agencies only) restores with -control-db, one with
// control.db without it.
func (*restoreCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	cfg, dir := inv.cfg, args[0]
	if cfg.ControlDir != cfg.DataDir {
		return fmt.Errorf("restore: with -control-dir set, restore into a fresh data directory and move control.db to the control directory by hand")
	}
	m, err := backup.ReadManifest(dir)
	if err != nil {
		return err
	}
	switch {
	case m.ControlPlane != "" && cfg.ControlDB == "":
		return fmt.Errorf("restore: %s holds agencies only, taken with the control database on PostgreSQL (%s), and no control.db: restore it with -control-db naming that database", dir, m.ControlPlane)
	case m.ControlPlane == "" && cfg.ControlDB != "" && m.AgencyID == "":
		return fmt.Errorf("restore: %s holds a control.db, taken without -control-db; its control data cannot go into PostgreSQL: restore it without -control-db", dir)
	}
	m, err = backup.Restore(ctx, dir, cfg.DataDir)
	if err != nil {
		return err
	}
	if m.ControlPlane == "" {
		fmt.Fprintf(inv.stdout, "restored %s into %s: the control database and %s, %d files checked (taken %s)\n",
			dir, cfg.DataDir, agencies(m.Agencies), len(m.Files), m.CreatedAt.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(inv.stdout, "restored %s into %s: %s, %d files checked (taken %s)\n",
		dir, cfg.DataDir, agencies(m.Agencies), len(m.Files), m.CreatedAt.Format(time.RFC3339))
	fmt.Fprintf(inv.stdout, "their control data is in the PostgreSQL control database (taken from %s), which this backup does not hold: if that database was lost too, restore it with PostgreSQL's tools (pg_restore) before starting\n", m.ControlPlane)
	return nil
}
