package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db"
)

// Calendar feed scopes.
const (
	FeedPerson = "person" // the person's own cases and tasks
	FeedAgency = "agency" // every case and task: owners and admins
)

// CalendarFeed is a live feed of a person's.
type CalendarFeed struct {
	Scope      string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// CalendarFeeds returns the person's live feeds by scope.
func (t *Store) CalendarFeeds(ctx context.Context, userID string) (map[string]CalendarFeed, error) {
	list, err := db.QueryList(ctx, t.Reader(), "calendar feeds", func(row db.Scanner) (CalendarFeed, error) {
		var f CalendarFeed
		var created int64
		var used sql.NullInt64
		err := row.Scan(&f.Scope, &created, &used)
		f.CreatedAt, f.LastUsedAt = db.UnixTime(created), db.NullUnix(used)
		return f, err
	}, `SELECT scope, created_at, last_used_at FROM calendar_feeds WHERE user_id = ? AND revoked_at IS NULL`, userID)
	out := map[string]CalendarFeed{}
	for _, f := range list {
		out[f.Scope] = f
	}
	return out, err
}

// NewCalendarFeed makes the person a new feed of scope, revoking the one
// they had, and audits it (a gets the scope as detail), in one
// transaction. It returns the feed's secret token, shown once.
func (t *Store) NewCalendarFeed(ctx context.Context, userID, scope string, a Audit) (string, error) {
	if scope != FeedPerson && scope != FeedAgency {
		return "", apperr.New(apperr.Invalid, "Unknown calendar.")
	}
	token := auth.NewToken()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE user_id = ? AND scope = ? AND revoked_at IS NULL`, now, userID, scope); err != nil {
			return fmt.Errorf("db: revoke calendar feed: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (token_hash, user_id, scope, created_at) VALUES (?, ?, ?, ?)`, auth.HashToken(token), userID, scope, now); err != nil {
			return fmt.Errorf("db: new calendar feed: %w", err)
		}
		a.Target, a.Detail = userID, scope
		return t.auditTx(ctx, tx, a)
	})
	return token, err
}

// RevokeCalendarFeed turns off the person's feed of scope (its address
// stops working), audited; it reports whether there was one.
func (t *Store) RevokeCalendarFeed(ctx context.Context, userID, scope string, a Audit) (bool, error) {
	found := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE user_id = ? AND scope = ? AND revoked_at IS NULL`, t.Now(), userID, scope)
		if err != nil {
			return fmt.Errorf("db: revoke calendar feed: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		found = true
		a.Target, a.Detail = userID, scope
		return t.auditTx(ctx, tx, a)
	})
	return found, err
}

// CalendarFeedUser returns the live feed a token opens and its person, if
// that person is active and (for the agency's feed) still an owner or
// admin; anything else is not found. The feed's last use is recorded.
func (t *Store) CalendarFeedUser(ctx context.Context, token string) (*User, string, error) {
	notFound := apperr.New(apperr.NotFound, "No such calendar.")
	if token == "" || len(token) > 100 {
		return nil, "", notFound
	}
	var userID, scope string
	var used sql.NullInt64
	err := t.Reader().QueryRowContext(ctx, `SELECT user_id, scope, last_used_at FROM calendar_feeds WHERE token_hash = ? AND revoked_at IS NULL`, auth.HashToken(token)).Scan(&userID, &scope, &used)
	if err != nil {
		return nil, "", db.NotFound(err, "Calendar")
	}
	u, err := t.UserByID(ctx, userID)
	if err != nil || u.Status != UserActive || !u.IsStaff() || (scope == FeedAgency && RoleRank(u.Role) < RoleRank(RoleAdmin)) {
		return nil, "", notFound
	}
	// Calendar apps poll often: the last use is written at most hourly.
	if now := t.Now(); !used.Valid || now-used.Int64 > 3600 {
		if _, err := t.Write().ExecContext(ctx, `UPDATE calendar_feeds SET last_used_at = ? WHERE token_hash = ?`, now, auth.HashToken(token)); err != nil {
			return nil, "", fmt.Errorf("db: calendar feed used: %w", err)
		}
	}
	return u, scope, nil
}

// DueItem is a case or task with a due date, for a calendar.
type DueItem struct {
	Kind       string // "case" or "task"
	ID         string
	CaseID     string
	CaseNumber int64
	Title      string
	ClientName string
	Date       string // YYYY-MM-DD
	Time       string // HH:MM (UTC) or empty: all day
	Updated    time.Time
}

// DueItems lists the open cases and tasks with a due date that v may see:
// with userID set, those assigned to that person; at most limit of each,
// nearest first from a month ago on.
func (t *Store) DueItems(ctx context.Context, v Viewer, userID string, limit int) ([]DueItem, error) {
	filter, fargs := v.caseFilter("c")
	day, err := t.Today(ctx)
	if err != nil {
		return nil, err
	}
	from := dayAfterMonths(day, -1)
	mine, mineArgs := "1 = 1", []any{}
	taskMine := "1 = 1"
	if userID != "" {
		mine, taskMine, mineArgs = "c.assignee_id = ?", "t.assignee_id = ?", []any{userID}
	}
	scan := func(kind string) func(db.Scanner) (DueItem, error) {
		return func(row db.Scanner) (DueItem, error) {
			d := DueItem{Kind: kind}
			var updated int64
			err := row.Scan(&d.ID, &d.CaseID, &d.CaseNumber, &d.Title, &d.ClientName, &d.Date, &d.Time, &updated)
			d.Updated = db.UnixTime(updated)
			return d, err
		}
	}
	args := append(append(append([]any{}, mineArgs...), from), fargs...)
	cases, err := db.QueryList(ctx, t.Reader(), "due cases", scan("case"), `SELECT c.id, c.id, c.number, c.title, cl.name, c.due_date, '', c.updated_at
		FROM cases c JOIN clients cl ON cl.id = c.client_id
		WHERE `+mine+` AND c.due_date >= ? AND c.status IN ('new', 'in_progress', 'waiting') AND c.archived_at IS NULL AND `+filter+`
		ORDER BY c.due_date, c.number LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	tasks, err := db.QueryList(ctx, t.Reader(), "due tasks", scan("task"), `SELECT t.id, c.id, c.number, t.title, cl.name, t.due_date, COALESCE(t.due_time, ''), t.updated_at
		FROM tasks t JOIN cases c ON c.id = t.case_id JOIN clients cl ON cl.id = c.client_id
		WHERE `+taskMine+` AND t.status = 'open' AND t.due_date >= ? AND `+filter+`
		ORDER BY t.due_date, t.due_time, c.number LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	return append(cases, tasks...), nil
}

// dayAfterMonths is the date n months after day (both YYYY-MM-DD).
func dayAfterMonths(day string, n int) string {
	d, _ := time.Parse(DueDateLayout, day)
	return d.AddDate(0, n, 0).Format(DueDateLayout)
}
