package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// outstandingView is a row of the outstanding report in display form.
type outstandingView struct {
	ClientURL, ClientName string
	ByAge                 []amount
	Total                 amount
	IsTotal               bool
}

// paidMonthView is a row of the paid-per-month report in display form.
type paidMonthView struct {
	Month  string
	Amount amount
	Count  int
}

// invoiceReportsView is the billing reports page.
type invoiceReportsView struct {
	Page
	Base        string
	Buckets     []string // the outstanding report's age columns
	Outstanding []outstandingView
	Months      []paidMonthView
}

// InvoiceReports shows what is outstanding by client and age, and what
// was paid per month.
func (h *Handlers) InvoiceReports(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t := r.Tenant
	today, _ := billing.ParseDate(h.invoiceToday(r))
	rows, err := t.Outstanding(c.UserContext(), v, today)
	if err != nil {
		return err
	}
	view := &invoiceReportsView{Page: Page{Title: "inv.reports_title"}, Base: invoiceBase(r)}
	for _, b := range tenant.AgeBuckets { // each its own catalogue id
		view.Buckets = append(view.Buckets, i18n.T(r.Lang(), b))
	}
	for _, row := range rows {
		ov := outstandingView{ClientName: row.ClientName, Total: r.money(row.Total, row.Currency), IsTotal: row.ClientID == ""}
		if ov.IsTotal {
			ov.ClientName = i18n.T(r.Lang(), "inv.total_in", "Currency", row.Currency)
		} else {
			ov.ClientURL = "/a/" + r.Agency.Slug + "/clients/" + row.ClientID + "?tab=invoices"
		}
		for _, a := range row.ByAge {
			ov.ByAge = append(ov.ByAge, r.money(a, row.Currency))
		}
		view.Outstanding = append(view.Outstanding, ov)
	}
	months, err := t.PaidPerMonth(c.UserContext(), v)
	if err != nil {
		return err
	}
	for _, m := range months {
		view.Months = append(view.Months, paidMonthView{m.Month, r.money(m.Amount, m.Currency), m.Count})
	}
	return h.page(c, "pages/invoices/reports", view)
}

// InvoicesExport downloads every invoice the viewer may see as CSV.
func (h *Handlers) InvoicesExport(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	header := []string{"Number", "Kind", "Status", "Client", "Case", "Issue date", "Due date", "Currency", "VAT", "Total", "Paid", "Owed"}
	name := r.Agency.Slug + "-invoices-" + h.invoiceToday(r) + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return r.Tenant.EachInvoice(c.UserContext(), v, func(row tenant.InvoiceRow, caseNumber, vat int64) error {
			kase := ""
			if caseNumber > 0 {
				kase = tenant.CaseNumber(caseNumber)
			}
			number := row.Number
			if number == "" {
				number = "draft"
			}
			return write([]string{number, row.Kind, row.Status, row.ClientName, kase, row.IssueDate, row.DueDate, row.Currency,
				billing.FormatMinor(vat), billing.FormatMinor(row.Total), billing.FormatMinor(row.Paid), billing.FormatMinor(row.Total - row.Paid)})
		})
	})
}

// PaymentsExport downloads every payment the viewer may see as CSV.
func (h *Handlers) PaymentsExport(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	header := []string{"Date", "Invoice", "Client", "Amount", "Currency", "Method", "Reference", "Recorded by", "Recorded at"}
	name := r.Agency.Slug + "-payments-" + h.invoiceToday(r) + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return r.Tenant.EachPayment(c.UserContext(), v, func(p tenant.PaymentRow) error {
			return write([]string{p.PaidOn, p.InvoiceNumber, p.ClientName, billing.FormatMinor(p.Amount), p.Currency, tenant.PaymentMethodLabel(p.Method),
				p.Reference, p.RecordedBy, p.CreatedAt.Format("2006-01-02 15:04")})
		})
	})
}
