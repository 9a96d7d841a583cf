package control

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Plan is what the operator sells an agency: prices and limits. A limit of
// 0 means no limit.
type Plan struct {
	ID                string
	Name              string
	MonthlyPrice      int64 // minor units
	YearlyPrice       int64 // minor units
	Currency          string
	StaffSeats        int64 // staff, admins and owners, pending invitations included
	MaxClients        int64
	StorageBytes      int64
	CaseRetentionDays int64 // how long closed cases are kept
	TrialDays         int64
	IsDefault         bool // sign-ups start their trial on it
	Position          int64
	CreatedAt         time.Time
}

// Billing intervals.
const (
	IntervalMonth = "month"
	IntervalYear  = "year"
)

// Priced reports whether the plan costs anything.
func (p *Plan) Priced() bool { return p.MonthlyPrice > 0 || p.YearlyPrice > 0 }

// Price is the plan's price for one period of interval.
func (p *Plan) Price(interval string) int64 {
	if interval == IntervalYear {
		return p.YearlyPrice
	}
	return p.MonthlyPrice
}

const planColumns = `id, name, monthly_price, yearly_price, currency, staff_seats, max_clients, storage_bytes, case_retention_days, trial_days, is_default, position, created_at`

func scanPlan(row db.Scanner) (*Plan, error) {
	var p Plan
	var created int64
	if err := row.Scan(&p.ID, &p.Name, &p.MonthlyPrice, &p.YearlyPrice, &p.Currency, &p.StaffSeats, &p.MaxClients, &p.StorageBytes,
		&p.CaseRetentionDays, &p.TrialDays, &p.IsDefault, &p.Position, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = db.UnixTime(created)
	return &p, nil
}

// defaultPlans are created on first run: a free tier that fits one person,
// and two priced ones. The operator edits them in the console.
var defaultPlans = []Plan{
	{Name: "Free", Currency: "EUR", StaffSeats: 1, MaxClients: 25, StorageBytes: 1 << 30, CaseRetentionDays: 365, Position: 1},
	{Name: "Starter", MonthlyPrice: 1900, YearlyPrice: 19000, Currency: "EUR", StaffSeats: 3, MaxClients: 25000, StorageBytes: 10 << 30, CaseRetentionDays: 3 * 365, TrialDays: 14, IsDefault: true, Position: 2},
	{Name: "Pro", MonthlyPrice: 4900, YearlyPrice: 49000, Currency: "EUR", StaffSeats: 15, MaxClients: 0, StorageBytes: 100 << 30, CaseRetentionDays: 7 * 365, TrialDays: 14, Position: 3},
}

// EnsureDefaultPlans creates the default plans when there are none.
func (c *Store) EnsureDefaultPlans(ctx context.Context) error {
	return c.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans`).Scan(&n); err != nil {
			return fmt.Errorf("db: count plans: %w", err)
		}
		if n > 0 {
			return nil
		}
		for _, p := range defaultPlans {
			p := p
			if err := insertPlan(ctx, tx, &p, c.Now()); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertPlan(ctx context.Context, tx *sql.Tx, p *Plan, now int64) error {
	p.ID, p.CreatedAt = uuid.NewString(), db.UnixTime(now)
	_, err := tx.ExecContext(ctx, `INSERT INTO plans (`+planColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.MonthlyPrice, p.YearlyPrice, p.Currency, p.StaffSeats, p.MaxClients, p.StorageBytes, p.CaseRetentionDays, p.TrialDays, p.IsDefault, p.Position, now)
	if db.IsUnique(err) {
		return apperr.FieldErrors(map[string]string{"name": "A plan with this name already exists."})
	}
	if err != nil {
		return fmt.Errorf("db: insert plan %s: %w", p.Name, err)
	}
	return nil
}

// Plans lists the plans in the order the operator set.
func (c *Store) Plans(ctx context.Context) ([]*Plan, error) {
	return db.QueryList(ctx, c.Read(), "list plans", scanPlan, `SELECT `+planColumns+` FROM plans ORDER BY position, name`)
}

// PlanByID finds a plan.
func (c *Store) PlanByID(ctx context.Context, id string) (*Plan, error) {
	p, err := scanPlan(c.Read().QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = ?`, id))
	if err != nil {
		return nil, db.NotFound(err, "Plan")
	}
	return p, nil
}

