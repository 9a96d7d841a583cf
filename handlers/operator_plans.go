package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/i18n"
)

// planRow is a plan as the console lists it.
type planRow struct {
	*control.Plan
	Monthly, Yearly, Seats, Clients, Storage, Retention string
	Agencies                                            int
}

// OperatorPlans lists the plans with how many agencies are on each.
func (h *Handlers) OperatorPlans(c *fiber.Ctx) error {
	ctx := c.UserContext()
	plans, err := h.Control.Plans(ctx)
	if err != nil {
		return err
	}
	counts, err := h.Control.PlanAgencyCounts(ctx)
	if err != nil {
		return err
	}
	rows := make([]planRow, len(plans))
	for i, p := range plans {
		rows[i] = planRow{Plan: p, Monthly: billing.FormatMoney(p.MonthlyPrice, p.Currency), Yearly: billing.FormatMoney(p.YearlyPrice, p.Currency),
			Seats: limitText(i18n.English, p.StaffSeats, false), Clients: limitText(i18n.English, p.MaxClients, false), Storage: limitText(i18n.English, p.StorageBytes, true),
			Retention: limitText(i18n.English, p.CaseRetentionDays, false), Agencies: counts[p.ID]}
	}
	return h.page(c, "pages/operator/plans", &operatorPlansView{Page: Page{Title: "Plans"}, Plans: rows, SelfHosted: h.Config.SelfHosted})
}

// operatorPlansView is the console's list of plans.
type operatorPlansView struct {
	Page
	Plans      []planRow
	SelfHosted bool
}

// planForm is the plan form as typed: prices as decimals, storage in GiB.
type planForm struct {
	Name, Monthly, Yearly, Currency, Seats, Clients, StorageGiB, Retention, Trial, Position string
	IsDefault                                                                               bool
}

func planFormOf(p *control.Plan) planForm {
	return planForm{Name: p.Name, Monthly: billing.FormatMinor(p.MonthlyPrice), Yearly: billing.FormatMinor(p.YearlyPrice), Currency: p.Currency,
		Seats: strconv.FormatInt(p.StaffSeats, 10), Clients: strconv.FormatInt(p.MaxClients, 10), StorageGiB: strconv.FormatInt(p.StorageBytes>>30, 10),
		Retention: strconv.FormatInt(p.CaseRetentionDays, 10), Trial: strconv.FormatInt(p.TrialDays, 10), Position: strconv.FormatInt(p.Position, 10), IsDefault: p.IsDefault}
}

func parsePlanForm(c *fiber.Ctx) planForm {
	return planForm{Name: formValue(c, "name"), Monthly: formValue(c, "monthly_price"), Yearly: formValue(c, "yearly_price"),
		Currency: strings.ToUpper(formValue(c, "currency")), Seats: formValue(c, "staff_seats"), Clients: formValue(c, "max_clients"),
		StorageGiB: formValue(c, "storage_gib"), Retention: formValue(c, "case_retention_days"), Trial: formValue(c, "trial_days"),
		Position: formValue(c, "position"), IsDefault: c.FormValue("is_default") == "1"}
}

// plan reads the form into p, with a message per field that is not a number.
func (f planForm) plan(p *control.Plan) error {
	errs := map[string]string{}
	p.Name, p.Currency, p.IsDefault = f.Name, f.Currency, f.IsDefault
	price := func(field, s string) int64 {
		if s == "" {
			return 0
		}
		v, err := billing.ParseDecimal(s, 2, 100_000_000)
		if err != nil {
			errs[field] = "Enter a price such as 19 or 19.90."
		}
		return v
	}
	whole := func(field, s string, max int64) int64 {
		if s == "" {
			return 0
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 || v > max {
			errs[field] = "Enter a whole number from 0 to " + strconv.FormatInt(max, 10) + "."
		}
		return v
	}
	p.MonthlyPrice = price("monthly_price", f.Monthly)
	p.YearlyPrice = price("yearly_price", f.Yearly)
	p.StaffSeats = whole("staff_seats", f.Seats, 100_000)
	p.MaxClients = whole("max_clients", f.Clients, 100_000_000)
	p.StorageBytes = whole("storage_gib", f.StorageGiB, 1<<20) << 30
	p.CaseRetentionDays = whole("case_retention_days", f.Retention, 100*365)
	p.TrialDays = whole("trial_days", f.Trial, 365)
	p.Position = whole("position", f.Position, 1000)
	if err := apperr.FieldErrors(errs); err != nil {
		return err
	}
	return control.ValidatePlan(p)
}

// OperatorPlanNew shows the form for a new plan.
func (h *Handlers) OperatorPlanNew(c *fiber.Ctx) error {
	form := planForm{Currency: "EUR", Seats: "0", Clients: "0", StorageGiB: "0", Retention: "0", Trial: "14", Position: "10"}
	return h.formPage(c, "pages/operator/plan", "pages/operator/plan", newPlanFormView(form), nil)
}

// planFormView is the form of a new plan or of one plan's edit.
type planFormView struct {
	Page
	FormErrors
	Action string
	Form   planForm
}

func newPlanFormView(f planForm) *planFormView {
	return &planFormView{Page: Page{Title: "New plan"}, Action: "/operator/plans", Form: f}
}

func editPlanFormView(p *control.Plan, f planForm) *planFormView {
	return &planFormView{Page: Page{Title: "Plan " + p.Name}, Action: "/operator/plans/" + p.ID, Form: f}
}

// OperatorPlanCreate adds a plan.
func (h *Handlers) OperatorPlanCreate(c *fiber.Ctx) error {
	f := parsePlanForm(c)
	p := &control.Plan{}
	err := f.plan(p)
	if err == nil {
		err = h.Control.CreatePlan(c.UserContext(), p)
	}
	if err != nil {
		return h.formPage(c, "pages/operator/plan", "pages/operator/plan", newPlanFormView(f), err)
	}
	if err := h.operatorAudit(c, "plan.created", "", p.Name); err != nil {
		return err
	}
	h.flash(c, "Plan "+p.Name+" was added.")
	return h.redirect(c, "/operator/plans")
}

// OperatorPlanEdit shows a plan's form.
func (h *Handlers) OperatorPlanEdit(c *fiber.Ctx) error {
	p, err := h.Control.PlanByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/operator/plan", "pages/operator/plan", editPlanFormView(p, planFormOf(p)), nil)
}

// OperatorPlanUpdate saves a plan: its limits apply to its agencies at
// once, its prices from their next period.
func (h *Handlers) OperatorPlanUpdate(c *fiber.Ctx) error {
	p, err := h.Control.PlanByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	f := parsePlanForm(c)
	err = f.plan(p)
	if err == nil {
		err = h.Control.UpdatePlan(c.UserContext(), p)
	}
	if err != nil {
		return h.formPage(c, "pages/operator/plan", "pages/operator/plan", editPlanFormView(p, f), err)
	}
	if err := h.operatorAudit(c, "plan.updated", "", p.Name); err != nil {
		return err
	}
	h.flash(c, "Plan "+p.Name+" was saved.")
	return h.redirect(c, "/operator/plans")
}
