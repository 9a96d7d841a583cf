package tenant

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Orders of the case list. Each is a keyset: a page continues after the
// last row of the previous one, never with OFFSET.
const (
	CaseSortUpdated = "updated" // recently changed first (the default)
	CaseSortNewest  = "newest"  // highest number first
	CaseSortOldest  = "oldest"  // lowest number first
	CaseSortDue     = "due"     // soonest due first, cases without a due date last
)

// CaseSorts lists the orders, the default first.
var CaseSorts = []string{CaseSortUpdated, CaseSortNewest, CaseSortOldest, CaseSortDue}

// CaseFilter narrows a list of cases; zero fields match everything.
type CaseFilter struct {
	AssigneeID string   // cases assigned to this user
	Unassigned bool     // cases assigned to nobody
	ClientID   string   // cases of this client
	Label      string   // cases with this label
	Statuses   []string // cases in one of these statuses
	DueBefore  string   // YYYY-MM-DD: open cases due before this day (overdue)
	DueFrom    string   // YYYY-MM-DD: with DueBefore, open cases due from this day on (due this week)
	Archived   bool     // the cases the retention job archived, instead of the others
	Sort       string   // one of CaseSorts; empty is CaseSortUpdated
	After      string   // the cursor of the last row of the previous page
	Limit      int      // rows per page (at most 500)
}

// CaseRow is a case as the list and the board show it.
type CaseRow struct {
	ID         string
	Number     int64
	Title      string
	Status     string
	Priority   string
	ClientName string
	AssigneeID string // the name is in CaseStaff, read once for the page
	DueDate    string
	UpdatedAt  time.Time
}

// where returns the SQL conditions of f (without the cursor) on cases c.
func (f CaseFilter) where(v Viewer) ([]string, []any) {
	cond, args := v.caseFilter("c")
	where := []string{cond}
	add := func(c string, a ...any) { where, args = append(where, c), append(args, a...) }
	// Archived cases are out of every list but their own; cases_list
	// carries archived_at, so this costs the list no table reads.
	if f.Archived {
		add("c.archived_at IS NOT NULL")
	} else {
		add("c.archived_at IS NULL")
	}
	if f.AssigneeID != "" {
		add("c.assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		add("c.assignee_id IS NULL")
	}
	if f.ClientID != "" {
		add("c.client_id = ?", f.ClientID)
	}
	if f.Label != "" {
		add("c.id IN (SELECT case_id FROM case_labels WHERE label = ?)", f.Label)
	}
	switch len(f.Statuses) {
	case 0:
	case 1:
		// cases_status (status, updated_at) reads one status in order.
		add("c.status = ?", f.Statuses[0])
	default:
		// Several statuses cannot come out of cases_status in order; the
		// unary + keeps SQLite from sorting them all, so it walks the
		// order's own index and skips the other statuses instead.
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		a := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			a[i] = s
		}
		add("+c.status IN ("+marks+")", a...)
	}
	if f.DueBefore != "" {
		add("c.due_date < ? AND c.status NOT IN ('resolved', 'closed')", f.DueBefore)
	}
	if f.DueFrom != "" {
		add("c.due_date >= ?", f.DueFrom)
	}
	return where, args
}

var errBadCaseCursor = apperr.New(apperr.Invalid, "That page link is broken: start again from the first page.")

// caseCursor is a position in the list: the sort key of the last row read
// (updated_at, or due_date, "-" for none) and its number, which breaks ties.
type caseCursor struct {
	key string
	tie int64
}

func parseCaseCursor(sort, s string) (*caseCursor, error) {
	if s == "" {
		return nil, nil
	}
	key, tieText, ok := strings.Cut(s, "_")
	if !ok {
		key, tieText = "", s
	}
	tie, err := strconv.ParseInt(tieText, 10, 64)
	if err != nil || tie <= 0 {
		return nil, errBadCaseCursor
	}
	switch sort {
	case CaseSortUpdated, "":
		if _, err := strconv.ParseInt(key, 10, 64); err != nil {
			return nil, errBadCaseCursor
		}
	case CaseSortDue:
		if _, err := time.Parse(DueDateLayout, key); err != nil && key != "-" {
			return nil, errBadCaseCursor
		}
	case CaseSortNewest, CaseSortOldest:
		if key != "" {
			return nil, errBadCaseCursor
		}
	}
	return &caseCursor{key: key, tie: tie}, nil
}

