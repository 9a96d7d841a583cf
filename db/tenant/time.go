package tenant

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

// EventTime is a change to the time recorded on a case; field says which
// (Time* below) and new_value what ("1 h 30 min · the note").
const EventTime = "time"

// Kinds of time events (the field of an EventTime event).
const (
	TimeLogged   = "logged"
	TimeEdited   = "edited" // old_value → new_value
	TimeDeleted  = "deleted"
	TimeInvoiced = "invoiced" // new_value: how much, on which draft
	TimeReleased = "released" // the invoice was voided or the draft deleted
)

// Limits of time entries.
const (
	TimeNoteMax       = 500
	TimeEntryMinutes  = 24 * 60 // one entry by hand is at most a day
	TimerMaxMinutes   = 24 * 60 // a timer left running saves at most a day
	timeSourceManual  = "manual"
	timeSourceTimer   = "timer"
	MaxHourlyRate     = 10_000_000 // 100,000.00 an hour
	timeEntriesPerDay = 200
)

// TimeEntry is time a person spent on a case.
type TimeEntry struct {
	ID            string
	UserID        string
	UserName      string
	CaseID        string
	CaseNumber    int64
	CaseTitle     string
	ClientID      string
	ClientName    string
	TaskID        string
	TaskTitle     string
	Date          string // YYYY-MM-DD
	Minutes       int
	Note          string
	Billable      bool
	Source        string // "manual" or "timer"
	InvoiceID     string // the invoice (or draft) that bills it; "" while unbilled
	InvoiceNumber string // "" while a draft
	CreatedAt     time.Time
}

// Invoiced reports whether the entry is on an invoice (and so locked).
func (e *TimeEntry) Invoiced() bool { return e.InvoiceID != "" }

// TimeInput is an entry as typed.
type TimeInput struct {
	CaseID   string
	TaskID   string
	Date     string
	Minutes  int
	Note     string
	Billable bool
}

// Validate checks an entry typed by hand; messages are by form field.
func (in *TimeInput) Validate() error {
	f := map[string]string{}
	if uuid.Validate(in.CaseID) != nil {
		f["case_id"] = "Choose a case."
	}
	if in.TaskID != "" && uuid.Validate(in.TaskID) != nil {
		f["task_id"] = "Choose one of the case's tasks, or none."
	}
	if _, err := time.Parse(DueDateLayout, in.Date); err != nil {
		f["date"] = "Enter the day as YYYY-MM-DD."
	}
	if in.Minutes <= 0 || in.Minutes > TimeEntryMinutes {
		f["duration"] = "Enter how long, from 1 minute to 24 hours: 1:30, 1.5h or 90m."
	}
	var msg string
	if in.Note, msg = validateTaskText(in.Note, "the note", TimeNoteMax, false); msg != "" {
		f["note"] = msg
	}
	return apperr.FieldErrors(f)
}

// FormatMinutes writes a duration as people read it: "1 h 30 min", "45 min".
func FormatMinutes(m int) string {
	switch h, min := m/60, m%60; {
	case h == 0:
		return fmt.Sprintf("%d min", min)
	case min == 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d h %d min", h, min)
	}
}

const timeSelect = `SELECT e.id, e.user_id, u.name, e.case_id, c.number, c.title, c.client_id, cl.name, COALESCE(e.task_id, ''), COALESCE(tk.title, ''),
	e.work_date, e.minutes, e.note, e.billable, e.source, COALESCE(e.invoice_id, ''), COALESCE(i.number, ''), e.created_at
	FROM time_entries e
	JOIN users u ON u.id = e.user_id
	JOIN cases c ON c.id = e.case_id
	JOIN clients cl ON cl.id = c.client_id
	LEFT JOIN tasks tk ON tk.id = e.task_id
	LEFT JOIN invoices i ON i.id = e.invoice_id`

func scanTimeEntry(row db.Scanner) (TimeEntry, error) {
	var e TimeEntry
	var created int64
	err := row.Scan(&e.ID, &e.UserID, &e.UserName, &e.CaseID, &e.CaseNumber, &e.CaseTitle, &e.ClientID, &e.ClientName, &e.TaskID, &e.TaskTitle,
		&e.Date, &e.Minutes, &e.Note, &e.Billable, &e.Source, &e.InvoiceID, &e.InvoiceNumber, &created)
	e.CreatedAt = db.UnixTime(created)
	return e, err
}

