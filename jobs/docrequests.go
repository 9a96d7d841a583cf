package jobs

import (
	"context"
	"strings"

	"mintedmind/app"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
)

// JobDocumentReminders emails the client's contacts about documents asked
// for (tenant.DocumentRequest) before and after their due dates.
const JobDocumentReminders = "document-reminders"

// Queuer queues an email rendered from views/emails (mail.Mailer).
type Queuer interface {
	Queue(ctx context.Context, agencyID, to, template string, data any) error
	QueueWith(ctx context.Context, agencyID, to, template string, data any, opts mail.Options) error
}

// AddDocumentReminders registers the document reminders (daily at 08:00
// UTC): one email per step of each request still to send (its due date in
// DocReminderDaysBefore days, the day after it, a week after it), each step
// claimed once (tenant.ClaimDocumentReminders), so a second run the same
// day sends nothing. baseURL makes the portal links.
func (r *Runner) AddDocumentReminders(mailer Queuer, baseURL string) {
	d := &docReminders{r: r, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/")}
	r.add(Job{Name: JobDocumentReminders, Schedule: "0 8 * * *", Run: d.run})
}

type docReminders struct {
	r       *Runner
	mailer  Queuer
	baseURL string
}

func (d *docReminders) run(ctx context.Context, run *control.JobRun) error {
	secret, err := d.r.control.SecretKey(ctx) // for the reminders' one-click opt-out
	if err != nil {
		return err
	}
	return d.r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
		today, err := t.Today(ctx) // the agency's date, in its time zone
		if err != nil {
			return err
		}
		due, err := t.ClaimDocumentReminders(ctx, today)
		if err != nil {
			return err
		}
		for _, rem := range due {
			run.Counts["reminders"]++
			d.r.publishCase(ctx, t, rem.Request.CaseID, false) // the reminder's history entry is staff-only
			contacts, err := t.CaseContacts(ctx, rem.Request.CaseID)
			if err != nil {
				return err
			}
			for _, u := range contacts {
				if d.mailer == nil {
					continue
				}
				lang, err := t.EmailLanguage(ctx, u) // theirs, else their client's, else the agency's
				if err != nil {
					return err
				}
				data := map[string]any{"Lang": lang, "AgencyName": a.Name, "Name": rem.Request.Name, "Note": rem.Request.Note, "Due": rem.Request.DueDate,
					"Late": rem.Step != tenant.ReminderBefore, "Case": tenant.CaseNumber(rem.Request.CaseNumber) + " " + rem.Request.CaseTitle,
					"Link": d.baseURL + "/a/" + a.Slug + "/portal/cases/" + rem.Request.CaseID + "#docrequests"}
				// Not sent to a contact who turned case emails off; each
				// carries the one-click opt-out (app.Notify), and answers to
				// the case when replies by email are on (a token issued only
				// for a reminder that is sent).
				caseID := rem.Request.CaseID
				answer := func(ctx context.Context) (string, error) {
					return app.ReplyAddress(ctx, t, d.r.inboundDomain, caseID, u.ID)
				}
				queued, err := app.Notify(ctx, d.mailer, a, t, u, app.Notification{Secret: secret, BaseURL: d.baseURL,
					Kind: tenant.EmailCaseUpdates, Template: "document-reminder", Data: data, Answer: answer})
				if err != nil {
					run.Counts["send_errors"]++
					d.r.log.Warn("queue document reminder", "agency_id", a.ID, "request", rem.Request.ID, "err", err)
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
