package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/jobs"
	"mintedmind/mail"
)

// newRetention builds the retention policy's runner from the configuration.
func newRetention(cfg *config, control *db.Control, pool *db.TenantPool, c clock.Clock, mailer *mail.Mailer) *jobs.Retention {
	p := jobs.DefaultRetention()
	p.SessionIdle = cfg.SessionIdle
	return jobs.NewRetention(control, pool, c, mailer, p, cfg.BaseURL)
}

// retention applies the retention policy once, at -now if given; with
// -dry-run it prints what it would do and changes nothing.
func retention(ctx context.Context, cfg *config, log *slog.Logger, stdout io.Writer) error {
	c, err := commandClock(cfg)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	if !cfg.DryRun {
		r, err := a.jobs.Run(ctx, "retention")
		if r != nil {
			fmt.Fprintf(stdout, "retention: %s %v\n", r.Status, r.Counts)
		}
		if err != nil {
			return err
		}
		return a.mailer.Flush(ctx)
	}
	rep, err := newRetention(cfg, a.control, a.pool, c, a.mailer).Run(ctx, true)
	fmt.Fprintf(stdout, "retention dry run at %s: nothing was changed\n", c.Now().UTC().Format(time.RFC3339))
	for _, line := range rep.Actions {
		fmt.Fprintln(stdout, "  would "+line)
	}
	keys := make([]string, 0, len(rep.Counts))
	for k := range rep.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stdout, "  %s: %d\n", k, rep.Counts[k])
	}
	if len(keys) == 0 {
		fmt.Fprintln(stdout, "  nothing to do")
	}
	return err
}
