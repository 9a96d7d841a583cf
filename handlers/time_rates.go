package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// ratesView is Settings → Hourly rates: each team member's rate.
type ratesView struct {
	Page
	People   []rateRowView
	Currency string
}

type rateRowView struct {
	tenant.RateMember
	Value  string
	Action string
}

func ratesBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/rates" }

// Rates lists the team's hourly rates.
func (h *Handlers) Rates(c *fiber.Ctx, r *Request) error {
	team, err := r.Tenant.TeamRates(c.UserContext())
	if err != nil {
		return err
	}
	settings, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	view := &ratesView{Page: Page{Title: "nav.Hourly rates"}, Currency: settings.Currency}
	for _, m := range team {
		view.People = append(view.People, rateRowView{RateMember: m, Value: billing.FormatMinor(m.Rate), Action: ratesBase(r) + "/" + m.ID})
	}
	return h.page(c, "pages/time/rates", view)
}

// parseRate reads an hourly rate typed as a decimal ("45", "45.50").
func parseRate(s string) (int64, error) {
	v, err := billing.ParseDecimal(strings.TrimSpace(s), 2, tenant.MaxHourlyRate)
	if err != nil {
		return 0, invalidField("rate", "Write the hourly rate as an amount, such as 45 or 45.50.")
	}
	return v, nil
}

// RateUpdate sets a team member's hourly rate, audited.
func (h *Handlers) RateUpdate(c *fiber.Ctx, r *Request) error {
	rate, err := parseRate(c.FormValue("rate"))
	if err != nil {
		return err
	}
	if err := r.Tenant.SetPersonRate(c.UserContext(), c.Params("id"), rate, auditFor(c, "rate.changed", "")); err != nil {
		return err
	}
	h.flash(c, "Hourly rate saved.")
	return h.redirect(c, ratesBase(r))
}

// CaseRateUpdate sets a case's own hourly rate, or clears it (empty: each
// person's rate), on its history and audited.
func (h *Handlers) CaseRateUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rate := int64(-1)
	if s := formValue(c, "rate"); s != "" {
		if rate, err = parseRate(s); err != nil {
			return err
		}
	}
	if err := r.Tenant.SetCaseRate(c.UserContext(), v, caseActor(r), c.Params("id"), rate, auditFor(c, "case.rate_changed", "")); err != nil {
		return err
	}
	h.flash(c, "The case's hourly rate is saved.")
	return h.redirect(c, caseBase(r)+"/"+c.Params("id")+"#time")
}
