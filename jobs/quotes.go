package jobs

import (
	"context"
	"strings"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// JobQuoteExpiry marks quotes past their validity date expired and
// reminds clients of quotes about to expire (issue 18).
const JobQuoteExpiry = "quote-expiry"

// AddQuoteExpiry registers the quote expiry and reminders (daily at 07:30
// UTC): each sent quote past its validity date (the agency's date) is
// expired once (tenant.ExpireQuotes), and each open quote gets one email
// per reminder step (tenant.QuoteReminderSteps, claimed once by
// tenant.ClaimQuoteReminders), so a second run the same day changes and
// sends nothing. baseURL makes the portal links.
func (r *Runner) AddQuoteExpiry(mailer Queuer, baseURL string) {
	q := &quoteExpiry{r: r, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/")}
	r.add(Job{Name: JobQuoteExpiry, Schedule: "30 7 * * *", Run: q.run})
}

type quoteExpiry struct {
	r       *Runner
	mailer  Queuer
	baseURL string
}

func (q *quoteExpiry) run(ctx context.Context, run *control.JobRun) error {
	secret, err := q.r.control.SecretKey(ctx) // for the reminders' one-click opt-out
	if err != nil {
		return err
	}
	return q.r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
		today, err := t.Today(ctx)
		if err != nil {
			return err
		}
		expired, err := t.ExpireQuotes(ctx, today)
		if err != nil {
			return err
		}
		run.Counts["expired"] += int64(len(expired))
		due, err := t.ClaimQuoteReminders(ctx, today)
		if err != nil {
			return err
		}
		for _, d := range due {
			run.Counts["reminders"]++
			contacts, err := t.ActiveContacts(ctx, d.ClientID)
			if err != nil {
				return err
			}
			for _, u := range contacts {
				if q.mailer == nil {
					continue
				}
				data := map[string]any{"AgencyName": a.Name, "Quote": d.Label, "ValidUntil": d.ValidUntil, "DaysBefore": d.DaysBefore,
					"Total": billing.FormatMoney(d.Total, d.Currency), "Link": q.baseURL + "/a/" + a.Slug + "/portal/quotes/" + d.ID}
				// A reply goes to the quote's thread, as a question asked there.
				answer := func(ctx context.Context) (string, error) {
					return app.QuoteReplyAddress(ctx, t, q.r.inboundDomain, d.ID, u.ID)
				}
				queued, err := app.Notify(ctx, q.mailer, a, t, u, app.Notification{Secret: secret, BaseURL: q.baseURL,
					Kind: tenant.EmailCaseUpdates, Template: "quote-reminder", Data: data, Answer: answer})
				if err != nil {
					run.Counts["send_errors"]++
					q.r.log.Warn("queue quote reminder", "agency_id", a.ID, "quote", d.ID, "err", err)
					continue
				}
				if queued {
					run.Counts["emails"]++
				}
			}
		}
		return nil
	})
}
