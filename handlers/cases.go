package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// casePageSize is how many rows the case list shows at a time.
const casePageSize = 50

// Case list views.
const (
	caseViewAll      = "all"
	caseViewMine     = "mine"
	caseViewOverdue  = "overdue"
	caseViewArchived = "archived" // closed cases the retention job archived
)

// caseListState is everything the case list's URL holds: view, filters,
// order and page. Every state is a URL that works on reload.
type caseListState struct {
	View     string // all, mine, overdue or archived
	Status   string // "", "open" or a status
	Assignee string // "", "none" or a user id
	Client   string // a client id
	Label    string
	Sort     string // "" for the view's default
	After    string // cursor of the page
}

// caseListRequest is what every case list (the list, its export, the
// board) starts from: who is looking and the list state in the URL.
func (h *Handlers) caseListRequest(c *fiber.Ctx) (db.Viewer, caseListState, error) {
	v, err := h.viewer(c)
	if err != nil {
		return db.Viewer{}, caseListState{}, err
	}
	state, err := parseCaseListState(c)
	return v, state, err
}

// parseCaseListState reads and checks the list's query string.
func parseCaseListState(c *fiber.Ctx) (caseListState, error) {
	s := caseListState{
		View: c.Query("view", caseViewAll), Status: c.Query("status"), Assignee: c.Query("assignee"),
		Client: c.Query("client"), Label: strings.ToLower(strings.TrimSpace(c.Query("label"))), Sort: c.Query("sort"), After: c.Query("after"),
	}
	switch s.View {
	case caseViewAll, caseViewMine, caseViewOverdue, caseViewArchived:
	default:
		return s, apperr.New(apperr.Invalid, "Unknown view %q: choose mine, all or overdue.", caseClip(s.View, 20))
	}
	if s.Status != "" && s.Status != "open" && !db.ValidCaseStatus(s.Status) {
		return s, apperr.New(apperr.Invalid, "%s", db.UnknownStatusMessage(s.Status))
	}
	if s.Assignee != "" && s.Assignee != "none" && uuid.Validate(s.Assignee) != nil {
		return s, apperr.New(apperr.Invalid, "Unknown assignee in the filter.")
	}
	if s.Client != "" && uuid.Validate(s.Client) != nil {
		return s, apperr.New(apperr.Invalid, "Unknown client in the filter.")
	}
	if len(s.Label) > 4*db.CaseLabelMax {
		return s, apperr.New(apperr.Invalid, "A label has at most %d characters.", db.CaseLabelMax)
	}
	if s.Sort != "" {
		ok := false
		for _, v := range db.CaseSorts {
			ok = ok || v == s.Sort
		}
		if !ok {
			return s, apperr.New(apperr.Invalid, "Unknown order %q: choose updated, newest, oldest or due.", caseClip(s.Sort, 20))
		}
		def := s
		def.Sort = ""
		if def.sort() == s.Sort {
			s.Sort = "" // the view's default: keep URLs short and canonical
		}
	}
	return s, nil
}

// sort is the order in effect: the chosen one, or the view's default.
func (s caseListState) sort() string {
	switch {
	case s.Sort != "":
		return s.Sort
	case s.View == caseViewOverdue:
		return db.CaseSortDue
	}
	return db.CaseSortUpdated
}

// filter turns the state into a query for the viewer me on the day today.
func (s caseListState) filter(me, today string) db.CaseFilter {
	f := db.CaseFilter{ClientID: s.Client, Label: s.Label, Sort: s.sort(), After: s.After, Limit: casePageSize}
	switch s.Status {
	case "":
	case "open":
		f.Statuses = db.OpenCaseStatuses
	default:
		f.Statuses = []string{s.Status}
	}
	switch s.Assignee {
	case "":
	case "none":
		f.Unassigned = true
	default:
		f.AssigneeID = s.Assignee
	}
	switch s.View {
	case caseViewMine:
		f.AssigneeID, f.Unassigned = me, false
	case caseViewOverdue:
		f.DueBefore = today
	case caseViewArchived:
		f.Archived = true
	}
	return f
}

