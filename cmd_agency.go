package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"mintedmind/backup"
	"mintedmind/clock"
	"mintedmind/db/control"
)

// agencyCommand is `mintedmind agency export SLUG DIR` and `mintedmind
// agency import DIR`: moving an agency from one machine to another.
type agencyCommand struct {
	settle time.Duration // -settle: export waits this long for requests in flight
}

func (*agencyCommand) name() string { return "agency" }

func (*agencyCommand) usage() string {
	return `  mintedmind agency export SLUG DIR        stop serving an agency here and write its snapshot into DIR (to move it)
  mintedmind agency import DIR             restore an exported agency here and place it on this machine (-machine)
`
}

func (g *agencyCommand) flags(fs *flag.FlagSet) {
	fs.DurationVar(&g.settle, "settle", 5*time.Second, "agency export: how long to let requests in flight finish after the agency stops taking new ones")
}

func (g *agencyCommand) run(ctx context.Context, inv *invocation, args []string) error {
	switch {
	case len(args) == 3 && args[0] == "export":
		return agencyExport(ctx, inv.cfg, g.settle, inv.log, args[1], args[2], inv.stdout)
	case len(args) == 2 && args[0] == "import":
		return agencyImport(ctx, inv.cfg, inv.log, args[1], inv.stdout)
	}
	return errUsage
}

// agencyExport is the first half of moving an agency to another machine:
// its requests are refused from now on (503, "being moved"), and once the
// requests in flight have finished, its database and files go into dir.
func agencyExport(ctx context.Context, cfg *config, settle time.Duration, log *slog.Logger, slug, dir string, stdout io.Writer) error {
	if cfg.Machine == "" {
		return fmt.Errorf("agency export: set -machine (MACHINE_ID) to this machine's id")
	}
	a, err := openApp(ctx, cfg, clock.System{}, log, linksAsConfigured)
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
	time.Sleep(settle)
	m, err := backup.CreateAgency(ctx, a.pool, ag.ID, dir)
	if err != nil {
		if uerr := a.control.SetMoving(context.WithoutCancel(ctx), ag.ID, cfg.Machine, false); uerr != nil {
			log.Error("agency export: could not end the move; run agency import or mark it by hand", "agency", ag.ID, "err", uerr)
		}
		return err
	}
	// The copy here is no longer this machine's agency: set aside, kept
	// until the new machine serves it (its placement says so already).
	kept, err := backup.SetAsideMoved(cfg.DataDir, ag.ID, time.Now())
	if err != nil {
		return fmt.Errorf("agency export: %w (the export in %s is complete)", err, dir)
	}
	fmt.Fprintf(stdout, "agency %s (%s) exported to %s: %d files. It answers \"being moved\" until it is imported:\n  mintedmind agency import %s   (on the new machine)\nIts copy on this machine is set aside in %s: no longer served nor run here; remove it once the new machine serves the agency and has been backed up.\n", slug, ag.ID, dir, len(m.Files), dir, kept)
	return nil
}

// agencyImport is the second half of a move: it restores an agency's export
// into this machine's data directory and switches its placement here.
func agencyImport(ctx context.Context, cfg *config, log *slog.Logger, dir string, stdout io.Writer) error {
	if cfg.Machine == "" {
		return fmt.Errorf("agency import: set -machine (MACHINE_ID) to this machine's id")
	}
	a, err := openApp(ctx, cfg, clock.System{}, log, linksAsConfigured)
	if err != nil {
		return err
	}
	defer a.close()
	m, err := backup.ReadManifest(dir)
	if err != nil {
		return err
	}
	if err := importable(ctx, a.control, m.AgencyID, cfg.Machine); err != nil {
		return fmt.Errorf("agency import: %w", err)
	}
	if m, err = backup.RestoreAgency(ctx, dir, cfg.DataDir); err != nil {
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

// importable refuses to import an agency some machine still holds: only
// one being moved (exported) or placed nowhere may take a placement here,
// else two machines would each have a live copy taking writes.
func importable(ctx context.Context, c *control.Store, agencyID, machine string) error {
	if agencyID == "" {
		return nil // a whole-installation backup: RestoreAgency says so
	}
	ag, err := c.AgencyByID(ctx, agencyID)
	if err != nil {
		return fmt.Errorf("agency %s is not in this control plane: %w", agencyID, err)
	}
	pl, err := c.PlacementOf(ctx, agencyID)
	switch {
	case err != nil:
		return err
	case pl == nil || pl.Moving:
		return nil
	case pl.Machine == machine:
		return fmt.Errorf("agency %s (%s) is already served by this machine (%s); nothing to import", ag.Slug, agencyID, machine)
	}
	return fmt.Errorf("agency %s (%s) is served by machine %s, not being moved: export it there first (mintedmind agency export %s DIR on %s)", ag.Slug, agencyID, pl.Machine, ag.Slug, pl.Machine)
}
