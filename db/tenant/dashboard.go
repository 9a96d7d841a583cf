package tenant

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Onboarding is what a new agency has done of its first steps, read from
// the data itself, so that the dashboard's checklist ticks itself.
type Onboarding struct {
	BillingDetails bool // the legal name and address invoices carry
	Branding       bool // an accent colour or a logo
	TeamInvited    bool // a second staff member, or an invitation to one
	FirstClient    bool
	PortalInvited  bool // a client contact with a sign-in, or invited to one
	Paysera        bool // a Paysera project for online payments
}

// Done reports whether every step is done.
func (o Onboarding) Done() bool {
	return o.BillingDetails && o.Branding && o.TeamInvited && o.FirstClient && o.PortalInvited && o.Paysera
}

// Onboarding reads the agency's first steps in one statement: each is an
// indexed lookup that stops at the first row.
func (t *Store) Onboarding(ctx context.Context) (Onboarding, error) {
	var o Onboarding
	err := t.Reader().QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM settings WHERE key = 'billing.legal_name' AND trim(value) <> '')
			AND EXISTS (SELECT 1 FROM settings WHERE key = 'billing.address' AND trim(value) <> ''),
		EXISTS (SELECT 1 FROM settings WHERE key IN (?, ?) AND value NOT IN ('', '0')),
		(SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE role <> 'client' LIMIT 2)) > 1
			OR EXISTS (SELECT 1 FROM invites WHERE role <> 'client'),
		EXISTS (SELECT 1 FROM clients),
		EXISTS (SELECT 1 FROM users WHERE role = 'client') OR EXISTS (SELECT 1 FROM invites WHERE role = 'client'),
		EXISTS (SELECT 1 FROM settings WHERE key = 'billing.paysera_project_id' AND trim(value) <> '')`,
		settingAccent, settingLogoVersion).
		Scan(&o.BillingDetails, &o.Branding, &o.TeamInvited, &o.FirstClient, &o.PortalInvited, &o.Paysera)
	if err != nil {
		return o, fmt.Errorf("db: onboarding: %w", err)
	}
	return o, nil
}

// CountCases counts, for each filter, the cases that v may see and the
// filter lists (its order, cursor and page size aside): the number a link
// to that list promises. One statement reads them all.
func (t *Store) CountCases(ctx context.Context, v Viewer, filters ...CaseFilter) ([]int, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	parts := make([]string, len(filters))
	var args []any
	for i, f := range filters {
		where, a := f.where(v)
		parts[i] = `(SELECT COUNT(*) FROM cases c WHERE ` + strings.Join(where, " AND ") + `)`
		args = append(args, a...)
	}
	counts := make([]int, len(filters))
	dest := make([]any, len(filters))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := t.Reader().QueryRowContext(ctx, `SELECT `+strings.Join(parts, ", "), args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("db: count cases: %w", err)
	}
	return counts, nil
}

// CaseWeek is one week of the dashboard's activity chart.
type CaseWeek struct {
	Start          time.Time // the week's Monday, 00:00 UTC
	Opened, Closed int
}

// CaseActivity counts the cases v may see opened and closed in each of the
// weeks (Monday to Sunday, UTC) up to the one holding now, oldest first.
func (t *Store) CaseActivity(ctx context.Context, v Viewer, now time.Time, weeks int) ([]CaseWeek, error) {
	now = now.UTC()
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(weeks-1))
	out := make([]CaseWeek, weeks)
	for i := range out {
		out[i].Start = first.AddDate(0, 0, 7*i)
	}
	filter, args := v.caseFilter("c")
	from := first.Unix()
	// Each half reads its weeks from its own index (cases_created,
	// cases_closed) and counts them there.
	rows, err := t.Reader().QueryContext(ctx, `SELECT 0, (c.created_at - ?) / 604800 AS w, COUNT(*) FROM cases c WHERE c.created_at >= ? AND `+filter+` GROUP BY w
		UNION ALL
		SELECT 1, (c.closed_at - ?) / 604800 AS w, COUNT(*) FROM cases c WHERE c.closed_at >= ? AND `+filter+` GROUP BY w`,
		append(append([]any{from, from}, args...), append([]any{from, from}, args...)...)...)
	if err != nil {
		return nil, fmt.Errorf("db: case activity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var closed bool
		var week, n int
		if err := rows.Scan(&closed, &week, &n); err != nil {
			return nil, fmt.Errorf("db: case activity: %w", err)
		}
		if week < 0 || week >= weeks {
			continue
		}
		if closed {
			out[week].Closed = n
		} else {
			out[week].Opened = n
		}
	}
	return out, rows.Err()
}
