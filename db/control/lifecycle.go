package control

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Agency lifecycle statuses besides the ones in agencies.go: trial → active
// → past_due → suspended → archived → deleted.
const (
	AgencyTrial   = "trial"
	AgencyPastDue = "past_due"
)

// Subscription is an agency's place in the lifecycle and its plan.
type Subscription struct {
	AgencyID        string
	Status          string
	PlanID          string // empty: no plan (self-hosted, or before plans existed)
	Interval        string
	PeriodStart     time.Time // the trial's or the paid period's start
	PeriodEnd       time.Time // and end
	NextPlanID      string    // a downgrade waiting for the period's end
	NextInterval    string
	StatusChangedAt time.Time
}

// transitions lists every status change the lifecycle allows.
var transitions = map[string][]string{
	AgencyTrial:     {AgencyActive, AgencyPastDue, AgencySuspended, AgencyArchived},
	AgencyActive:    {AgencyPastDue, AgencySuspended, AgencyArchived},
	AgencyPastDue:   {AgencyActive, AgencySuspended, AgencyArchived},
	AgencySuspended: {AgencyActive, AgencyArchived},
	AgencyArchived:  {AgencyActive, AgencyDeleted},
}

// CanTransition reports whether an agency may go from one status to another.
func CanTransition(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// StatusLabel is how people read a lifecycle status.
func StatusLabel(status string) string {
	switch status {
	case AgencyTrial:
		return "Trial"
	case AgencyActive:
		return "Active"
	case AgencyPastDue:
		return "Past due"
	case AgencySuspended:
		return "Suspended"
	case AgencyArchived:
		return "Archived"
	case AgencyDeleted:
		return "Deleted"
	}
	return status
}

const subscriptionColumns = `id, status, COALESCE(plan_id, ''), billing_interval, COALESCE(period_start, 0), COALESCE(period_end, 0),
	COALESCE(next_plan_id, ''), COALESCE(next_interval, ''), COALESCE(status_changed_at, 0)`

func scanSubscription(row db.Scanner) (*Subscription, error) {
	var s Subscription
	var start, end, changed int64
	if err := row.Scan(&s.AgencyID, &s.Status, &s.PlanID, &s.Interval, &start, &end, &s.NextPlanID, &s.NextInterval, &changed); err != nil {
		return nil, err
	}
	s.PeriodStart, s.PeriodEnd, s.StatusChangedAt = db.UnixTime(start), db.UnixTime(end), db.UnixTime(changed)
	return &s, nil
}

// Subscription returns an agency's lifecycle state.
func (c *Store) Subscription(ctx context.Context, agencyID string) (*Subscription, error) {
	s, err := scanSubscription(c.Read().QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM agencies WHERE id = ?`, agencyID))
	if err != nil {
		return nil, db.NotFound(err, "Agency")
	}
	return s, nil
}

func subscriptionTx(ctx context.Context, tx *sql.Tx, agencyID string) (*Subscription, error) {
	s, err := scanSubscription(tx.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM agencies WHERE id = ?`, agencyID))
	if err != nil {
		return nil, db.NotFound(err, "Agency")
	}
	return s, nil
}

// periodEnd is where a period of interval starting at start ends.
func periodEnd(start time.Time, interval string) time.Time {
	if interval == IntervalYear {
		return billing.AddMonthsClamped(start, 12).Add(timeOfDay(start))
	}
	return billing.AddMonthsClamped(start, 1).Add(timeOfDay(start))
}

