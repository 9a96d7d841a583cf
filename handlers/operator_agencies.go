package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/files"
)

// agencyStats are the counts the console shows of an agency: never its
// clients or cases themselves.
type agencyStats struct {
	Staff, Contacts, Clients int64
	Storage                  string
	Known                    bool // false: the agency's database is archived, deleted or on another machine
}

// statsOf opens an agency's database for its counts.
func (p *Platform) statsOf(ctx context.Context, a *control.Agency) (agencyStats, error) {
	held, err := p.holder().Holds(ctx, a.ID)
	if err != nil {
		return agencyStats{}, err
	}
	if _, degraded := p.monitor.Degraded(a.ID); degraded || !a.Usable() || !held {
		return agencyStats{Storage: "—"}, nil
	}
	t, release, err := p.pool.Acquire(ctx, a.ID)
	if err != nil {
		return agencyStats{}, err
	}
	defer release()
	u, err := t.PlanUsage(ctx)
	if err != nil {
		return agencyStats{}, err
	}
	staff, contacts, err := t.UserCounts(ctx)
	if err != nil {
		return agencyStats{}, err
	}
	return agencyStats{Staff: staff, Contacts: contacts, Clients: u.Clients, Storage: files.ByteSize(u.StorageBytes), Known: true}, nil
}

// agencyStatsTTL is how long the console's agency list reuses an agency's
// counts: without it, every view of the list opened the database of every
// agency listed (about 0.3 s for 100 agencies not open yet). An agency's
// own page always counts afresh.
const agencyStatsTTL = time.Minute

// statsCache keeps agencies' counts for agencyStatsTTL.
type statsCache struct {
	mu sync.Mutex
	m  map[string]cachedStats
}

type cachedStats struct {
	stats agencyStats
	at    time.Time
}

func (s *statsCache) get(id string, now time.Time) (agencyStats, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[id]
	if !ok || now.Sub(e.at) >= agencyStatsTTL || now.Before(e.at) {
		return agencyStats{}, false
	}
	return e.stats, true
}

func (s *statsCache) put(id string, st agencyStats, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || len(s.m) >= 10000 {
		s.m = map[string]cachedStats{}
	}
	s.m[id] = cachedStats{st, now}
}

// operatorAgencyRow is one line of the console's agency list.
type operatorAgencyRow struct {
	*control.AgencyRow
	StatusLabel string
	Stats       agencyStats
}

// operatorListLimit is how many agencies one search shows.
const operatorListLimit = 100

// OperatorHome lists the hosted agencies with their plan, status, counts,
// storage and last activity; q searches names and addresses.
func (p *Platform) OperatorHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	q := c.Query("q")
	if len(q) > 100 {
		q = q[:100]
	}
	rows, err := p.Control.SearchAgencies(ctx, q, operatorListLimit)
	if err != nil {
		return err
	}
	out := make([]operatorAgencyRow, len(rows))
	for i, r := range rows {
		out[i] = operatorAgencyRow{AgencyRow: r, StatusLabel: control.StatusLabel(r.Status)}
		st, ok := p.consoleCounts.get(r.ID, p.Clock.Now())
		if !ok {
			// Opening the databases side by side was no faster on two CPUs
			// (BenchmarkOperatorHome): one after the other.
			var err error
			if st, err = p.statsOf(ctx, &r.Agency); err != nil {
				p.logger(c).Warn("operator: agency counts", "agency_id", r.ID, "err", err)
				st = agencyStats{Storage: "?"}
			} else {
				p.consoleCounts.put(r.ID, st, p.Clock.Now())
			}
		}
		out[i].Stats = st
	}
	billingOn, err := p.plans.BillingEnabled(ctx)
	if err != nil {
		return err
	}
	view := &operatorHomeView{Page: Page{Title: "Operator console"}, Agencies: out, Query: q,
		Capped: len(rows) == operatorListLimit, BillingOn: billingOn, SelfHosted: p.Config.SelfHosted, Storage: p.consoleStorage()}
	if billingOn && !p.Config.SelfHosted {
		if view.Revenue, err = p.operatorRevenue(ctx); err != nil {
			return err
		}
	}
	return p.page(c, "pages/operator/index", view)
}

