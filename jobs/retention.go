package jobs

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"mintedmind/app"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// RetentionPolicy is how long data is kept.
type RetentionPolicy struct {
	InactiveAfter time.Duration // N: an agency without a staff sign-in this long is archived (warned 30 and 7 days before)
	DeleteAfter   time.Duration // M: an archived agency is deleted for good this long after its archival
	AuditFor      time.Duration // audit entries are kept this long
	AnalyticsFor  time.Duration // page-view counts are kept this long
	SessionIdle   time.Duration // sessions unused this long are expired
}

// DefaultRetention is the policy without configuration: N = 365 days,
// M = 90 days, audit entries 2 years, analytics 13 months.
func DefaultRetention() RetentionPolicy {
	const day = 24 * time.Hour
	return RetentionPolicy{InactiveAfter: 365 * day, DeleteAfter: 90 * day, AuditFor: 730 * day, AnalyticsFor: 396 * day, SessionIdle: 2 * time.Hour}
}

// Warnings before archival, by how long before it they go out.
var retentionWarnings = []struct {
	kind   string
	before time.Duration
}{
	{"warn-30", 30 * 24 * time.Hour},
	{"warn-7", 7 * 24 * time.Hour},
}

// Mailer queues an email from views/emails.
type Mailer interface {
	Queue(ctx context.Context, agencyID, to, template string, data any) error
}

// Retention carries out the retention policy; Runner runs it as the
// "retention" job, and `mintedmind retention -dry-run` shows its plan.
type Retention struct {
	control *control.Store
	pool    *tenant.Pool
	mailer  Mailer
	policy  RetentionPolicy
	baseURL string
	now     func() time.Time
	// leads, set when a Runner runs it (AddRetention), says whether this
	// machine does the platform's purges (step 3); nil: always, as by hand.
	leads  func(ctx context.Context, counts map[string]int64) bool
	holder app.Holder // which agencies' steps are this machine's
}

// UseMachine makes the policy's steps inside agencies those of the
// agencies placed on this machine only (app.Holder); empty: one machine.
func (x *Retention) UseMachine(id string) { x.holder.Machine = id }

// RetentionReport is what a run did (or, dry, would do).
type RetentionReport struct {
	Counts  map[string]int64
	Actions []string // one line per agency-level action, for people
}

func (rep *RetentionReport) add(key string, n int64) {
	if n != 0 {
		rep.Counts[key] += n
	}
}

// NewRetention returns the retention policy's runner for the clock's now.
func NewRetention(control *control.Store, pool *tenant.Pool, c clock.Clock, m Mailer, p RetentionPolicy, baseURL string) *Retention {
	return &Retention{control: control, pool: pool, mailer: m, policy: p, baseURL: strings.TrimRight(baseURL, "/"), now: c.Now,
		holder: app.Holder{Control: control, Pool: pool}}
}

// AddRetention registers x as the daily "retention" job, recorded with
// its counts per step.
func (r *Runner) AddRetention(x *Retention) {
	x.leads = r.leadsCluster
	r.add(Job{Name: "retention", Schedule: "@daily", Run: func(ctx context.Context, run *control.JobRun) error {
		rep, err := x.Run(ctx, false)
		for k, v := range rep.Counts {
			run.Counts[k] += v
		}
		for _, a := range rep.Actions {
			r.log.Info("retention", "action", a)
		}
		return err
	}})
}

// Run applies the policy at the clock's now; with dryRun it changes
// nothing, sends nothing, and reports what it would do. Every step is
// idempotent: a second run at the same now does nothing more.
func (x *Retention) Run(ctx context.Context, dryRun bool) (*RetentionReport, error) {
	rep := &RetentionReport{Counts: map[string]int64{}}
	now := x.now()
	var errs []string
	fail := func(what string, err error) {
		rep.Counts["errors"]++
		errs = append(errs, what+": "+err.Error())
	}

	// 1. Inactive agencies: warn, archive, delete.
	agencies, err := x.control.RetentionAgencies(ctx)
	if err != nil {
		return rep, err
	}
	held, err := x.holder.Holdings(ctx)
	if err != nil {
		return rep, err
	}
	for _, a := range agencies {
		if err := x.agencyLifecycle(ctx, a, now, dryRun, rep, held); err != nil {
			fail("agency "+a.ID, err)
		}
	}

	// 2 and 3. Inside each live agency: each area's purge (trash, erased
	// clients' invoices past their retention), tokens, old audit entries.
	agencies, err = x.control.RetentionAgencies(ctx)
	if err != nil {
		return rep, err
	}
	for _, a := range agencies {
		if !a.Usable() || !held.Holds(ctx, a.ID) || x.pool.Refused(a.ID) {
			continue // another machine's or being moved, or degraded (its data is being restored)
		}
		if err := x.purgeAgency(ctx, a, now, dryRun, rep); err != nil {
			fail("purge agency "+a.ID, err)
		}
	}

	// 3. The platform's own: analytics and setup links past retention,
	// purged by one machine for all.
	if x.leads == nil || x.leads(ctx, rep.Counts) {
		n, err := x.control.PurgeAnalytics(ctx, now.Add(-x.policy.AnalyticsFor), dryRun)
		if err != nil {
			fail("analytics", err)
		}
		rep.add("analytics_purged", n)
		n, err = x.control.PurgeSetupTokens(ctx, dryRun)
		if err != nil {
			fail("setup tokens", err)
		}
		rep.add("setup_tokens_purged", n)
	}
	if err := held.Err(); err != nil {
		fail("placement", err)
	}
	sort.Strings(rep.Actions)
	if len(errs) > 0 {
		return rep, fmt.Errorf("jobs: retention: %s", strings.Join(errs, "; "))
	}
	return rep, nil
}

