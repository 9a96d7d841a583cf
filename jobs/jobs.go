// Package jobs runs the binary's scheduled work. Every job is idempotent, is
// recorded in job_runs with its counts, and can be run by hand with a chosen
// "now" (mintedmind jobs run NAME -now TIME).
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"mintedmind/app"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/live"
	"mintedmind/metrics"
)

// Job does one kind of scheduled work, adding what it did to run.Counts.
type Job struct {
	Name     string
	Schedule string // cron spec, e.g. "@hourly"
	Run      func(ctx context.Context, run *control.JobRun) error
}

// Runner knows the jobs and runs them, on schedule or by hand.
type Runner struct {
	control *control.Store
	pool    *tenant.Pool
	clock   clock.Clock
	log     *slog.Logger
	idle    time.Duration
	jobs    map[string]Job
	running sync.WaitGroup
	cron    *cron.Cron
	health  FaultReporter // nil: storage faults are only logged
	live    *live.Broker  // nil: history the jobs write tells no open page
	// inboundDomain, set, makes the document reminders answer to their
	// case by email (app.ReplyAddress) and the quote reminders to their
	// quote's thread (app.QuoteReplyAddress), as app.CaseMail's
	// notifications do.
	inboundDomain string
	holder        app.Holder // which agencies' work is this machine's
}

// FaultReporter is told of the storage errors a job met in an agency's
// database (health.Monitor): a damaged one is marked degraded.
type FaultReporter interface {
	Report(ctx context.Context, agencyID string, err error) error
}

// UseHealth makes the jobs report storage faults to h.
func (r *Runner) UseHealth(h FaultReporter) { r.health = h }

// UseMachine makes the jobs do the work of the agencies placed on this
// machine only (app.Holder; README "Scaling"); empty: one machine.
func (r *Runner) UseMachine(id string) { r.holder.Machine = id }

// UseInboundDomain makes the reminders about a case or a quote answer to
// reply+<token>@domain (replies by email); empty: no Reply-To.
func (r *Runner) UseInboundDomain(domain string) { r.inboundDomain = domain }

// UseLive makes the jobs tell open pages of the history they write
// (app.PublishCase, as the handlers do).
func (r *Runner) UseLive(b *live.Broker) { r.live = b }

// publishCase is app.PublishCase for a job: a failure is only logged.
func (r *Runner) publishCase(ctx context.Context, t *tenant.Store, caseID string, shared bool) {
	if err := app.PublishCase(ctx, r.live, t, caseID, live.KindEvent, shared, false); err != nil {
		r.log.Warn("live: address a notice", "agency_id", t.AgencyID, "case", caseID, "err", err)
	}
}

// NewRunner returns a runner with every job of the application.
func NewRunner(control *control.Store, pool *tenant.Pool, c clock.Clock, log *slog.Logger, sessionIdle time.Duration) *Runner {
	r := &Runner{control: control, pool: pool, clock: c, log: log, idle: sessionIdle, jobs: map[string]Job{},
		holder: app.Holder{Control: control, Pool: pool}}
	r.add(Job{Name: "sessions-cleanup", Schedule: "@hourly", Run: r.cleanSessions})
	r.add(Job{Name: "documents-cleanup", Schedule: "@hourly", Run: r.cleanDocumentFiles})
	r.add(Job{Name: "documents-trash-purge", Schedule: "@daily", Run: r.purgeDocumentTrash})
	return r
}

func (r *Runner) add(j Job) { r.jobs[j.Name] = j }