// query is the state as a query string ("?…", or "" for the default list),
// with after as the page cursor.
func (s caseListState) query(after string) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	if s.View != caseViewAll {
		set("view", s.View)
	}
	set("status", s.Status)
	set("assignee", s.Assignee)
	set("client", s.Client)
	set("label", s.Label)
	set("sort", s.Sort)
	set("after", after)
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// caseClip cuts s for quoting it in a message.
func caseClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// caseBase is the URL of the request's agency's case list.
func caseBase(c *fiber.Ctx) string { return "/a/" + agencyOf(c).Slug + "/cases" }

// caseActor is the signed-in person as the case history names them.
func caseActor(c *fiber.Ctx) db.Actor {
	u := userOf(c)
	return db.Actor{ID: u.ID, Name: u.Name}
}

// caseToday is the injected clock's calendar day, the reference for overdue.
func (h *Handlers) caseToday() string { return h.Clock.Now().UTC().Format(db.DueDateLayout) }

// caseListRow is a case with every display string made in Go, so that
// the board's template only copies fields.
type caseListRow struct {
	ID            string
	URL           string
	Number        string
	Title         string
	ClientName    string
	Status        string
	StatusLabel   string
	PriorityLabel string
	Priority      string
	Assignee      string
	Due           string
	Overdue       bool
}

// caseStaffNames maps staff ids to names, for the assignee column.
func caseStaffNames(staff []db.CaseStaffMember) map[string]string {
	names := make(map[string]string, len(staff))
	for _, m := range staff {
		names[m.ID] = m.Name
	}
	return names
}

func (h *Handlers) caseListRows(base, today string, rows []db.CaseRow, names map[string]string) []caseListRow {
	out := make([]caseListRow, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = caseListRow{
			ID: r.ID, URL: base + "/" + r.ID, Number: db.CaseNumber(r.Number), Title: r.Title, ClientName: r.ClientName,
			Status: r.Status, StatusLabel: db.CaseStatusLabel(r.Status), Priority: r.Priority, PriorityLabel: db.CasePriorityLabel(r.Priority),
			Assignee: names[r.AssigneeID], Due: r.DueDate,
			Overdue: caseOverdue(r.Status, r.DueDate, today),
		}
	}
	return out
}

// caseOption is one choice of a select.
type caseOption struct {
	Value    string
	Label    string
	Selected bool
}

func caseStatusOptions(selected string) []caseOption {
	out := make([]caseOption, len(db.CaseStatuses))
	for i, s := range db.CaseStatuses {
		out[i] = caseOption{s, db.CaseStatusLabel(s), s == selected}
	}
	return out
}

func casePriorityOptions(selected string) []caseOption {
	out := make([]caseOption, len(db.CasePriorities))
	for i, p := range db.CasePriorities {
		out[i] = caseOption{p, db.CasePriorityLabel(p), p == selected}
	}
	return out
}

// caseAssigneeOptions offers the active staff, and the selected person
// even if their account was disabled since.
func caseAssigneeOptions(staff []db.CaseStaffMember, selected string) []caseOption {
	out := make([]caseOption, 0, len(staff))
	for _, m := range staff {
		if m.Active || m.ID == selected {
			out = append(out, caseOption{m.ID, m.Name, m.ID == selected})
		}
	}
	return out
}

