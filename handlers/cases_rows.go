package handlers

import (
	"html/template"

	"mintedmind/db/tenant"
)

// caseRowView is one case of the case list and the board, every value a
// display string, for views/partials/cases/row.html. It is comparable on
// purpose: the rendered rows are cached by it (caseRowCacheSize), and since
// it holds everything a row shows, a changed title, client name, assignee
// name or overdue flag is a new key and renders afresh.
type caseRowView struct {
	ID            string
	URL           string
	Number        string
	Title         string
	ClientName    string
	Status        string
	StatusLabel   string
	Priority      string
	PriorityLabel string
	Assignee      string
	Due           string
	Overdue       bool
	Lang          string // the viewer's: a row is cached per language
}

// caseRowCacheSize is about how many rendered case rows are kept (two
// generations of this many at most, under 1 KB each). The case list is
// the page staff load most: its 50 rows through html/template cost more
// than the rest of the request; from the cache, a map lookup each.
const caseRowCacheSize = 4096

// caseRowsView is the rows of the case list with "Load more", for
// views/partials/cases/rows.html.
type caseRowsView struct {
	Rows []template.HTML // rendered by partials/cases/row, through caseRows
	Next string          // the next page; empty on the last
	Lang string
}

// caseStaffNames maps staff ids to names, for the assignee column.
func caseStaffNames(staff []tenant.CaseStaffMember) map[string]string {
	names := make(map[string]string, len(staff))
	for _, m := range staff {
		names[m.ID] = m.Name
	}
	return names
}

// caseRowViews are rows as the list and the board show them.
func caseRowViews(lang, base, today string, rows []tenant.CaseRow, names map[string]string) []caseRowView {
	out := make([]caseRowView, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = caseRowView{
			ID: r.ID, URL: base + "/" + r.ID, Number: tenant.CaseNumber(r.Number), Title: r.Title, ClientName: r.ClientName,
			Status: r.Status, StatusLabel: caseStatusText(lang, r.Status), Priority: r.Priority, PriorityLabel: casePriorityText(lang, r.Priority),
			Assignee: names[r.AssigneeID], Due: r.DueDate,
			Overdue: caseOverdue(r.Status, r.DueDate, today), Lang: lang,
		}
	}
	return out
}

// renderCaseRows renders rows through the row cache.
func (h *Handlers) renderCaseRows(lang string, rows []caseRowView, next string) (caseRowsView, error) {
	out := caseRowsView{Rows: make([]template.HTML, len(rows)), Next: next, Lang: lang}
	for i := range rows {
		var err error
		if out.Rows[i], err = h.caseRows.Render(rows[i]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// caseOverdue reports whether a case in status, due on due, is overdue on today.
func caseOverdue(status, due, today string) bool {
	return due != "" && due < today && status != tenant.CaseResolved && status != tenant.CaseClosed
}
