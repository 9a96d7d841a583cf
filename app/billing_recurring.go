package app

import (
	"context"
	"errors"
	"time"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// IssueDueRecurring issues schedule id's periods due by today (a schedule
// that starts today issues its first invoice at once) and delivers each as
// the recurring job does (DeliverIssued: contacts told, and the ones set
// to send emailed with the PDF); m nil delivers nothing. It returns how
// many were issued; delivery failures are joined into deliverErr (the
// invoices stay issued).
func IssueDueRecurring(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, id string, today time.Time, baseURL string) (issued int, deliverErr, err error) {
	var errs []error
	issued, err = t.GenerateRecurringSchedule(ctx, id, today, a.Name, func(g tenant.GeneratedInvoice) {
		if m == nil {
			return
		}
		inv, err := t.InvoiceForPayment(ctx, g.InvoiceID)
		if err != nil {
			errs = append(errs, err)
			return
		}
		d := DeliverIssued(ctx, m, a, t, inv, baseURL, g.AutoSend, tenant.Audit{ActorName: "Recurring invoice", Action: "invoice.sent"})
		errs = append(errs, d.Contacts, d.Client)
	})
	return issued, errors.Join(errs...), err
}