// checkTimeRefs checks, inside tx, that the case is one v may see and the
// task (if any) is one of its tasks.
func checkTimeRefs(ctx context.Context, tx *sql.Tx, v Viewer, caseID, taskID string) (*Case, string, error) {
	k, err := loadCase(ctx, tx, v, caseID)
	if err != nil {
		return nil, "", err
	}
	if taskID == "" {
		return k, "", nil
	}
	var title string
	if err := tx.QueryRowContext(ctx, `SELECT title FROM tasks WHERE id = ? AND case_id = ?`, taskID, caseID).Scan(&title); err != nil {
		if err == sql.ErrNoRows {
			return nil, "", apperr.FieldErrors(map[string]string{"task_id": "Choose one of the case's tasks, or none."})
		}
		return nil, "", fmt.Errorf("db: task for time: %w", err)
	}
	return k, title, nil
}

func timeSentence(minutes int, taskTitle, note string) string {
	s := FormatMinutes(minutes)
	if taskTitle != "" {
		s += " on " + taskTitle
	}
	if note != "" {
		s += " · " + note
	}
	return s
}

// LogTime records time by hand for the actor on a case v may see, on the
// case's history, in one transaction.
func (t *Store) LogTime(ctx context.Context, v Viewer, actor Actor, in TimeInput) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		return t.insertTimeTx(ctx, tx, v, actor, id, in, timeSourceManual)
	})
	return id, err
}

func (t *Store) insertTimeTx(ctx context.Context, tx *sql.Tx, v Viewer, actor Actor, id string, in TimeInput, source string) error {
	k, taskTitle, err := checkTimeRefs(ctx, tx, v, in.CaseID, in.TaskID)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM time_entries WHERE user_id = ? AND work_date = ?`, actor.ID, in.Date).Scan(&n); err != nil {
		return fmt.Errorf("db: count time: %w", err)
	}
	if n >= timeEntriesPerDay {
		return apperr.New(apperr.Invalid, "At most %d entries a day.", timeEntriesPerDay)
	}
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO time_entries (id, user_id, case_id, task_id, work_date, minutes, note, billable, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, actor.ID, k.ID, caseNullable(in.TaskID), in.Date, in.Minutes, in.Note, in.Billable, source, now, now); err != nil {
		return fmt.Errorf("db: insert time: %w", err)
	}
	what := timeSentence(in.Minutes, taskTitle, in.Note)
	if !in.Billable {
		what += " (not billable)"
	}
	return t.timeEvent(ctx, tx, actor, k.ID, TimeLogged, "", what)
}

func (t *Store) timeEvent(ctx context.Context, tx *sql.Tx, actor Actor, caseID, field, old, new string) error {
	return t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventTime, Field: field, OldValue: old, NewValue: new})
}

// TimeEntry loads one entry that v may see: its case visible to v, and
// for one who is not an owner or admin (mayAll false) their own.
func (t *Store) TimeEntry(ctx context.Context, v Viewer, id string, mayAll bool) (*TimeEntry, error) {
	return loadTimeEntry(ctx, t.Reader(), v, id, mayAll)
}

func loadTimeEntry(ctx context.Context, q caseQuerier, v Viewer, id string, mayAll bool) (*TimeEntry, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Time entry not found.")
	}
	filter, args := v.caseFilter("c")
	where := ` WHERE e.id = ? AND ` + filter
	args = append([]any{id}, args...)
	if !mayAll {
		where += ` AND e.user_id = ?`
		args = append(args, v.UserID)
	}
	e, err := scanTimeEntry(q.QueryRowContext(ctx, timeSelect+where, args...))
	if err != nil {
		return nil, db.NotFound(err, "Time entry")
	}
	return &e, nil
}

// errTimeInvoiced refuses a change to an entry that is on an invoice.
func errTimeInvoiced(e *TimeEntry) error {
	if e.InvoiceNumber != "" {
		return apperr.New(apperr.Conflict, "This time is on invoice %s and can't be changed: void the invoice to free it.", e.InvoiceNumber)
	}
	return apperr.New(apperr.Conflict, "This time is on a draft invoice and can't be changed: delete the draft to free it.")
}

// UpdateTime changes an entry that is not on an invoice, on its case's
// history. The case stays; the task may change to another of its tasks.
func (t *Store) UpdateTime(ctx context.Context, v Viewer, actor Actor, id string, mayAll bool, in TimeInput) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		e, err := loadTimeEntry(ctx, tx, v, id, mayAll)
		if err != nil {
			return err
		}
		in.CaseID = e.CaseID
		if err := in.Validate(); err != nil {
			return err
		}
		if e.Invoiced() {
			return errTimeInvoiced(e)
		}
		_, taskTitle, err := checkTimeRefs(ctx, tx, v, e.CaseID, in.TaskID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE time_entries SET task_id = ?, work_date = ?, minutes = ?, note = ?, billable = ?, updated_at = ?
			WHERE id = ? AND invoice_id IS NULL`, caseNullable(in.TaskID), in.Date, in.Minutes, in.Note, in.Billable, t.Now(), id)
		if err != nil {
			return fmt.Errorf("db: update time %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errTimeInvoiced(e)
		}
		old := e.Date + " · " + timeSentence(e.Minutes, e.TaskTitle, e.Note)
		if !e.Billable {
			old += " (not billable)"
		}
		new := in.Date + " · " + timeSentence(in.Minutes, taskTitle, in.Note)
		if !in.Billable {
			new += " (not billable)"
		}
		if old == new {
			return nil
		}
		return t.timeEvent(ctx, tx, actor, e.CaseID, TimeEdited, old, new)
	})
}

