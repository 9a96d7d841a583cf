package handlers

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// casePageSize is how many rows the case list shows at a time.
const casePageSize = 50

// Case list views.
const (
	caseViewAll      = "all"
	caseViewMine     = "mine"
	caseViewOverdue  = "overdue"
	caseViewArchived = "archived" // closed cases the retention job archived
	caseViewWeek     = "week"     // open cases due from today to six days on
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
func (h *Handlers) caseListRequest(c *fiber.Ctx, r *Request) (tenant.Viewer, caseListState, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return tenant.Viewer{}, caseListState{}, err
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
	case caseViewAll, caseViewMine, caseViewOverdue, caseViewArchived, caseViewWeek:
	default:
		return s, apperr.New(apperr.Invalid, "Unknown view %q: choose mine, all or overdue.", caseClip(s.View, 20))
	}
	if s.Status != "" && s.Status != "open" && !tenant.ValidCaseStatus(s.Status) {
		return s, apperr.New(apperr.Invalid, "%s", tenant.UnknownStatusMessage(s.Status))
	}
	if s.Assignee != "" && s.Assignee != "none" && uuid.Validate(s.Assignee) != nil {
		return s, apperr.New(apperr.Invalid, "Unknown assignee in the filter.")
	}
	if s.Client != "" && uuid.Validate(s.Client) != nil {
		return s, apperr.New(apperr.Invalid, "Unknown client in the filter.")
	}
	if len(s.Label) > 4*tenant.CaseLabelMax {
		return s, apperr.New(apperr.Invalid, "A label has at most %d characters.", tenant.CaseLabelMax)
	}
	if s.Sort != "" {
		ok := false
		for _, v := range tenant.CaseSorts {
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
	case s.View == caseViewOverdue, s.View == caseViewWeek:
		return tenant.CaseSortDue
	}
	return tenant.CaseSortUpdated
}

// filter turns the state into a query for the viewer me on the day today.
func (s caseListState) filter(me, today string) tenant.CaseFilter {
	f := tenant.CaseFilter{ClientID: s.Client, Label: s.Label, Sort: s.sort(), After: s.After, Limit: casePageSize}
	switch s.Status {
	case "":
	case "open":
		f.Statuses = tenant.OpenCaseStatuses
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
	case caseViewWeek:
		f.DueFrom, f.DueBefore = today, dayAfter(today, 7)
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
func caseBase(r *Request) string { return "/a/" + r.Agency.Slug + "/cases" }

// caseActor is the signed-in person as the case history names them.
func caseActor(r *Request) tenant.Actor {
	if r.Token != nil {
		return tenant.Actor{ID: r.User.ID, Name: apiActorName(r)}
	}
	return tenant.Actor{ID: r.User.ID, Name: r.User.Name}
}

// caseToday is the agency's date now, in its time zone ("2006-01-02"):
// what due dates are compared with.
func (h *Handlers) caseToday(r *Request) string {
	zone := tenant.DefaultTimeZone
	if s, err := r.Settings(context.Background()); err == nil { // read once per request; a failed read is UTC, and fails the page elsewhere
		zone = s.TimeZone
	}
	return i18n.Today(h.Clock.Now(), zone)
}

// dayAfter is the calendar day n days after day (both YYYY-MM-DD).
func dayAfter(day string, n int) string {
	t, err := time.Parse(tenant.DueDateLayout, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(tenant.DueDateLayout)
}

func caseStatusOptions(lang, selected string) []option {
	out := make([]option, len(tenant.CaseStatuses))
	for i, s := range tenant.CaseStatuses {
		out[i] = option{s, caseStatusText(lang, s), s == selected}
	}
	return out
}

func casePriorityOptions(lang, selected string) []option {
	out := make([]option, len(tenant.CasePriorities))
	for i, p := range tenant.CasePriorities {
		out[i] = option{p, casePriorityText(lang, p), p == selected}
	}
	return out
}

// caseAssigneeOptions offers the active staff, and the selected person
// even if their account was disabled since.
func caseAssigneeOptions(staff []tenant.CaseStaffMember, selected string) []option {
	out := make([]option, 0, len(staff))
	for _, m := range staff {
		if m.Active || m.ID == selected {
			out = append(out, option{m.ID, m.Name, m.ID == selected})
		}
	}
	return out
}

// casesIndexView is the case list page; a filter or "Load more" request
// gets its results partial alone, from the same view model.
type casesIndexView struct {
	Page
	Base       string
	State      caseListState
	Tabs       []option
	BoardURL   string
	NewURL     string
	ClientName string // of the client filter
	AllClients string // the list without the client filter
	Return     string

	StatusOptions, PeopleOptions, SortOptions, BulkStatusOptions, BulkPeopleOptions []option

	Results caseRowsView
	First   string // the first page, when on a later one
	Export  string
}

// CasesIndex lists the cases the viewer may see: a view (mine, all,
// overdue), filters, an order and a page, all in the URL. A plain htmx
// request (filters, "load more") gets the results alone.
func (h *Handlers) CasesIndex(c *fiber.Ctx, r *Request) error {
	v, state, err := h.caseListRequest(c, r)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	today := h.caseToday(r)
	rows, next, err := r.Tenant.Cases(ctx, v, state.filter(r.User.ID, today))
	if err != nil {
		return err
	}
	staff, err := r.Tenant.CaseStaff(ctx)
	if err != nil {
		return err
	}
	base := caseBase(r)
	nextURL := ""
	if next != "" {
		nextURL = base + state.query(next)
	}
	view := &casesIndexView{Page: Page{Title: "nav.Cases"}, Base: base, State: state, Export: base + "/export.csv" + state.query(""), Return: base + state.query("")}
	if view.Results, err = h.renderCaseRows(r.Lang(), caseRowViews(r.Lang(), base, today, rows, caseStaffNames(staff)), nextURL); err != nil {
		return err
	}
	if state.After != "" {
		view.First = base + state.query("")
	}
	if wantsFragment(c) {
		if c.Get("HX-Target") == "case-results" {
			// The filter form pushes this state into the history: the
			// canonical URL, not the form's every empty field.
			c.Set("HX-Push-Url", base+state.query(""))
		}
		return h.fragment(c, "partials/cases/results", view)
	}
	view.NewURL = base + "/new"
	if state.Client != "" {
		all := state
		all.Client = ""
		view.AllClients = base + all.query("")
		if ref, err := r.Tenant.CaseClient(ctx, v, state.Client); err == nil {
			view.ClientName = ref.Name
		}
		view.NewURL = base + "/new?client=" + url.QueryEscape(state.Client)
	}
	view.PeopleOptions = caseAssigneeOptions(staff, state.Assignee)
	view.StatusOptions = caseStatusOptions(r.Lang(), state.Status)
	view.SortOptions = translated(r.Lang(), []option{
		{tenant.CaseSortUpdated, "Recently updated", state.sort() == tenant.CaseSortUpdated},
		{tenant.CaseSortNewest, "Newest first", state.sort() == tenant.CaseSortNewest},
		{tenant.CaseSortOldest, "Oldest first", state.sort() == tenant.CaseSortOldest},
		{tenant.CaseSortDue, "Due soonest", state.sort() == tenant.CaseSortDue},
	})
	view.BulkStatusOptions = prefixed("status:", caseStatusOptions(r.Lang(), ""))
	view.BulkPeopleOptions = prefixed("assign:", caseAssigneeOptions(staff, ""))
	view.Tabs = translated(r.Lang(), []option{
		{base, "All cases", state.View == caseViewAll},
		{base + "?view=mine", "My cases", state.View == caseViewMine},
		{base + "?view=overdue", "Overdue", state.View == caseViewOverdue},
		{base + "?view=week", "Due this week", state.View == caseViewWeek},
		{base + "?view=archived", "Archived", state.View == caseViewArchived},
	})
	view.BoardURL = base + "/board"
	return h.page(c, "pages/cases/index", view)
}

// prefixed is options with prefix before each value (the bulk menu's
// "status:" and "assign:" choices).
func prefixed(prefix string, options []option) []option {
	for i := range options {
		options[i].Value = prefix + options[i].Value
	}
	return options
}

// CasesExport downloads the cases the viewer may see under the list's
// current view and filters as CSV.
func (h *Handlers) CasesExport(c *fiber.Ctx, r *Request) error {
	v, state, err := h.caseListRequest(c, r)
	if err != nil {
		return err
	}
	f := state.filter(r.User.ID, h.caseToday(r))
	f.After = ""
	header := []string{"Number", "Title", "Client", "Status", "Priority", "Assignee", "Due date", "Labels", "Description", "Created", "Updated", "Closed"}
	name := r.Agency.Slug + "-cases-" + h.caseToday(r) + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return r.Tenant.EachCase(c.UserContext(), v, f, func(k *tenant.Case) error {
			closed := ""
			if !k.ClosedAt.IsZero() {
				closed = k.ClosedAt.Format("2006-01-02 15:04")
			}
			return write([]string{tenant.CaseNumber(k.Number), k.Title, k.ClientName, tenant.CaseStatusLabel(k.Status), tenant.CasePriorityLabel(k.Priority),
				k.AssigneeName, k.DueDate, strings.Join(k.Labels, ", "), k.Description,
				k.CreatedAt.Format("2006-01-02 15:04"), k.UpdatedAt.Format("2006-01-02 15:04"), closed})
		})
	})
}