// cursorAfter is the cursor that continues after r in sort.
func cursorAfter(sort string, r *CaseRow) string {
	switch sort {
	case CaseSortNewest, CaseSortOldest:
		return strconv.FormatInt(r.Number, 10)
	case CaseSortDue:
		if r.DueDate == "" {
			return "-_" + strconv.FormatInt(r.Number, 10)
		}
		return r.DueDate + "_" + strconv.FormatInt(r.Number, 10)
	}
	return strconv.FormatInt(r.UpdatedAt.Unix(), 10) + "_" + strconv.FormatInt(r.Number, 10)
}

// checkCaseSort refuses an order that does not exist.
func checkCaseSort(sort string) error {
	switch sort {
	case "", CaseSortUpdated, CaseSortNewest, CaseSortOldest, CaseSortDue:
		return nil
	}
	return apperr.New(apperr.Invalid, "Unknown order %q: choose updated, newest, oldest or due.", caseShorten(sort, 20))
}

// caseRowSelect reads a list row with its client's name. It is the most
// used query, so it reads as little as it can: the default order is served
// from the covering index cases_list and the client's name from
// clients_names (migration 4; SQLite would rather take the primary key's
// index and then read the client's row, hence INDEXED BY), so a row costs
// one index lookup; the
// assignee's name comes from CaseStaff rather than a second join.
const caseRowSelect = `SELECT c.id, c.number, c.title, c.status, c.priority, cl.name,
	COALESCE(c.assignee_id, ''), COALESCE(c.due_date, ''), c.updated_at
	FROM cases c
	JOIN clients cl INDEXED BY clients_names ON cl.id = c.client_id`

func scanCaseRow(row db.Scanner) (CaseRow, error) {
	var r CaseRow
	var updated int64
	err := row.Scan(&r.ID, &r.Number, &r.Title, &r.Status, &r.Priority, &r.ClientName, &r.AssigneeID, &r.DueDate, &updated)
	r.UpdatedAt = db.UnixTime(updated)
	return r, err
}

// caseRows runs one list query: the filter's conditions plus extra, in order.
func (t *Store) caseRows(ctx context.Context, where []string, args []any, order string, limit int, extra string, extraArgs ...any) ([]CaseRow, error) {
	if extra != "" {
		where = append(where[:len(where):len(where)], extra)
		args = append(args[:len(args):len(args)], extraArgs...)
	}
	args = append(args[:len(args):len(args)], limit)
	return db.QueryListPrepared(ctx, t.DB, "list cases", limit, scanCaseRow,
		caseRowSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
}

// Cases lists one page of the cases v may see that match f, with the
// cursor of the next page ("" when this is the last). One query reads the
// rows with their client's names (two when the due order reaches the cases
// without a due date).
func (t *Store) Cases(ctx context.Context, v Viewer, f CaseFilter) ([]CaseRow, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if err := checkCaseSort(f.Sort); err != nil {
		return nil, "", err
	}
	cur, err := parseCaseCursor(f.Sort, f.After)
	if err != nil {
		return nil, "", err
	}
	where, args := f.where(v)
	n := f.Limit + 1
	var rows []CaseRow
	switch f.Sort {
	case CaseSortNewest:
		if cur == nil {
			rows, err = t.caseRows(ctx, where, args, "c.number DESC", n, "")
		} else {
			rows, err = t.caseRows(ctx, where, args, "c.number DESC", n, "c.number < ?", cur.tie)
		}
	case CaseSortOldest:
		if cur == nil {
			rows, err = t.caseRows(ctx, where, args, "c.number ASC", n, "")
		} else {
			rows, err = t.caseRows(ctx, where, args, "c.number ASC", n, "c.number > ?", cur.tie)
		}
	case CaseSortDue:
		// Cases with a due date first (cases_due gives them in order), then
		// those without: two queries, so that neither needs a sort.
		if cur == nil || cur.key != "-" {
			if cur == nil {
				rows, err = t.caseRows(ctx, where, args, "c.due_date, c.number", n, "c.due_date IS NOT NULL")
			} else {
				rows, err = t.caseRows(ctx, where, args, "c.due_date, c.number", n, "c.due_date IS NOT NULL AND (c.due_date, c.number) > (?, ?)", cur.key, cur.tie)
			}
			if err == nil && len(rows) < n {
				var more []CaseRow
				more, err = t.caseRows(ctx, where, args, "c.number", n-len(rows), "c.due_date IS NULL")
				rows = append(rows, more...)
			}
		} else {
			rows, err = t.caseRows(ctx, where, args, "c.number", n, "c.due_date IS NULL AND c.number > ?", cur.tie)
		}
	default:
		if cur == nil {
			rows, err = t.caseRows(ctx, where, args, "c.updated_at DESC, c.number DESC", n, "")
		} else {
			at, _ := strconv.ParseInt(cur.key, 10, 64)
			rows, err = t.caseRows(ctx, where, args, "c.updated_at DESC, c.number DESC", n, "(c.updated_at, c.number) < (?, ?)", at, cur.tie)
		}
	}
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = cursorAfter(f.Sort, &rows[len(rows)-1])
	}
	return rows, next, nil
}