// DeleteTime deletes an entry that is not on an invoice.
func (t *Store) DeleteTime(ctx context.Context, v Viewer, actor Actor, id string, mayAll bool) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		e, err := loadTimeEntry(ctx, tx, v, id, mayAll)
		if err != nil {
			return err
		}
		if e.Invoiced() {
			return errTimeInvoiced(e)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM time_entries WHERE id = ? AND invoice_id IS NULL`, id); err != nil {
			return fmt.Errorf("db: delete time %s: %w", id, err)
		}
		return t.timeEvent(ctx, tx, actor, e.CaseID, TimeDeleted, "", e.Date+" · "+timeSentence(e.Minutes, e.TaskTitle, e.Note))
	})
}

// TimeFilter narrows lists and reports of time.
type TimeFilter struct {
	UserID   string // one person's; "" everyone's
	CaseID   string
	ClientID string
	From, To string // YYYY-MM-DD, both included; "" open
	Limit    int
}

func (f TimeFilter) where(v Viewer) (string, []any) {
	filter, args := v.caseFilter("c")
	w := []string{filter}
	add := func(cond string, arg any) { w, args = append(w, cond), append(args, arg) }
	if f.UserID != "" {
		add("e.user_id = ?", f.UserID)
	}
	if f.CaseID != "" {
		add("e.case_id = ?", f.CaseID)
	}
	if f.ClientID != "" {
		add("c.client_id = ?", f.ClientID)
	}
	if f.From != "" {
		add("e.work_date >= ?", f.From)
	}
	if f.To != "" {
		add("e.work_date <= ?", f.To)
	}
	return strings.Join(w, " AND "), args
}

// TimeEntries lists the entries f selects on cases v may see, by day then
// as recorded.
func (t *Store) TimeEntries(ctx context.Context, v Viewer, f TimeFilter) ([]TimeEntry, error) {
	if f.Limit <= 0 || f.Limit > 2000 {
		f.Limit = 500
	}
	where, args := f.where(v)
	return db.QueryListPrepared(ctx, t.DB, "time entries", 32, scanTimeEntry,
		timeSelect+` WHERE `+where+` ORDER BY e.work_date, e.created_at, e.id LIMIT ?`, append(args, f.Limit)...)
}

// CaseTime sums a case's time: all of it, the billable, and the billable
// not yet on an invoice.
type CaseTime struct {
	Minutes, Billable, Unbilled int
}

// CaseTimeTotals sums the time of a case v may see.
func (t *Store) CaseTimeTotals(ctx context.Context, v Viewer, caseID string) (CaseTime, error) {
	filter, args := v.caseFilter("c")
	var s CaseTime
	err := t.Reader().QueryRowContext(ctx, `SELECT COALESCE(SUM(e.minutes), 0), COALESCE(SUM(CASE WHEN e.billable = 1 THEN e.minutes END), 0),
		COALESCE(SUM(CASE WHEN e.billable = 1 AND e.invoice_id IS NULL THEN e.minutes END), 0)
		FROM time_entries e JOIN cases c ON c.id = e.case_id WHERE e.case_id = ? AND `+filter, append([]any{caseID}, args...)...).Scan(&s.Minutes, &s.Billable, &s.Unbilled)
	if err != nil {
		return s, fmt.Errorf("db: time of case %s: %w", caseID, err)
	}
	return s, nil
}

// TimeSum is time summed for a report: one person's on one case at one
// rate, invoiced or not.
type TimeSum struct {
	ClientID, ClientName string
	CaseID               string
	CaseNumber           int64
	CaseTitle            string
	UserID, UserName     string
	Rate                 int64 // hourly, minor units: the billed rate of invoiced time, else the case's or the person's
	Invoiced             bool
	Minutes              int // billable
	NonBillable          int
}

// TimeSums sums the time f selects on cases v may see, by client, case,
// person, rate and whether invoiced; the report groups these further.
func (t *Store) TimeSums(ctx context.Context, v Viewer, f TimeFilter) ([]TimeSum, error) {
	where, args := f.where(v)
	return db.QueryList(ctx, t.Reader(), "time sums", func(row db.Scanner) (TimeSum, error) {
		var s TimeSum
		return s, row.Scan(&s.ClientID, &s.ClientName, &s.CaseID, &s.CaseNumber, &s.CaseTitle, &s.UserID, &s.UserName, &s.Rate, &s.Invoiced, &s.Minutes, &s.NonBillable)
	}, `SELECT c.client_id, cl.name, c.id, c.number, c.title, e.user_id, u.name,
		CASE WHEN e.invoice_id IS NOT NULL THEN COALESCE(e.billed_rate, 0) ELSE COALESCE(c.hourly_rate, u.hourly_rate) END AS rate,
		e.invoice_id IS NOT NULL AS invoiced,
		COALESCE(SUM(CASE WHEN e.billable = 1 THEN e.minutes END), 0), COALESCE(SUM(CASE WHEN e.billable = 0 THEN e.minutes END), 0)
		FROM time_entries e JOIN cases c ON c.id = e.case_id JOIN clients cl ON cl.id = c.client_id JOIN users u ON u.id = e.user_id
		WHERE `+where+`
		GROUP BY c.client_id, c.id, e.user_id, rate, invoiced
		ORDER BY cl.name COLLATE NOCASE, c.client_id, c.number, u.name COLLATE NOCASE, e.user_id, rate, invoiced`, args...)
}

// Timer is a person's running timer.
type Timer struct {
	UserID     string
	CaseID     string
	CaseNumber int64
	CaseTitle  string
	TaskID     string
	TaskTitle  string
	Note       string
	Billable   bool
	StartedAt  time.Time
}

// RunningTimer returns the person's running timer, or nil.
func (t *Store) RunningTimer(ctx context.Context, userID string) (*Timer, error) {
	var k Timer
	var started int64
	err := t.Reader().QueryRowContext(ctx, `SELECT tm.user_id, tm.case_id, c.number, c.title, COALESCE(tm.task_id, ''), COALESCE(tk.title, ''), tm.note, tm.billable, tm.started_at
		FROM timers tm JOIN cases c ON c.id = tm.case_id LEFT JOIN tasks tk ON tk.id = tm.task_id WHERE tm.user_id = ?`, userID).Scan(
		&k.UserID, &k.CaseID, &k.CaseNumber, &k.CaseTitle, &k.TaskID, &k.TaskTitle, &k.Note, &k.Billable, &started)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: timer of %s: %w", userID, err)
	}
	k.StartedAt = db.UnixTime(started)
	return &k, nil
}

// StartTimer starts the actor's timer on a case v may see (and maybe one
// of its tasks). A person has one timer: one already running, wherever it
// was started, is stopped first and its time saved, in the same
// transaction. It returns that entry's id ("" if none was saved).
func (t *Store) StartTimer(ctx context.Context, v Viewer, actor Actor, caseID, taskID, note string, billable bool) (string, error) {
	note, msg := validateTaskText(note, "the note", TimeNoteMax, false)
	if msg != "" {
		return "", apperr.FieldErrors(map[string]string{"note": msg})
	}
	if uuid.Validate(caseID) != nil {
		return "", apperr.New(apperr.NotFound, "Case not found.")
	}
	if taskID != "" && uuid.Validate(taskID) != nil {
		return "", apperr.FieldErrors(map[string]string{"task_id": "Choose one of the case's tasks, or none."})
	}
	saved := ""
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := checkTimeRefs(ctx, tx, v, caseID, taskID); err != nil {
			return err
		}
		var err error
		if saved, err = t.stopTimerTx(ctx, tx, actor); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO timers (user_id, case_id, task_id, note, billable, started_at) VALUES (?, ?, ?, ?, ?, ?)`,
			actor.ID, caseID, caseNullable(taskID), note, billable, t.Now())
		if err != nil {
			return fmt.Errorf("db: start timer: %w", err)
		}
		return nil
	})
	return saved, err
}