// timeOfDay keeps the hour of a period's start: AddMonthsClamped works on
// calendar days.
func timeOfDay(t time.Time) time.Duration {
	t = t.UTC()
	return t.Sub(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
}

// StartSubscription puts a new agency on plan: a trial of the plan's length
// when it is priced and has one, else an active period from now.
func (c *Store) StartSubscription(ctx context.Context, agencyID string, plan *Plan) error {
	now := db.UnixTime(c.Now())
	status, end := AgencyActive, periodEnd(now, IntervalMonth)
	if plan.Priced() && plan.TrialDays > 0 {
		status, end = AgencyTrial, now.AddDate(0, 0, int(plan.TrialDays))
	}
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET status = ?, plan_id = ?, billing_interval = 'month', period_start = ?, period_end = ?,
		next_plan_id = NULL, next_interval = NULL, status_changed_at = ? WHERE id = ?`, status, plan.ID, now.Unix(), end.Unix(), now.Unix(), agencyID)
	if err != nil {
		return fmt.Errorf("db: start subscription %s: %w", agencyID, err)
	}
	return nil
}

// SetAgencyStatus moves an agency along the lifecycle; a change the
// lifecycle does not allow is a conflict.
func (c *Store) SetAgencyStatus(ctx context.Context, agencyID, to string) (from string, err error) {
	err = c.Tx(ctx, func(tx *sql.Tx) error {
		s, err := subscriptionTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		from = s.Status
		return setStatusTx(ctx, tx, s, to, c.Now())
	})
	return from, err
}

func setStatusTx(ctx context.Context, tx *sql.Tx, s *Subscription, to string, now int64) error {
	if !CanTransition(s.Status, to) {
		return apperr.New(apperr.Conflict, "An agency that is %s cannot become %s.", StatusLabel(s.Status), StatusLabel(to))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agencies SET status = ?, status_changed_at = ? WHERE id = ?`, to, now, s.AgencyID); err != nil {
		return fmt.Errorf("db: agency %s status %s: %w", s.AgencyID, to, err)
	}
	s.Status = to
	return nil
}

// monthlyEquivalent compares plans across intervals.
func monthlyEquivalent(p *Plan, interval string) int64 {
	if interval == IntervalYear {
		return p.YearlyPrice / 12
	}
	return p.MonthlyPrice
}

// PlanChange says what ChangePlan did.
type PlanChange struct {
	AtOnce bool      // the new plan applies now (an upgrade, or during the trial)
	From   time.Time // when it applies
}

// ChangePlan moves an agency to plan on interval. An upgrade (or any change
// during the trial or from a free plan) applies at once and starts a new
// period, voiding the open invoice of the old one; a downgrade waits for
// the current period's end. Whether the agency's usage fits the new plan
// is app.Plans.ChangePlan's to judge, before it calls this.
func (c *Store) ChangePlan(ctx context.Context, agencyID string, plan *Plan, interval string) (*PlanChange, error) {
	if interval != IntervalMonth && interval != IntervalYear {
		return nil, apperr.FieldErrors(map[string]string{"interval": "Choose monthly or yearly billing."})
	}
	if plan.Priced() && plan.Price(interval) <= 0 {
		return nil, apperr.FieldErrors(map[string]string{"interval": plan.Name + " is not sold " + interval + "ly."})
	}
	var change PlanChange
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		s, err := subscriptionTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		switch s.Status {
		case AgencyArchived, AgencyDeleted:
			return apperr.New(apperr.Conflict, "This agency is %s.", StatusLabel(s.Status))
		case AgencyPastDue, AgencySuspended:
			return apperr.New(apperr.Conflict, "Please pay the open invoice first: the plan can be changed once the agency is active again.")
		}
		if s.PlanID == plan.ID && s.Interval == interval {
			return apperr.New(apperr.Conflict, "You are already on %s, billed %sly.", plan.Name, interval)
		}
		now := c.Now()
		var current *Plan
		if s.PlanID != "" {
			if current, err = scanPlan(tx.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = ?`, s.PlanID)); err != nil {
				return db.NotFound(err, "Plan")
			}
		}
		upgrade := current == nil || !current.Priced() || monthlyEquivalent(plan, interval) > monthlyEquivalent(current, s.Interval)
		switch {
		case s.Status == AgencyTrial:
			change = PlanChange{AtOnce: true, From: db.UnixTime(now)}
			if !plan.Priced() { // a free plan ends the trial
				_, err = tx.ExecContext(ctx, `UPDATE agencies SET plan_id = ?, billing_interval = ?, status = 'active', period_start = ?, period_end = ?, next_plan_id = NULL, next_interval = NULL, status_changed_at = ? WHERE id = ?`,
					plan.ID, interval, now, periodEnd(db.UnixTime(now), interval).Unix(), now, agencyID)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE agencies SET plan_id = ?, billing_interval = ?, next_plan_id = NULL, next_interval = NULL WHERE id = ?`, plan.ID, interval, agencyID)
			}
		case upgrade:
			change = PlanChange{AtOnce: true, From: db.UnixTime(now)}
			if _, err = tx.ExecContext(ctx, `UPDATE subscription_invoices SET status = 'void' WHERE agency_id = ? AND status = 'open' AND period_start = ?`, agencyID, s.PeriodStart.Unix()); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE agencies SET plan_id = ?, billing_interval = ?, period_start = ?, period_end = ?, next_plan_id = NULL, next_interval = NULL WHERE id = ?`,
				plan.ID, interval, now, periodEnd(db.UnixTime(now), interval).Unix(), agencyID)
		default:
			change = PlanChange{From: s.PeriodEnd}
			_, err = tx.ExecContext(ctx, `UPDATE agencies SET next_plan_id = ?, next_interval = ? WHERE id = ?`, plan.ID, interval, agencyID)
		}
		if err != nil {
			return fmt.Errorf("db: change plan of %s: %w", agencyID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &change, nil
}

// CancelPlanChange drops a downgrade that waits for the period's end.
func (c *Store) CancelPlanChange(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET next_plan_id = NULL, next_interval = NULL WHERE id = ?`, agencyID)
	return err
}