// Names lists the jobs.
func (r *Runner) Names() []string {
	var out []string
	for n := range r.jobs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Run runs one job now and records the run.
func (r *Runner) Run(ctx context.Context, name string) (*control.JobRun, error) {
	j, ok := r.jobs[name]
	if !ok {
		return nil, fmt.Errorf("jobs: no job named %q (have %v)", name, r.Names())
	}
	r.running.Add(1)
	defer r.running.Done()
	run, err := r.control.StartJobRun(ctx, name)
	if err != nil {
		metrics.JobRun(name, true, 0, r.clock.Now())
		return nil, err
	}
	started := time.Now()
	runErr := j.Run(ctx, run)
	metrics.JobRun(name, runErr != nil, time.Since(started), r.clock.Now())
	if err := r.control.FinishJobRun(context.WithoutCancel(ctx), run, runErr); err != nil {
		r.log.Error("record job run", "job", name, "err", err)
	}
	r.log.Info("job run", "job", name, "status", run.Status, "counts", run.Counts, "err", runErr)
	return run, runErr
}

// Start schedules every job in the background.
func (r *Runner) Start(ctx context.Context) error {
	r.cron = cron.New(cron.WithLocation(time.UTC))
	for _, j := range r.jobs {
		name := j.Name
		if _, err := r.cron.AddFunc(j.Schedule, func() { r.Run(ctx, name) }); err != nil {
			return fmt.Errorf("jobs: schedule %s: %w", name, err)
		}
	}
	r.cron.Start()
	return nil
}

// Stop stops scheduling and waits for a running job to finish.
func (r *Runner) Stop() {
	if r.cron != nil {
		<-r.cron.Stop().Done()
	}
	r.running.Wait()
}

// leadsCluster reports whether this machine does a run's cluster steps:
// the work on the control database's own rows, not an agency's, that one
// machine does for all (control.Store.LeadsCluster; every machine's job
// does its own agencies' work). On SQLite always, as before; on
// PostgreSQL only the holder of the cluster lock, the others counting
// cluster_elsewhere. A lock that cannot be asked counts as another's:
// the step waits for the next period rather than risk running twice.
func (r *Runner) leadsCluster(ctx context.Context, counts map[string]int64) bool {
	ok, err := r.control.LeadsCluster(ctx)
	if err != nil {
		r.log.Warn("jobs: ask for the cluster lock", "err", err)
	}
	if !ok {
		counts["cluster_elsewhere"] = 1
	}
	return ok
}

// forEachAgency runs fn on every agency's database, one at a time, and
// counts the agencies where it failed without stopping at the first.
func (r *Runner) forEachAgency(ctx context.Context, run *control.JobRun, fn func(t *tenant.Store) error) error {
	agencies, err := r.control.Agencies(ctx)
	if err != nil {
		return err
	}
	held, err := r.holder.Holdings(ctx)
	if err != nil {
		return err
	}
	var firstErr error
	for _, a := range agencies {
		if !a.Usable() || !held.Holds(ctx, a.ID) {
			continue // another machine's agency, or one being moved (README "Scaling"): its jobs run there
		}
		if r.pool.Refused(a.ID) {
			run.Counts["agencies_degraded"]++ // its data is being restored (README "When storage fails")
			continue
		}
		err := func() error {
			t, release, err := r.pool.Acquire(ctx, a.ID)
			if err != nil {
				return err
			}
			defer release()
			return fn(t)
		}()
		if err != nil && r.health != nil {
			err = r.health.Report(ctx, a.ID, err)
		}
		if err != nil {
			run.Counts["agency_errors"]++
			r.log.Error("job step failed", "job", run.Job, "agency", a.ID, "err", err)
			if firstErr == nil {
				firstErr = fmt.Errorf("agency %s: %w", a.ID, err)
			}
		}
		run.Counts["agencies"]++
	}
	if firstErr == nil {
		firstErr = held.Err()
	}
	return firstErr
}

// cleanSessions deletes expired sessions and used or expired one-time tokens.
func (r *Runner) cleanSessions(ctx context.Context, run *control.JobRun) error {
	if r.leadsCluster(ctx, run.Counts) {
		n, err := r.control.DeleteExpiredOperatorSessions(ctx, r.idle)
		if err != nil {
			return err
		}
		run.Counts["operator_rows"] = n
		if run.Counts["job_runs"], err = r.control.PruneJobRuns(ctx); err != nil {
			return err
		}
	}
	return r.forEachAgency(ctx, run, func(t *tenant.Store) error {
		n, err := t.DeleteExpiredSessions(ctx, r.idle)
		run.Counts["rows"] += n
		return err
	})
}