// BoardColumn is one status on the board: its newest cases and how many
// there are in all.
type BoardColumn struct {
	Status string
	Count  int
	Cards  []CaseRow
}

// CaseBoard returns one column per status with the perColumn most recently
// updated cases v may see that match f (whose Statuses, Sort and After are
// ignored), and each column's full count.
func (t *Store) CaseBoard(ctx context.Context, v Viewer, f CaseFilter, perColumn int) ([]BoardColumn, error) {
	f.Statuses, f.Sort, f.After = nil, CaseSortUpdated, ""
	where, args := f.where(v)
	counts := map[string]int{}
	rows, err := t.Reader().QueryContext(ctx, `SELECT c.status, COUNT(*) FROM cases c WHERE `+strings.Join(where, " AND ")+` GROUP BY c.status`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: count board: %w", err)
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: count board: %w", err)
		}
		counts[s] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: count board: %w", err)
	}
	cols := make([]BoardColumn, 0, len(CaseStatuses))
	for _, s := range CaseStatuses {
		col := BoardColumn{Status: s, Count: counts[s]}
		if col.Count > 0 {
			f.Statuses, f.Limit = []string{s}, perColumn
			if col.Cards, _, err = t.Cases(ctx, v, f); err != nil {
				return nil, err
			}
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// EachCase calls fn for every case v may see that matches f (Limit and
// After ignored), in f's order, with its description and labels: the CSV
// export. fn runs while the rows are read.
func (t *Store) EachCase(ctx context.Context, v Viewer, f CaseFilter, fn func(*Case) error) error {
	if err := checkCaseSort(f.Sort); err != nil {
		return err
	}
	order := map[string]string{CaseSortNewest: "c.number DESC", CaseSortOldest: "c.number ASC", CaseSortDue: "c.due_date IS NULL, c.due_date, c.number"}[f.Sort]
	if order == "" {
		order = "c.updated_at DESC, c.number DESC"
	}
	where, args := f.where(v)
	rows, err := t.Read().QueryContext(ctx, `SELECT c.id, c.number, c.client_id, cl.name, c.title, c.description, c.status, c.priority,
		COALESCE(c.assignee_id, ''), COALESCE(a.name, ''), COALESCE(c.due_date, ''), COALESCE(cb.name, ''),
		c.created_at, c.updated_at, c.closed_at, c.archived_at, c.version,
		COALESCE((SELECT group_concat(l.label, ',') FROM case_labels l WHERE l.case_id = c.id), '')
		FROM cases c
		JOIN clients cl ON cl.id = c.client_id
		LEFT JOIN users a ON a.id = c.assignee_id
		LEFT JOIN users cb ON cb.id = c.created_by
		WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order, args...)
	if err != nil {
		return fmt.Errorf("db: export cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var labels string
		k, err := scanCase(caseScanFunc(func(dest ...any) error { return rows.Scan(append(dest, &labels)...) }))
		if err != nil {
			return fmt.Errorf("db: scan exported case: %w", err)
		}
		if labels != "" {
			k.Labels = strings.Split(labels, ",")
		}
		if err := fn(k); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: export cases: %w", err)
	}
	return nil
}

// caseScanFunc adapts a function to the scanner interface.
type caseScanFunc func(dest ...any) error

// Scan implements scanner.
func (f caseScanFunc) Scan(dest ...any) error { return f(dest...) }