// SetAgencyPlan is the operator putting an agency on a plan at once,
// whatever its usage (the console says so).
func (c *Store) SetAgencyPlan(ctx context.Context, agencyID, planID, interval string) error {
	if interval != IntervalMonth && interval != IntervalYear {
		return apperr.FieldErrors(map[string]string{"interval": "Choose monthly or yearly billing."})
	}
	res, err := c.Write().ExecContext(ctx, `UPDATE agencies SET plan_id = ?, billing_interval = ?, next_plan_id = NULL, next_interval = NULL,
		period_start = COALESCE(period_start, ?), period_end = COALESCE(period_end, ?) WHERE id = ? AND EXISTS (SELECT 1 FROM plans WHERE id = ?)`,
		planID, interval, c.Now(), periodEnd(db.UnixTime(c.Now()), interval).Unix(), agencyID, planID)
	if err != nil {
		return fmt.Errorf("db: set plan of %s: %w", agencyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "Plan not found.")
	}
	return nil
}

// AdvancePeriods rolls an agency's periods forward to now: a trial that
// ended becomes the first paid period (the agency is active until its
// invoice is late), a waiting downgrade takes effect. It returns how many
// periods began. Agencies without a plan, archived or deleted, stay put.
func (c *Store) AdvancePeriods(ctx context.Context, agencyID string) (int, error) {
	n := 0
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		s, err := subscriptionTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		if s.PlanID == "" || s.PeriodEnd.IsZero() || s.Status == AgencyArchived || s.Status == AgencyDeleted {
			return nil
		}
		now := c.Now()
		status := s.Status
		for s.PeriodEnd.Unix() <= now && n < 1000 {
			if s.NextPlanID != "" {
				s.PlanID, s.Interval, s.NextPlanID, s.NextInterval = s.NextPlanID, s.NextInterval, "", ""
			}
			s.PeriodStart, s.PeriodEnd = s.PeriodEnd, periodEnd(s.PeriodEnd, s.Interval)
			if status == AgencyTrial {
				status = AgencyActive
			}
			n++
		}
		if n == 0 {
			return nil
		}
		changed := s.StatusChangedAt.Unix()
		if status != s.Status {
			changed = now
		}
		_, err = tx.ExecContext(ctx, `UPDATE agencies SET status = ?, plan_id = ?, billing_interval = ?, period_start = ?, period_end = ?,
			next_plan_id = NULLIF(?, ''), next_interval = NULLIF(?, ''), status_changed_at = ? WHERE id = ?`,
			status, s.PlanID, s.Interval, s.PeriodStart.Unix(), s.PeriodEnd.Unix(), s.NextPlanID, s.NextInterval, changed, agencyID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: advance periods of %s: %w", agencyID, err)
	}
	return n, nil
}