// operatorHomeView is the console's agency list.
type operatorHomeView struct {
	Page
	Agencies   []operatorAgencyRow
	Query      string
	Capped     bool // the list stops at operatorListLimit
	BillingOn  bool
	SelfHosted bool
	Storage    consoleStorage   // free space, read-only volumes, degraded agencies (operator_health.go)
	Revenue    *operatorRevenue // MRR, trials ending and past-due agencies (operator_revenue.go); nil while billing is off
}

// lifecycleAction is one thing the operator can do to an agency's status.
type lifecycleAction struct {
	Value, Label, Help string
}

// lifecycleActions lists the actions open to an agency in status.
func lifecycleActions(status string) []lifecycleAction {
	var out []lifecycleAction
	add := func(to string, a lifecycleAction) {
		if control.CanTransition(status, to) {
			out = append(out, a)
		}
	}
	if status == control.AgencyArchived {
		add(control.AgencyActive, lifecycleAction{"restore", "Restore", "Unpack its database and files; it becomes active."})
		add(control.AgencyDeleted, lifecycleAction{"delete", "Delete for good", "Remove its database, files and archive. This cannot be undone."})
		return out
	}
	add(control.AgencyActive, lifecycleAction{"activate", "Activate", "End a trial, or lift a suspension or past-due status by hand."})
	add(control.AgencySuspended, lifecycleAction{"suspend", "Suspend", "Staff can read but change nothing; clients keep a read-only portal."})
	add(control.AgencyArchived, lifecycleAction{"archive", "Archive", "Pack its database and files away; nobody can sign in."})
	return out
}

// OperatorAgency shows one agency: its plan, status, counts, subscription
// invoices and payments, the lifecycle actions and the audit of them.
func (p *Platform) OperatorAgency(c *fiber.Ctx) error {
	return p.operatorAgencyPage(c, nil)
}

func (p *Platform) operatorAgencyPage(c *fiber.Ctx, formErr error) error {
	ctx := c.UserContext()
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	sub, err := p.Control.Subscription(ctx, a.ID)
	if err != nil {
		return err
	}
	var plan, next *control.Plan
	if sub.PlanID != "" {
		if plan, err = p.Control.PlanByID(ctx, sub.PlanID); err != nil {
			return err
		}
	}
	if sub.NextPlanID != "" {
		next, _ = p.Control.PlanByID(ctx, sub.NextPlanID)
	}
	stats, err := p.statsOf(ctx, a)
	if err != nil {
		return err
	}
	p.consoleCounts.put(a.ID, stats, p.Clock.Now())
	plans, err := p.Control.Plans(ctx)
	if err != nil {
		return err
	}
	invoices, err := p.Control.SubscriptionInvoices(ctx, a.ID, 100)
	if err != nil {
		return err
	}
	payments, err := p.Control.SubscriptionPayments(ctx, a.ID, 100)
	if err != nil {
		return err
	}
	audit, err := p.Control.OperatorAudit(ctx, a.ID, 50)
	if err != nil {
		return err
	}
	view := &operatorAgencyView{Page: Page{Title: a.Name}, A: a, StatusLabel: control.StatusLabel(a.Status), Sub: sub, Plan: plan, NextPlan: next, Stats: stats,
		PlanOptions: agencyPlanOptions(plans, plan), IntervalOptions: subscriptionIntervalOptions(sub.Interval),
		Invoices: subInvoiceRows(invoices), Payments: paymentRows(payments), Audit: operatorAuditRows(audit), Actions: lifecycleActions(a.Status),
		Health: p.agencyHealth(ctx, a)}
	return p.formPage(c, "pages/operator/agency", "pages/operator/agency", view, formErr)
}

