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
// empty: restoring never overwrites a live installation.
func (*restoreCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	cfg, dir := inv.cfg, args[0]
	if cfg.ControlDir != cfg.DataDir {
		return fmt.Errorf("restore: with -control-dir set, restore into a fresh data directory and move control.db to the control directory by hand")
	}
	m, err := backup.Restore(ctx, dir, cfg.DataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "restored %s into %s: the control database and %s, %d files checked (taken %s)\n",
		dir, cfg.DataDir, agencies(m.Agencies), len(m.Files), m.CreatedAt.Format(time.RFC3339))
	return nil
}
