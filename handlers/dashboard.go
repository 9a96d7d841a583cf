package handlers

import (
	"fmt"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// dashboardView is the staff start page, for views/pages/dashboard/index.html:
// a new agency's first steps, then the person's work, what clients sent,
// the subscription and the weeks' activity.
type dashboardView struct {
	Page
	Checklist       []checkItem // the first steps, for owners and admins until all are done; nil: none to show
	ChecklistDone   int
	Counts          []dashboardCount
	StaffCount      int    // the people the Team page lists
	TeamURL         string // the Team page, for those who may open it; empty: not theirs
	ClientUserCount int    // client contacts with a sign-in
	ClientActivity  []tenant.ClientActivityCase
	CasesBase       string // a case's address is CasesBase + its id
	Subscription    *dashboardSubscription
	Chart           activityChart
	Tasks           dashboardTasks // the person's tasks due this week and overdue (tasks_mine.go)
	Glance          *moneyGlanceView
}

// checkItem is one step of the onboarding checklist.
type checkItem struct {
	Label, Hint, URL string
	Done             bool
}

// dashboardCount is one figure of the start page and the list it counts.
type dashboardCount struct {
	Label string
	N     int
	URL   string // the case list showing exactly these cases
	Alert bool   // worth attention when not zero (overdue)
}

// dashboardSubscription is the trial or subscription state.
type dashboardSubscription struct {
	Status   string // control.StatusLabel
	Plan     string
	Ends     time.Time // the trial's or the period's end; zero: none
	DaysLeft int
	Trial    bool
	PlanURL  string // the plan page, for owners; empty: not theirs to change
}

// activityChart is the weekly opened/closed chart: an SVG drawn by the
// template from these numbers, and the same numbers as a table.
type activityChart struct {
	Weeks         []chartWeek
	Max           int // the largest count, the top of the scale
	Width, Height int // the drawing's user units
	Baseline      int // the y of the zero line
	Empty         bool
}

// chartWeek is one week's two bars.
type chartWeek struct {
	Label                 string // "12 Jan"
	Opened, Closed        int
	X, ClosedX, BarWidth  int
	OpenedY, OpenedHeight int
	ClosedY, ClosedHeight int
	LabelX                int
}

// dashboardWeeks is how many weeks the activity chart shows.
const dashboardWeeks = 8

// Dashboard is the staff start page of an agency.
func (h *Handlers) Dashboard(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	base := "/a/" + r.Agency.Slug
	view := &dashboardView{Page: Page{Title: r.Agency.Name}, CasesBase: base + "/cases/"}
	if allowed(h.getAccess["/a/:slug/users"], r.User.Role) {
		view.TeamURL = base + "/users"
	}
	users, err := r.Tenant.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		// The Team page lists staff (owners, admins, staff), disabled or
		// not; client contacts are their clients' business.
		if u.IsStaff() {
			view.StaffCount++
		} else {
			view.ClientUserCount++
		}
	}
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	// Staff see what clients sent on their own cases; owners and admins, on any.
	if view.ClientActivity, err = r.Tenant.UnseenClientActivity(ctx, v, r.User.Role == tenant.RoleStaff, 10); err != nil {
		return err
	}
	if err := h.dashboardCounts(c, r, v, view); err != nil {
		return err
	}
	if view.Tasks, err = h.dashboardTasksOf(c, r, v); err != nil {
		return err
	}
	if tenant.RoleRank(r.User.Role) >= tenant.RoleRank(tenant.RoleAdmin) {
		o, err := r.Tenant.Onboarding(ctx)
		if err != nil {
			return err
		}
		if !o.Done() {
			view.Checklist = onboardingChecklist(base, o)
			for _, i := range view.Checklist {
				if i.Done {
					view.ChecklistDone++
				}
			}
		}
		if view.Subscription, err = h.dashboardSubscription(c, r); err != nil {
			return err
		}
	}
	weeks, err := r.Tenant.CaseActivity(ctx, v, h.Clock.Now(), dashboardWeeks)
	if err != nil {
		return err
	}
	view.Chart = newActivityChart(r.Lang(), weeks)
	if view.Glance, err = h.moneyGlance(c, r, v); err != nil {
		return err
	}
	return h.page(c, "pages/dashboard/index", view)
}