// CasesIndex lists the cases the viewer may see: a view (mine, all,
// overdue), filters, an order and a page, all in the URL. A plain htmx
// request (filters, "load more") gets the results alone.
func (h *Handlers) CasesIndex(c *fiber.Ctx) error {
	t, me := tenantOf(c), userOf(c)
	v, state, err := h.caseListRequest(c)
	if err != nil {
		return err
	}
	today := h.caseToday()
	rows, next, err := t.Cases(c.UserContext(), v, state.filter(me.ID, today))
	if err != nil {
		return err
	}
	staff, err := t.CaseStaff(c.UserContext())
	if err != nil {
		return err
	}
	base := caseBase(c)
	nextURL := ""
	if next != "" {
		nextURL = base + state.query(next)
	}
	data := fiber.Map{
		"Title": "Cases", "Base": base, "State": state, "RowsHTML": caseRowsHTML(base, today, rows, caseStaffNames(staff), nextURL),
		"Export": base + "/export.csv" + state.query(""), "Return": base + state.query(""),
	}
	if state.After != "" {
		data["First"] = base + state.query("")
	}
	if wantsFragment(c) {
		if c.Get("HX-Target") == "case-results" {
			// The filter form pushes this state into the history: the
			// canonical URL, not the form's every empty field.
			c.Set("HX-Push-Url", base+state.query(""))
		}
		return h.fragment(c, "partials/cases/results", data)
	}
	if state.Client != "" {
		all := state
		all.Client = ""
		data["AllClients"] = base + all.query("")
		if ref, err := t.CaseClient(c.UserContext(), v, state.Client); err == nil {
			data["ClientName"] = ref.Name
		}
	}
	// The menus are rendered in Go: see caseOptionsHTML.
	data["PeopleOptions"] = caseOptionsHTML(caseAssigneeOptions(staff, state.Assignee), "")
	data["StatusOptions"] = caseOptionsHTML(caseStatusOptions(state.Status), "")
	data["SortOptions"] = caseOptionsHTML([]caseOption{
		{db.CaseSortUpdated, "Recently updated", state.sort() == db.CaseSortUpdated},
		{db.CaseSortNewest, "Newest first", state.sort() == db.CaseSortNewest},
		{db.CaseSortOldest, "Oldest first", state.sort() == db.CaseSortOldest},
		{db.CaseSortDue, "Due soonest", state.sort() == db.CaseSortDue},
	}, "")
	data["BulkStatusOptions"] = caseOptionsHTML(caseStatusOptions(""), "status:")
	data["BulkPeopleOptions"] = caseOptionsHTML(caseAssigneeOptions(staff, ""), "assign:")
	data["Tabs"] = []caseOption{
		{base, "All cases", state.View == caseViewAll},
		{base + "?view=mine", "My cases", state.View == caseViewMine},
		{base + "?view=overdue", "Overdue", state.View == caseViewOverdue},
		{base + "?view=archived", "Archived", state.View == caseViewArchived},
	}
	data["BoardURL"] = base + "/board"
	data["NewURL"] = base + "/new"
	if state.Client != "" {
		data["NewURL"] = base + "/new?client=" + url.QueryEscape(state.Client)
	}
	return h.page(c, "pages/cases/index", data)
}

// CasesExport downloads the cases the viewer may see under the list's
// current view and filters as CSV.
func (h *Handlers) CasesExport(c *fiber.Ctx) error {
	t, me := tenantOf(c), userOf(c)
	v, state, err := h.caseListRequest(c)
	if err != nil {
		return err
	}
	f := state.filter(me.ID, h.caseToday())
	f.After = ""
	header := []string{"Number", "Title", "Client", "Status", "Priority", "Assignee", "Due date", "Labels", "Description", "Created", "Updated", "Closed"}
	name := agencyOf(c).Slug + "-cases-" + h.caseToday() + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return t.EachCase(c.UserContext(), v, f, func(k *db.Case) error {
			closed := ""
			if !k.ClosedAt.IsZero() {
				closed = k.ClosedAt.Format("2006-01-02 15:04")
			}
			return write([]string{db.CaseNumber(k.Number), k.Title, k.ClientName, db.CaseStatusLabel(k.Status), db.CasePriorityLabel(k.Priority),
				k.AssigneeName, k.DueDate, strings.Join(k.Labels, ", "), k.Description,
				k.CreatedAt.Format("2006-01-02 15:04"), k.UpdatedAt.Format("2006-01-02 15:04"), closed})
		})
	})
}
