package main

import (
	"context"
	"flag"
	"fmt"

	"mintedmind/clock"
)

// jobsCommand is `mintedmind jobs list` and `mintedmind jobs run NAME`.
type jobsCommand struct {
	now string // -now: the time to run at, RFC 3339
}

func (*jobsCommand) name() string { return "jobs" }

func (*jobsCommand) usage() string {
	return `  mintedmind jobs list [flags]             list the scheduled jobs
  mintedmind jobs run NAME [-now TIME]     run one job now (or at a chosen time), and record it
`
}

func (j *jobsCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&j.now, "now", "", "jobs run: the time to run at, RFC 3339 (e.g. 2026-12-01T03:00:00Z); default the real time")
}

func (j *jobsCommand) run(ctx context.Context, inv *invocation, args []string) error {
	switch {
	case len(args) == 1 && args[0] == "list":
		return j.list(ctx, inv)
	case len(args) == 2 && args[0] == "run":
		return j.runJob(ctx, inv, args[1])
	}
	return errUsage
}

func (j *jobsCommand) list(ctx context.Context, inv *invocation) error {
	a, err := openApp(ctx, inv.cfg, clock.System{}, inv.log, linksAsConfigured)
	if err != nil {
		return err
	}
	defer a.close()
	for _, n := range a.jobs.Names() {
		fmt.Fprintln(inv.stdout, n)
	}
	return nil
}

// runJob runs the job name once, at -now if given, records the run and
// sends the mail it queued, its links on the server's base URL.
func (j *jobsCommand) runJob(ctx context.Context, inv *invocation, name string) error {
	c, err := commandClock(j.now)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, inv.cfg, c, inv.log, linksInMail)
	if err != nil {
		return err
	}
	defer a.close()
	r, err := a.jobs.Run(ctx, name)
	if r != nil {
		fmt.Fprintf(inv.stdout, "%s: %s %v\n", name, r.Status, r.Counts)
	}
	if err != nil {
		return err
	}
	return a.mailer.Flush(ctx)
}