// DefaultPlan is the plan sign-ups start on: the one marked default, else
// the first.
func (c *Store) DefaultPlan(ctx context.Context) (*Plan, error) {
	p, err := scanPlan(c.Read().QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans ORDER BY is_default DESC, position, name LIMIT 1`))
	if err != nil {
		return nil, db.NotFound(err, "Plan")
	}
	return p, nil
}

// AnyPricedPlan reports whether some plan costs money: without one there is
// no subscription billing.
func (c *Store) AnyPricedPlan(ctx context.Context) (bool, error) {
	var n int
	err := c.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM plans WHERE monthly_price > 0 OR yearly_price > 0`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: priced plans: %w", err)
	}
	return n > 0, nil
}

// ValidatePlan checks a plan as the operator typed it.
func ValidatePlan(p *Plan) error {
	errs := map[string]string{}
	p.Name = strings.TrimSpace(p.Name)
	if msg := ValidateName(p.Name, 60); msg != "" {
		errs["name"] = msg
	}
	if len(p.Currency) != 3 || strings.ToUpper(p.Currency) != p.Currency {
		errs["currency"] = "Use a three-letter currency code, e.g. EUR."
	}
	const maxPrice = 100_000_000 // a million in a two-decimal currency
	if p.MonthlyPrice < 0 || p.MonthlyPrice > maxPrice {
		errs["monthly_price"] = "Enter a price from 0 to 1,000,000."
	}
	if p.YearlyPrice < 0 || p.YearlyPrice > maxPrice {
		errs["yearly_price"] = "Enter a price from 0 to 1,000,000."
	}
	for field, v := range map[string]int64{"staff_seats": p.StaffSeats, "max_clients": p.MaxClients, "storage_bytes": p.StorageBytes, "case_retention_days": p.CaseRetentionDays} {
		if v < 0 {
			errs[field] = "Enter 0 (no limit) or more."
		}
	}
	if p.TrialDays < 0 || p.TrialDays > 365 {
		errs["trial_days"] = "Enter 0 to 365 days."
	}
	return apperr.FieldErrors(errs)
}

// CreatePlan adds a plan.
func (c *Store) CreatePlan(ctx context.Context, p *Plan) error {
	if err := ValidatePlan(p); err != nil {
		return err
	}
	return c.Tx(ctx, func(tx *sql.Tx) error {
		if p.IsDefault {
			if _, err := tx.ExecContext(ctx, `UPDATE plans SET is_default = 0`); err != nil {
				return err
			}
		}
		return insertPlan(ctx, tx, p, c.Now())
	})
}

// UpdatePlan saves a plan's fields. Agencies on it get the new limits at
// once and the new price from their next period.
func (c *Store) UpdatePlan(ctx context.Context, p *Plan) error {
	if err := ValidatePlan(p); err != nil {
		return err
	}
	return c.Tx(ctx, func(tx *sql.Tx) error {
		if p.IsDefault {
			if _, err := tx.ExecContext(ctx, `UPDATE plans SET is_default = 0 WHERE id <> ?`, p.ID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE plans SET name = ?, monthly_price = ?, yearly_price = ?, currency = ?, staff_seats = ?, max_clients = ?,
			storage_bytes = ?, case_retention_days = ?, trial_days = ?, is_default = ?, position = ? WHERE id = ?`,
			p.Name, p.MonthlyPrice, p.YearlyPrice, p.Currency, p.StaffSeats, p.MaxClients, p.StorageBytes, p.CaseRetentionDays, p.TrialDays, p.IsDefault, p.Position, p.ID)
		if db.IsUnique(err) {
			return apperr.FieldErrors(map[string]string{"name": "A plan with this name already exists."})
		}
		if err != nil {
			return fmt.Errorf("db: update plan %s: %w", p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Plan not found.")
		}
		return nil
	})
}

// PlanAgencyCounts returns how many agencies (not deleted) are on each plan.
func (c *Store) PlanAgencyCounts(ctx context.Context) (map[string]int, error) {
	rows, err := c.Read().QueryContext(ctx, `SELECT plan_id, COUNT(*) FROM agencies WHERE plan_id IS NOT NULL AND status <> 'deleted' GROUP BY plan_id`)
	if err != nil {
		return nil, fmt.Errorf("db: plan counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