// operatorAgencyView is the console's page of one agency.
type operatorAgencyView struct {
	Page
	FormErrors
	A               *control.Agency
	StatusLabel     string
	Sub             *control.Subscription
	Plan, NextPlan  *control.Plan // nil: none
	Stats           agencyStats
	PlanOptions     []option
	IntervalOptions []option
	Invoices        []subInvoiceRow
	Payments        []paymentRow
	Audit           []operatorAuditRow // as sentences (operator_audit.go)
	Actions         []lifecycleAction
	Health          agencyHealthView // degraded, and how to restore it (operator_health.go)
}

// SubInvoices is the agency's invoice table, whose payment buttons come back here.
func (v *operatorAgencyView) SubInvoices() subInvoicesView {
	return subInvoicesView{Invoices: v.Invoices, CSRF: v.CSRF, Back: "agency"}
}

// agencyPlanOptions is the plan menu, the agency's plan chosen.
func agencyPlanOptions(plans []*control.Plan, current *control.Plan) []option {
	out := make([]option, len(plans))
	for i, p := range plans {
		out[i] = option{Value: p.ID, Label: p.Name, Selected: current != nil && p.ID == current.ID}
	}
	return out
}

// subscriptionIntervalOptions is the billing interval menu.
func subscriptionIntervalOptions(interval string) []option {
	return []option{{Value: control.IntervalMonth, Label: "Monthly"}, {Value: control.IntervalYear, Label: "Yearly", Selected: interval == control.IntervalYear}}
}

// OperatorAgencyLifecycle carries out a lifecycle action the operator
// confirmed by typing the agency's address (app.AgencyLifecycle acts), and
// records it in the operator audit log.
func (p *Platform) OperatorAgencyLifecycle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	action := formValue(c, "action")
	if formValue(c, "confirm") != a.Slug {
		return p.operatorAgencyPage(c, invalidField("confirm", "Type the agency's address, "+a.Slug+", to confirm."))
	}
	to, err := app.AgencyLifecycle(ctx, p.Control, p.pool, a, action)
	if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
		return p.operatorAgencyPage(c, err)
	} else if err != nil {
		return err
	}
	if err := p.operatorAudit(c, "agency."+action, a.ID, control.StatusLabel(a.Status)+" → "+control.StatusLabel(to)); err != nil {
		return err
	}
	p.Log.Info("operator lifecycle action", "agency_id", a.ID, "action", action, "from", a.Status, "to", to, "operator", operatorOf(c).ID)
	p.flash(c, a.Name+" is now "+control.StatusLabel(to)+".")
	if to == control.AgencyDeleted {
		return p.redirect(c, "/operator")
	}
	return p.redirect(c, "/operator/agencies/"+a.ID)
}

// OperatorAgencyPlan puts an agency on a plan at once, whatever it uses.
func (p *Platform) OperatorAgencyPlan(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	plan, err := p.Control.PlanByID(ctx, formValue(c, "plan"))
	if apperr.Is(err, apperr.NotFound) {
		return p.operatorAgencyPage(c, invalidField("plan", "Choose one of the plans."))
	}
	if err != nil {
		return err
	}
	interval := formValue(c, "interval")
	if err := p.Control.SetAgencyPlan(ctx, a.ID, plan.ID, interval); err != nil {
		return p.operatorAgencyPage(c, err)
	}
	if err := p.operatorAudit(c, "agency.plan", a.ID, plan.Name+" ("+interval+"ly)"); err != nil {
		return err
	}
	p.flash(c, a.Name+" is on "+plan.Name+" now.")
	return p.redirect(c, "/operator/agencies/"+a.ID)
}

// operatorAudit writes the operator audit log entry for this request.
func (h *Handlers) operatorAudit(c *fiber.Ctx, action, agencyID, detail string) error {
	op := operatorOf(c)
	return h.Control.RecordOperatorAudit(c.UserContext(), control.OperatorAuditEntry{OperatorID: op.ID, OperatorName: op.Name, Action: action, AgencyID: agencyID, Detail: detail})
}
