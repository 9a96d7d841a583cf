package handlers

import (
	"context"
	"time"

	"mintedmind/billing"
	"mintedmind/db/control"
)

// trialsEndingWithin is how far ahead the console lists trials ending.
const trialsEndingWithin = 7 * 24 * time.Hour

// operatorRevenue is the console's revenue summary (issue 22 point 6):
// the monthly recurring revenue per currency, the trials ending within a
// week and the agencies past due, each linked to its agency page.
type operatorRevenue struct {
	MRR          []operatorMRR
	TrialsEnding []operatorDue
	PastDue      []operatorDue
}

// operatorMRR is one currency's MRR.
type operatorMRR struct {
	Amount   string
	Agencies int
}

// operatorDue is an agency in the summary's lists.
type operatorDue struct {
	URL, Name, Slug, PlanName string
	When                      time.Time // the trial's end, or past due since
	Owed                      string    // past due: its open subscription invoices
}

// operatorRevenue reads the summary at the clock's now.
func (p *Platform) operatorRevenue(ctx context.Context) (*operatorRevenue, error) {
	rev, err := p.Control.Revenue(ctx, p.Clock.Now(), trialsEndingWithin)
	if err != nil {
		return nil, err
	}
	out := &operatorRevenue{}
	for _, m := range rev.MRR {
		out.MRR = append(out.MRR, operatorMRR{Amount: billing.FormatMoney(m.Amount, m.Currency), Agencies: m.Agencies})
	}
	due := func(d control.AgencyDue, when time.Time) operatorDue {
		o := operatorDue{URL: "/operator/agencies/" + d.ID, Name: d.Name, Slug: d.Slug, PlanName: d.PlanName, When: when}
		if d.Owed > 0 {
			o.Owed = billing.FormatMoney(d.Owed, d.Currency)
		}
		return o
	}
	for _, d := range rev.TrialsEnding {
		out.TrialsEnding = append(out.TrialsEnding, due(d, d.Ends))
	}
	for _, d := range rev.PastDue {
		out.PastDue = append(out.PastDue, due(d, d.Since))
	}
	return out, nil
}
