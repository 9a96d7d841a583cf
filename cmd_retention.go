package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/jobs"
	"mintedmind/mail"
)

// retentionCommand is `mintedmind retention`.
type retentionCommand struct {
	now    string // -now: the time to apply the policy at, RFC 3339
	dryRun bool   // -dry-run: only show what would be done
}

func (*retentionCommand) name() string { return "retention" }

func (*retentionCommand) usage() string {
	return `  mintedmind retention [-dry-run] [-now TIME]
                                           apply the retention policy now (archive, delete, purge); -dry-run only shows what it would do
`
}

func (r *retentionCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&r.now, "now", "", "the time to apply the policy at, RFC 3339 (e.g. 2026-12-01T03:00:00Z); default the real time")
	fs.BoolVar(&r.dryRun, "dry-run", false, "show what the retention policy would do, change nothing")
}

// newRetention builds the retention policy's runner from the configuration.
func newRetention(cfg *config, baseURL string, control *control.Store, pool *tenant.Pool, c clock.Clock, mailer *mail.Mailer) *jobs.Retention {
	p := jobs.DefaultRetention()
	p.SessionIdle = cfg.SessionIdle
	x := jobs.NewRetention(control, pool, c, mailer, p, baseURL)
	x.UseMachine(cfg.Machine)
	return x
}

// run applies the retention policy once, at -now if given; with -dry-run
// it prints what it would do and changes nothing.
func (r *retentionCommand) run(ctx context.Context, inv *invocation, args []string) error {
	if len(args) > 0 {
		return errUsage
	}
	cfg, stdout := inv.cfg, inv.stdout
	c, err := commandClock(r.now)
	if err != nil {
		return err
	}
	// The dry run sends no email, so needs no base URL for its links.
	links := linksInMail
	if r.dryRun {
		links = linksLikeServer
	}
	a, err := openApp(ctx, cfg, c, inv.log, links)
	if err != nil {
		return err
	}
	defer a.close()
	if !r.dryRun {
		jobRun, err := a.jobs.Run(ctx, "retention")
		if jobRun != nil {
			fmt.Fprintf(stdout, "retention: %s %v\n", jobRun.Status, jobRun.Counts)
		}
		if err != nil {
			return err
		}
		return a.mailer.Flush(ctx)
	}
	rep, err := newRetention(cfg, a.baseURL, a.control, a.pool, c, a.mailer).Run(ctx, true)
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