// StopTimer stops the actor's timer and saves its time as an entry of the
// day it started (rounded to the minute, at most a day). It returns the
// entry's id, or "" when no timer was running (a second tab stopping it
// again) or it ran under half a minute.
func (t *Store) StopTimer(ctx context.Context, actor Actor) (string, error) {
	saved := ""
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		saved, err = t.stopTimerTx(ctx, tx, actor)
		return err
	})
	return saved, err
}

func (t *Store) stopTimerTx(ctx context.Context, tx *sql.Tx, actor Actor) (string, error) {
	var caseID, taskID, note string
	var billable bool
	var started int64
	err := tx.QueryRowContext(ctx, `DELETE FROM timers WHERE user_id = ? RETURNING case_id, COALESCE(task_id, ''), note, billable, started_at`, actor.ID).Scan(
		&caseID, &taskID, &note, &billable, &started)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: stop timer: %w", err)
	}
	minutes := int((t.Now() - started + 30) / 60)
	if minutes <= 0 {
		return "", nil
	}
	minutes = min(minutes, TimerMaxMinutes)
	in := TimeInput{CaseID: caseID, TaskID: taskID, Date: db.UnixTime(started).Format(DueDateLayout), Minutes: minutes, Note: note, Billable: billable}
	id := uuid.NewString()
	// The timer's case was checked when it started; the entry is the
	// person's time whatever they may see now.
	return id, t.insertTimeTx(ctx, tx, Viewer{}, actor, id, in, timeSourceTimer)
}