// dashboardCounts fills in the person's figures, each counted with the
// very filter of the case list it links to.
func (h *Handlers) dashboardCounts(c *fiber.Ctx, r *Request, v tenant.Viewer, view *dashboardView) error {
	me, today := r.User.ID, h.caseToday(r)
	base := caseBase(r)
	lists := []struct {
		label string
		state caseListState
		alert bool
	}{
		{"My open cases", caseListState{View: caseViewMine, Status: "open"}, false},
		{"My overdue cases", caseListState{View: caseViewOverdue, Assignee: me}, true},
		{"Unassigned", caseListState{View: caseViewAll, Status: "open", Assignee: "none"}, false},
		{"Due this week", caseListState{View: caseViewWeek}, false},
	}
	filters := make([]tenant.CaseFilter, len(lists))
	for i, l := range lists {
		filters[i] = l.state.filter(me, today)
	}
	counts, err := r.Tenant.CountCases(c.UserContext(), v, filters...)
	if err != nil {
		return err
	}
	for i, l := range lists {
		view.Counts = append(view.Counts, dashboardCount{Label: l.label, N: counts[i], URL: base + l.state.query(""), Alert: l.alert && counts[i] > 0})
	}
	// What clients sent, as the inbox lists it: requests nobody has taken
	// and messages the person has not read.
	inbox, err := r.Tenant.Inbox(c.UserContext(), v)
	if err != nil {
		return err
	}
	inboxURL := "/a/" + r.Agency.Slug + "/inbox"
	view.Counts = append(view.Counts,
		dashboardCount{Label: "New requests", N: inbox.Requests, URL: inboxURL + "#h-inbox-requests", Alert: inbox.Requests > 0},
		dashboardCount{Label: "New from clients", N: inbox.Messages, URL: inboxURL + "#h-inbox-messages"})
	return nil
}

// onboardingChecklist is a new agency's first steps, ticked from what it has done.
func onboardingChecklist(base string, o tenant.Onboarding) []checkItem {
	return []checkItem{
		{"Add your billing details", "Your legal name and address, printed on every invoice.", base + "/settings/billing", o.BillingDetails},
		{"Brand your portal", "Your logo and colour, for your team and your clients.", base + "/settings/branding", o.Branding},
		{"Invite your team", "Colleagues sign in with their own account and role.", base + "/users", o.TeamInvited},
		{"Add your first client", "A person or a company you work for.", base + "/clients/new", o.FirstClient},
		{"Invite a client to the portal", "On a client's page, Portal tab: they follow their cases and send documents.", base + "/clients", o.PortalInvited},
		{"Take payments with Paysera", "Clients pay invoices online; payments are recorded by themselves.", base + "/settings/billing#paysera", o.Paysera},
	}
}

// dashboardSubscription is the agency's trial or subscription, where
// agencies are billed.
func (h *Handlers) dashboardSubscription(c *fiber.Ctx, r *Request) (*dashboardSubscription, error) {
	plan, sub, err := h.agencyPlan(c.UserContext(), r.Agency)
	if err != nil || sub == nil {
		return nil, err
	}
	s := &dashboardSubscription{Status: control.StatusLabel(r.Agency.Status), Trial: r.Agency.Status == control.AgencyTrial, Ends: sub.PeriodEnd}
	if plan != nil {
		s.Plan = plan.Name
	}
	if !s.Ends.IsZero() {
		s.DaysLeft = int(math.Ceil(s.Ends.Sub(h.Clock.Now()).Hours() / 24))
		if s.DaysLeft < 0 {
			s.DaysLeft = 0
		}
	}
	if r.User.Role == tenant.RoleOwner {
		s.PlanURL = "/a/" + r.Agency.Slug + "/plan"
	}
	return s, nil
}

// The chart's drawing, in SVG user units.
const (
	chartWidth   = 640
	chartHeight  = 200
	chartTop     = 10
	chartBottom  = 170 // the zero line; the week labels go below
	chartBarGap  = 4
	chartPadding = 16
)

// newActivityChart lays out the weeks' bars: opened and closed side by side.
func newActivityChart(lang string, weeks []tenant.CaseWeek) activityChart {
	ch := activityChart{Width: chartWidth, Height: chartHeight, Baseline: chartBottom, Empty: true}
	for _, w := range weeks {
		ch.Max = max(ch.Max, w.Opened, w.Closed)
	}
	if ch.Max > 0 {
		ch.Empty = false
	}
	scale := max(ch.Max, 1)
	slot := (chartWidth - 2*chartPadding) / max(len(weeks), 1)
	bar := (slot - 3*chartBarGap) / 2
	height := func(n int) int { return n * (chartBottom - chartTop) / scale }
	for i, w := range weeks {
		x := chartPadding + i*slot + chartBarGap
		cw := chartWeek{Label: fmt.Sprintf("%d %s", w.Start.Day(), monthName(lang, w.Start.Month(), true)), Opened: w.Opened, Closed: w.Closed,
			X: x, ClosedX: x + bar + chartBarGap, BarWidth: bar, LabelX: x + bar + chartBarGap/2}
		cw.OpenedHeight, cw.ClosedHeight = height(w.Opened), height(w.Closed)
		cw.OpenedY, cw.ClosedY = chartBottom-cw.OpenedHeight, chartBottom-cw.ClosedHeight
		ch.Weeks = append(ch.Weeks, cw)
	}
	return ch
}
