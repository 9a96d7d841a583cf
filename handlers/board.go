package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// boardColumnSize bounds each column of the board: its most recently
// updated cases, with the column's full count beside its name.
const boardColumnSize = 50

// boardCard is a case on the board with its move buttons.
type boardCard struct {
	caseRowView
	Prev option // the status to the left; empty in the first column
	Next option // the status to the right; empty in the last column
}

// boardColumn is one status's column.
type boardColumn struct {
	Status string
	Label  string
	Count  int
	More   int // cases in the column beyond the ones shown
	Cards  []boardCard
	List   string // the list of this status's cases, to see them all
}

// casesBoardView is the board page and its partial.
type casesBoardView struct {
	Page
	Base    string
	Columns []boardColumn
	Return  string
	State   caseListState
	Tabs    []option
	ListURL string
}

// CasesBoard shows one column per status with the visible cases in it;
// each card moves by its buttons (a form posting to the case's status) or
// by drag and drop where the browser allows. The list's view and filters
// (mine, assignee, client, label) apply; status and order do not.
func (h *Handlers) CasesBoard(c *fiber.Ctx, r *Request) error {
	t, me := r.Tenant, r.User
	v, state, err := h.caseListRequest(c, r)
	if err != nil {
		return err
	}
	state.Status, state.Sort, state.After = "", "", ""
	today := h.caseToday(r)
	cols, err := t.CaseBoard(c.UserContext(), v, state.filter(me.ID, today), boardColumnSize)
	if err != nil {
		return err
	}
	staff, err := t.CaseStaff(c.UserContext())
	if err != nil {
		return err
	}
	names := caseStaffNames(staff)
	base := caseBase(r)
	columns := make([]boardColumn, len(cols))
	for i, col := range cols {
		listState := state
		listState.Status = col.Status
		bc := boardColumn{Status: col.Status, Label: caseStatusText(r.Lang(), col.Status), Count: col.Count, More: col.Count - len(col.Cards), List: base + listState.query("")}
		for _, row := range caseRowViews(r.Lang(), base, today, col.Cards, names) {
			card := boardCard{caseRowView: row}
			if i > 0 {
				card.Prev = option{Value: tenant.CaseStatuses[i-1], Label: caseStatusText(r.Lang(), tenant.CaseStatuses[i-1])}
			}
			if i < len(tenant.CaseStatuses)-1 {
				card.Next = option{Value: tenant.CaseStatuses[i+1], Label: caseStatusText(r.Lang(), tenant.CaseStatuses[i+1])}
			}
			bc.Cards = append(bc.Cards, card)
		}
		columns[i] = bc
	}
	view := &casesBoardView{
		Page: Page{Title: "Case board"}, Base: base, Columns: columns, Return: base + "/board" + state.query(""), State: state,
		Tabs: translated(r.Lang(), []option{
			{base + "/board", "All cases", state.View == caseViewAll},
			{base + "/board?view=mine", "My cases", state.View == caseViewMine},
			{base + "/board?view=overdue", "Overdue", state.View == caseViewOverdue},
		}),
		ListURL: base + state.query(""),
	}
	return h.pageOrFragment(c, "pages/cases/board", "partials/cases/board", view)
}
