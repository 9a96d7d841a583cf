package jobs

import (
	"context"
	"errors"
	"strings"
	"time"

	"mintedmind/db"
	"mintedmind/db/control"
)

// JobIntegrityCheck runs PRAGMA quick_check on every agency database.
const JobIntegrityCheck = "integrity-check"

// AddIntegrityCheck registers the nightly integrity check (03:30 UTC): each
// agency's database in turn gets PRAGMA quick_check on a reader connection
// (writers go on: the databases are in WAL mode), its result recorded in
// the control database; a damaged one is reported (marked degraded, the
// operator emailed). It runs at low priority: after each agency it waits
// pause times as long as the check took (1 keeps it to half of one core),
// so a night of checks never crowds out requests.
func (r *Runner) AddIntegrityCheck(pause float64) {
	r.add(Job{Name: JobIntegrityCheck, Schedule: "30 3 * * *", Run: func(ctx context.Context, run *control.JobRun) error {
		return r.integrityCheck(ctx, run, pause)
	}})
}

func (r *Runner) integrityCheck(ctx context.Context, run *control.JobRun, pause float64) error {
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
			continue
		}
		if r.pool.Refused(a.ID) {
			run.Counts["agencies_degraded"]++
			continue
		}
		took, err := r.checkAgency(ctx, a.ID)
		run.Counts["agencies"]++
		result := "ok"
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return err // stopping: the next run checks them all again
		case db.FaultOf(err) == db.Corrupt:
			run.Counts["damaged"]++
			result = "damaged: " + err.Error()
			r.log.Error("integrity check: agency database damaged", "agency", a.ID, "err", err)
			if r.health != nil {
				r.health.Report(ctx, a.ID, err)
			}
		default:
			run.Counts["agency_errors"]++
			result = "not checked: " + err.Error()
			if r.health != nil {
				err = r.health.Report(ctx, a.ID, err)
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if err := r.control.RecordIntegrityCheck(ctx, a.ID, strings.TrimSpace(result), took); err != nil {
			r.log.Warn("integrity check: record result", "agency", a.ID, "err", err)
		}
		if pause > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(float64(took) * pause)):
			}
		}
	}
	if firstErr == nil {
		firstErr = held.Err()
	}
	return firstErr
}

// checkAgency runs quick_check on one agency's database.
func (r *Runner) checkAgency(ctx context.Context, agencyID string) (time.Duration, error) {
	t, release, err := r.pool.Acquire(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	defer release()
	start := time.Now()
	err = t.QuickCheck(ctx)
	return time.Since(start), err
}