// agencyLifecycle moves one agency along: warnings at N−30 and N−7 days of
// inactivity, archival at N (and at least 7 days after the last warning,
// so nobody is archived unwarned after downtime), deletion M days after
// archival.
func (x *Retention) agencyLifecycle(ctx context.Context, a *control.RetentionAgency, now time.Time, dryRun bool, rep *RetentionReport, held *app.Holdings) error {
	if a.Status == control.AgencyArchived {
		if _, err := os.Stat(x.pool.ArchivePath(a.ID)); err != nil && !x.pool.Holds(a.ID) {
			return nil // archived on another machine (README "Scaling"): its job deletes it
		}
		if a.ArchivedAt.IsZero() || now.Before(a.ArchivedAt.Add(x.policy.DeleteAfter)) {
			return nil
		}
		rep.Actions = append(rep.Actions, fmt.Sprintf("delete %s (%s): archived %s", a.Slug, a.ID, control.Day(a.ArchivedAt)))
		rep.add("agencies_deleted", 1)
		if dryRun {
			return nil
		}
		return app.DeleteAgency(ctx, x.control, x.pool, a.ID)
	}
	if !held.Holds(ctx, a.ID) || x.pool.Refused(a.ID) {
		return nil // another machine's agency or being moved (its own job looks after it), or degraded
	}
	last := a.LastActive()
	inactive := now.Sub(last)
	archiveAt := last.Add(x.policy.InactiveAfter)
	lastWarning := retentionWarnings[len(retentionWarnings)-1]
	if inactive >= x.policy.InactiveAfter {
		sent, err := x.control.RetentionNoticeSentAt(ctx, a.ID, lastWarning.kind, last)
		if err != nil {
			return err
		}
		if !sent.IsZero() && !now.Before(sent.Add(lastWarning.before)) {
			return x.archive(ctx, a, dryRun, rep)
		}
		if !sent.IsZero() {
			return nil // warned late (after downtime): archived a full week after the warning
		}
		archiveAt = now.Add(lastWarning.before)
	}
	// The latest warning that is due and not yet sent.
	for i := len(retentionWarnings) - 1; i >= 0; i-- {
		w := retentionWarnings[i]
		if inactive < x.policy.InactiveAfter-w.before {
			continue
		}
		sent, err := x.control.RetentionNoticeSentAt(ctx, a.ID, w.kind, last)
		if err != nil {
			return err
		}
		if !sent.IsZero() {
			return nil
		}
		return x.warn(ctx, a, w.kind, last, archiveAt, inactive, dryRun, rep)
	}
	return nil
}

func (x *Retention) warn(ctx context.Context, a *control.RetentionAgency, kind string, last, archiveAt time.Time, inactive time.Duration, dryRun bool, rep *RetentionReport) error {
	rep.Actions = append(rep.Actions, fmt.Sprintf("warn %s (%s): %s, archive on %s", a.Slug, a.ID, kind, control.Day(archiveAt)))
	rep.add("warned_"+strings.TrimPrefix(kind, "warn-"), 1)
	if dryRun {
		return nil
	}
	t, release, err := x.pool.Acquire(ctx, a.ID)
	if err != nil {
		return err
	}
	defer release()
	owners, err := t.OwnerEmails(ctx)
	if err != nil {
		return err
	}
	fresh, err := x.control.RecordRetentionNotice(ctx, a.ID, kind, last)
	if err != nil || !fresh {
		return err
	}
	const day = 24 * time.Hour
	for _, to := range owners {
		err := x.mailer.Queue(ctx, a.ID, to, "retention-warning", map[string]any{
			"AgencyName": a.Name, "ArchiveDate": control.Day(archiveAt), "InactiveDays": int(inactive / day),
			"PolicyDays": int(x.policy.InactiveAfter / day), "DeleteDays": int(x.policy.DeleteAfter / day),
			"Link": x.baseURL + "/a/" + a.Slug + "/login",
		})
		if err != nil {
			return err
		}
	}
	return t.RecordAudit(ctx, tenant.Audit{ActorName: "Retention policy", Action: "retention.warning", Target: a.Slug, Detail: kind + ", archive on " + control.Day(archiveAt)})
}

// archive archives an inactive agency (app.ArchiveAgency: sign-ins
// refused first, then its database and files packed into DATA/archive/; put
// back as it was if packing fails).
func (x *Retention) archive(ctx context.Context, a *control.RetentionAgency, dryRun bool, rep *RetentionReport) error {
	rep.Actions = append(rep.Actions, fmt.Sprintf("archive %s (%s): last staff sign-in %s", a.Slug, a.ID, control.Day(a.LastActive())))
	rep.add("agencies_archived", 1)
	if dryRun {
		return nil
	}
	return app.ArchiveAgency(ctx, x.control, x.pool, a.ID, a.Status)
}

// purgeAgency runs the purges inside one agency's database.
func (x *Retention) purgeAgency(ctx context.Context, a *control.RetentionAgency, now time.Time, dryRun bool, rep *RetentionReport) error {
	t, release, err := x.pool.Acquire(ctx, a.ID)
	if err != nil {
		return err
	}
	defer release()
	n, err := t.PurgeTokens(ctx, x.policy.SessionIdle, dryRun)
	if err != nil {
		return err
	}
	rep.add("tokens_purged", n)
	n, err = t.PurgeAudit(ctx, now.Add(-x.policy.AuditFor), dryRun)
	if err != nil {
		return err
	}
	rep.add("audit_purged", n)
	for _, p := range tenant.DataParts() {
		if p.Purge == nil {
			continue
		}
		counts, err := p.Purge(ctx, t, now, dryRun)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		for k, v := range counts {
			rep.add(p.Name+"_"+k, v)
		}
	}
	return nil
}
