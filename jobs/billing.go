package jobs

import (
	"context"
	"strings"
	"time"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// Billing job names.
const (
	JobRecurringInvoices = "recurring-invoices"
	JobInvoiceReminders  = "invoice-reminders"
)

// AddBilling registers the billing jobs: recurring invoices (hourly, so a
// period is issued within the hour of its day starting, and a run after
// downtime catches up) and overdue reminders (daily). mailer sends the
// invoices and reminders with their PDFs; baseURL makes the links in them.
func (r *Runner) AddBilling(mailer app.Mailer, baseURL string) {
	b := &billingJobs{r: r, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/")}
	r.add(Job{Name: JobRecurringInvoices, Schedule: "@hourly", Run: b.recurring})
	r.add(Job{Name: JobInvoiceReminders, Schedule: "0 8 * * *", Run: b.reminders})
}

type billingJobs struct {
	r       *Runner
	mailer  app.Mailer
	baseURL string
}

// agencyToday is the agency's date now, in its time zone (the store's
// clock is the runner's): at 00:30 in Vilnius the new day's invoices and
// reminders are due there.
func agencyToday(ctx context.Context, t *tenant.Store) (time.Time, error) {
	day, err := t.Today(ctx)
	if err != nil {
		return time.Time{}, err
	}
	d, _ := billing.ParseDate(day)
	return d, nil
}

// recurring issues every due period of every agency's recurring invoices
// (each once: see tenant.GenerateRecurring) and delivers each as staff's
// issue does (app.DeliverIssued): the client's portal contacts are told,
// and the ones set to send go to the client with the PDF. A failed email
// is counted and logged: the invoice stays issued.
func (b *billingJobs) recurring(ctx context.Context, run *control.JobRun) error {
	return b.r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
		today, err := agencyToday(ctx, t)
		if err != nil {
			return err
		}
		n, err := t.GenerateRecurring(ctx, today, a.Name, func(g tenant.GeneratedInvoice) {
			b.r.publishCase(ctx, t, g.CaseID, true) // invoice issued: client-visible, as the issue form's notice
			if b.mailer == nil {
				return // nothing to deliver: the invoice need not be read back
			}
			inv, err := t.InvoiceForPayment(ctx, g.InvoiceID)
			if err != nil {
				run.Counts["send_errors"]++
				b.r.log.Warn("load recurring invoice", "agency_id", a.ID, "invoice", g.InvoiceID, "err", err)
				return
			}
			d := app.DeliverIssued(ctx, b.mailer, a, t, inv, b.baseURL, g.AutoSend, tenant.Audit{ActorName: "Recurring invoice", Action: "invoice.sent"})
			if d.Contacts != nil {
				run.Counts["contact_errors"]++
				b.r.log.Warn("tell contacts of recurring invoice", "agency_id", a.ID, "invoice", g.InvoiceID, "err", d.Contacts)
			}
			if d.Client != nil {
				run.Counts["send_errors"]++
				b.r.log.Warn("send recurring invoice", "agency_id", a.ID, "invoice", g.InvoiceID, "err", d.Client)
			}
			if d.Sent {
				run.Counts["sent"]++
			}
		})
		run.Counts["invoices"] += int64(n)
		return err
	})
}

// reminders emails one reminder per step (days after the due date) per
// overdue invoice, with the PDF.
func (b *billingJobs) reminders(ctx context.Context, run *control.JobRun) error {
	return b.r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
		today, err := agencyToday(ctx, t)
		if err != nil {
			return err
		}
		s, err := t.BillingSettings(ctx)
		if err != nil {
			return err
		}
		due, err := t.ClaimReminders(ctx, today, s.ReminderDays)
		if err != nil {
			return err
		}
		for _, d := range due {
			inv, err := t.InvoiceForPayment(ctx, d.InvoiceID)
			if err == nil && b.mailer != nil {
				late := int(today.Sub(mustDate(inv.DueDate)).Hours() / 24)
				err = app.SendInvoice(ctx, b.mailer, a, t, inv, app.TemplateInvoiceReminder, b.baseURL, late,
					tenant.Audit{ActorName: "Invoice reminders", Action: "invoice.reminder_sent"})
			}
			if err != nil {
				run.Counts["send_errors"]++
				b.r.log.Warn("send invoice reminder", "agency_id", a.ID, "invoice", d.InvoiceID, "err", err)
				continue
			}
			run.Counts["reminders"]++
		}
		return nil
	})
}

func mustDate(s string) time.Time {
	d, _ := billing.ParseDate(s)
	return d
}

// forEachAgencyWith is forEachAgency with the agency itself.
func (r *Runner) forEachAgencyWith(ctx context.Context, run *control.JobRun, fn func(a *control.Agency, t *tenant.Store) error) error {
	agencies, err := r.control.Agencies(ctx)
	if err != nil {
		return err
	}
	byID := make(map[string]*control.Agency, len(agencies))
	for _, a := range agencies {
		byID[a.ID] = a
	}
	return r.forEachAgency(ctx, run, func(t *tenant.Store) error { return fn(byID[t.AgencyID], t) })
}
