package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"mintedmind/db/control"
)

// The console's revenue (issue 22 point 6): MRR is the net monthly price
// of every active or past-due agency on a priced plan (a yearly price a
// twelfth a month; trials, suspended agencies and free plans bring
// nothing), then the trials ending within a week and the past-due
// agencies, each linked to its page.
func TestOperatorRevenue(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	monthly := e.mustSignup(t, "rev-monthly")
	studio := e.mustPlanFor(t, monthly, control.Plan{Name: "Studio", MonthlyPrice: 2900, YearlyPrice: 29000, StaffSeats: 5})
	e.setStatus(t, monthly, control.AgencyActive)
	yearly := e.mustSignup(t, "rev-yearly")
	big := e.mustPlanFor(t, yearly, control.Plan{Name: "Big", MonthlyPrice: 12000, YearlyPrice: 120000})
	if err := e.control.SetAgencyPlan(ctx, yearly.ID, big.ID, control.IntervalYear); err != nil {
		t.Fatal(err)
	}
	e.setStatus(t, yearly, control.AgencyActive)
	late := e.mustSignup(t, "rev-late")
	if err := e.control.SetAgencyPlan(ctx, late.ID, studio.ID, control.IntervalMonth); err != nil {
		t.Fatal(err)
	}
	e.setStatus(t, late, control.AgencyPastDue)
	suspended := e.mustSignup(t, "rev-suspended")
	if err := e.control.SetAgencyPlan(ctx, suspended.ID, studio.ID, control.IntervalMonth); err != nil {
		t.Fatal(err)
	}
	e.setStatus(t, suspended, control.AgencySuspended)
	ending := e.mustSignup(t, "rev-ending") // a trial ending in 3 days
	if _, err := e.control.Write().Exec(`UPDATE agencies SET period_end = ? WHERE id = ?`, e.clock.Now().Add(72*time.Hour).Unix(), ending.ID); err != nil {
		t.Fatal(err)
	}
	later := e.mustSignup(t, "rev-later") // a trial ending in a month
	if _, err := e.control.Write().Exec(`UPDATE agencies SET period_end = ? WHERE id = ?`, e.clock.Now().AddDate(0, 1, 0).Unix(), later.ID); err != nil {
		t.Fatal(err)
	}

	op := e.mustOperator(t)
	res := op.get("/operator")
	wantStatus(t, res, http.StatusOK)
	for _, s := range []string{
		"<dt>Monthly recurring revenue</dt><dd>158.00 EUR <small>(3 paying agencies)</small></dd>", // 29.00 + 1,200.00 / 12 + 29.00
		"<dt>Trials ending within a week</dt><dd>1</dd>",
		"<dt>Past due</dt><dd>1</dd>",
		`<a href="/operator/agencies/` + ending.ID + `">` + ending.Name + `</a> (` + ending.Slug + `) · `,
		`<a href="/operator/agencies/` + late.ID + `">` + late.Name + `</a> (` + late.Slug + `) · Studio · past due since`,
	} {
		wantContains(t, res, s)
	}
	wantLacks(t, res, `href="/operator/agencies/`+later.ID+`">`+later.Name+`</a> (`+later.Slug+`) ·`)

	if got := control.MonthlyPrice(2900, 29000, control.IntervalYear); got != 2416 {
		t.Errorf("a yearly 290.00 is %d a month, want 2416 (rounded down)", got)
	}
}
