package db

import (
	"bytes"
	"strings"

	"mintedmind/billing"
)

// lines splits a multi-line setting into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Document is the invoice as its PDF prints it: the operator sells, the
// agency buys. Prices are final (no VAT line is added: the operator sets
// prices as charged).
func (inv *SubscriptionInvoice) Document(s SubscriptionSettings, buyerEmail string) billing.Document {
	line := billing.Line{Description: inv.PlanName + " plan, " + inv.PeriodStart.UTC().Format(billing.DateLayout) + " to " + inv.PeriodEnd.UTC().Format(billing.DateLayout),
		QuantityMilli: 1000, UnitPrice: inv.Amount}
	d := billing.Document{Title: "Invoice", Number: inv.Number, IssueDate: inv.IssuedAt.UTC().Format(billing.DateLayout), DueDate: inv.DueAt.UTC().Format(billing.DateLayout),
		Currency: inv.Currency, Seller: billing.Party{Name: s.SellerName, Address: lines(s.SellerAddress), CompanyCode: s.SellerCompany, VATNumber: s.SellerVAT},
		Buyer: billing.Party{Name: inv.AgencyName, Email: buyerEmail}, BankDetails: lines(s.BankDetails),
		Lines: []billing.Line{line}, Totals: billing.Compute([]billing.Line{line}), Created: inv.IssuedAt}
	switch inv.Status {
	case SubInvoicePaid:
		d.Status, d.Paid = "PAID", inv.Amount
	case SubInvoiceVoid:
		d.Status = "VOID"
	}
	return d
}

// PDF renders the invoice's PDF.
func (inv *SubscriptionInvoice) PDF(s SubscriptionSettings, buyerEmail string) ([]byte, error) {
	var b bytes.Buffer
	if err := billing.WritePDF(&b, inv.Document(s, buyerEmail)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Filename is the PDF's file name.
func (inv *SubscriptionInvoice) Filename() string { return inv.Number + ".pdf" }