// RateMember is a member of the team with their hourly rate.
type RateMember struct {
	ID, Name, Role string
	Rate           int64
	Active         bool
}

// TeamRates lists the team (owners, admins, staff) with their hourly rates.
func (t *Store) TeamRates(ctx context.Context) ([]RateMember, error) {
	return db.QueryList(ctx, t.Reader(), "team rates", func(row db.Scanner) (RateMember, error) {
		var m RateMember
		return m, row.Scan(&m.ID, &m.Name, &m.Role, &m.Rate, &m.Active)
	}, `SELECT id, name, role, hourly_rate, status = 'active' FROM users WHERE role IN ('owner', 'admin', 'staff') ORDER BY name COLLATE NOCASE, id`)
}

// SetPersonRate sets a team member's hourly rate and audits the change (a
// gets the person as its target, the rates before and after as detail).
func (t *Store) SetPersonRate(ctx context.Context, userID string, rate int64, a Audit) error {
	if rate < 0 || rate > MaxHourlyRate {
		return apperr.FieldErrors(map[string]string{"rate": "The hourly rate is 0 to 100,000."})
	}
	if uuid.Validate(userID) != nil {
		return apperr.New(apperr.NotFound, "Person not found.")
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var old int64
		err := tx.QueryRowContext(ctx, `SELECT hourly_rate FROM users WHERE id = ? AND role IN ('owner', 'admin', 'staff')`, userID).Scan(&old)
		if err != nil {
			return db.NotFound(err, "Person")
		}
		if old == rate {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET hourly_rate = ?, updated_at = ? WHERE id = ?`, rate, t.Now(), userID); err != nil {
			return fmt.Errorf("db: set rate of %s: %w", userID, err)
		}
		a.Target, a.Detail = userID, fmt.Sprintf("%d → %d", old, rate)
		return t.auditTx(ctx, tx, a)
	})
}

// CaseRate is a case's own hourly rate; ok false when its time bills at
// each person's rate.
func (t *Store) CaseRate(ctx context.Context, v Viewer, caseID string) (rate int64, ok bool, err error) {
	filter, args := v.caseFilter("c")
	var r sql.NullInt64
	if err := t.Reader().QueryRowContext(ctx, `SELECT c.hourly_rate FROM cases c WHERE c.id = ? AND `+filter, append([]any{caseID}, args...)...).Scan(&r); err != nil {
		return 0, false, db.NotFound(err, "Case")
	}
	return r.Int64, r.Valid, nil
}

// SetCaseRate sets (rate ≥ 0) or clears (rate < 0: each person's rate) a
// case's own hourly rate, on its history, audited (a gets the case as its
// target, the rates before and after as detail), in one transaction.
func (t *Store) SetCaseRate(ctx context.Context, v Viewer, actor Actor, caseID string, rate int64, a Audit) error {
	if rate > MaxHourlyRate {
		return apperr.FieldErrors(map[string]string{"rate": "The hourly rate is 0 to 100,000."})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadCase(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		var old sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT hourly_rate FROM cases WHERE id = ?`, k.ID).Scan(&old); err != nil {
			return fmt.Errorf("db: rate of case %s: %w", k.ID, err)
		}
		var val any
		if rate >= 0 {
			val = rate
		}
		if (rate < 0 && !old.Valid) || (rate >= 0 && old.Valid && old.Int64 == rate) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET hourly_rate = ? WHERE id = ?`, val, k.ID); err != nil {
			return fmt.Errorf("db: set rate of case %s: %w", k.ID, err)
		}
		show := func(valid bool, r int64) string {
			if !valid {
				return "each person's rate"
			}
			return fmt.Sprintf("%d.%02d an hour", r/100, r%100)
		}
		before, after := show(old.Valid, old.Int64), show(rate >= 0, rate)
		if err := t.insertEvent(ctx, tx, Event{CaseID: k.ID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventField, Field: FieldHourlyRate, OldValue: before, NewValue: after}); err != nil {
			return err
		}
		a.Target, a.Detail = k.ID, before+" → "+after
		return t.auditTx(ctx, tx, a)
	})
}

// FieldHourlyRate is the field of a case's EventField event when its own
// hourly rate changes.
const FieldHourlyRate = "hourly_rate"

// TimerCase is a case offered by the header's timer.
type TimerCase struct {
	ID     string
	Number int64
	Title  string
}

// TimerCases lists the open cases v may see that are userID's to work on
// (assigned to them, with an open task of theirs, or timed by them),
// most recently changed first, at most limit: the header timer's choice.
func (t *Store) TimerCases(ctx context.Context, v Viewer, userID string, limit int) ([]TimerCase, error) {
	filter, args := v.caseFilter("c")
	args = append(append([]any{userID, userID, userID}, args...), limit)
	return db.QueryListPrepared(ctx, t.DB, "timer cases", limit, func(row db.Scanner) (TimerCase, error) {
		var k TimerCase
		return k, row.Scan(&k.ID, &k.Number, &k.Title)
	}, `SELECT c.id, c.number, c.title FROM cases c
		WHERE c.status NOT IN ('resolved', 'closed') AND c.archived_at IS NULL
		AND (c.assignee_id = ? OR EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.assignee_id = ? AND t.status = 'open')
			OR EXISTS (SELECT 1 FROM time_entries e WHERE e.case_id = c.id AND e.user_id = ?))
		AND `+filter+`
		ORDER BY c.updated_at DESC, c.number DESC LIMIT ?`, args...)
}
