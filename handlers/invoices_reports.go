package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db"
)

// outstandingView is a row of the outstanding report in display form.
type outstandingView struct {
	ClientURL, ClientName string
	ByAge                 []string
	Total                 string
	IsTotal               bool
}

// InvoiceReports shows what is outstanding by client and age, and what
// was paid per month.
func (h *Handlers) InvoiceReports(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	t := tenantOf(c)
	today, _ := billing.ParseDate(h.invoiceToday())
	rows, err := t.Outstanding(c.UserContext(), v, today)
	if err != nil {
		return err
	}
	var out []outstandingView
	for _, r := range rows {
		ov := outstandingView{ClientName: r.ClientName, Total: billing.FormatMoney(r.Total, r.Currency), IsTotal: r.ClientID == ""}
		if ov.IsTotal {
			ov.ClientName = "Total " + r.Currency
		} else {
			ov.ClientURL = "/a/" + agencyOf(c).Slug + "/clients/" + r.ClientID + "?tab=invoices"
		}
		for _, a := range r.ByAge {
			ov.ByAge = append(ov.ByAge, billing.FormatMoney(a, r.Currency))
		}
		out = append(out, ov)
	}
	months, err := t.PaidPerMonth(c.UserContext(), v)
	if err != nil {
		return err
	}
	type monthView struct{ Month, Amount, Count string }
	var mv []monthView
	for _, m := range months {
		mv = append(mv, monthView{m.Month, billing.FormatMoney(m.Amount, m.Currency), strconv.Itoa(m.Count)})
	}
	return h.mapPage(c, "pages/invoices/reports", fiber.Map{"Title": "Billing reports", "Outstanding": out, "Buckets": db.AgeBuckets,
		"Months": mv, "Base": invoiceBase(c)})
}

// InvoicesExport downloads every invoice the viewer may see as CSV.
func (h *Handlers) InvoicesExport(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	header := []string{"Number", "Kind", "Status", "Client", "Case", "Issue date", "Due date", "Currency", "VAT", "Total", "Paid", "Owed"}
	name := agencyOf(c).Slug + "-invoices-" + h.invoiceToday() + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return tenantOf(c).EachInvoice(c.UserContext(), v, func(r db.InvoiceRow, caseNumber, vat int64) error {
			kase := ""
			if caseNumber > 0 {
				kase = db.CaseNumber(caseNumber)
			}
			number := r.Number
			if number == "" {
				number = "draft"
			}
			return write([]string{number, r.Kind, r.Status, r.ClientName, kase, r.IssueDate, r.DueDate, r.Currency,
				billing.FormatMinor(vat), billing.FormatMinor(r.Total), billing.FormatMinor(r.Paid), billing.FormatMinor(r.Total - r.Paid)})
		})
	})
}

// PaymentsExport downloads every payment the viewer may see as CSV.
func (h *Handlers) PaymentsExport(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	header := []string{"Date", "Invoice", "Client", "Amount", "Currency", "Method", "Reference", "Recorded by", "Recorded at"}
	name := agencyOf(c).Slug + "-payments-" + h.invoiceToday() + ".csv"
	return sendCSV(c, name, header, func(write func([]string) error) error {
		return tenantOf(c).EachPayment(c.UserContext(), v, func(p db.PaymentRow) error {
			return write([]string{p.PaidOn, p.InvoiceNumber, p.ClientName, billing.FormatMinor(p.Amount), p.Currency, db.PaymentMethodLabel(p.Method),
				p.Reference, p.RecordedBy, p.CreatedAt.Format("2006-01-02 15:04")})
		})
	})
}
