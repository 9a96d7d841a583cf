package app

import (
	"bytes"
	"strings"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/control"
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

// SubscriptionInvoiceDocument is a subscription invoice as its PDF prints
// it: the operator sells, the agency buys. Prices are final (no VAT line is
// added: the operator sets prices as charged).
func SubscriptionInvoiceDocument(inv *control.SubscriptionInvoice, s control.SubscriptionSettings, buyerEmail string) invoicepdf.Document {
	line := billing.Line{Description: inv.PlanName + " plan, " + inv.PeriodStart.UTC().Format(billing.DateLayout) + " to " + inv.PeriodEnd.UTC().Format(billing.DateLayout),
		QuantityMilli: 1000, UnitPrice: inv.Amount}
	d := invoicepdf.Document{Title: "Invoice", Number: inv.Number, IssueDate: inv.IssuedAt.UTC().Format(billing.DateLayout), DueDate: inv.DueAt.UTC().Format(billing.DateLayout),
		Currency: inv.Currency, Seller: billing.Party{Name: s.SellerName, Address: lines(s.SellerAddress), CompanyCode: s.SellerCompany, VATNumber: s.SellerVAT},
		Buyer: billing.Party{Name: inv.AgencyName, Email: buyerEmail}, BankDetails: lines(s.BankDetails),
		Lines: []billing.Line{line}, Totals: billing.Compute([]billing.Line{line}), Created: inv.IssuedAt}
	switch inv.Status {
	case control.SubInvoicePaid:
		d.Status, d.Paid = "PAID", inv.Amount
	case control.SubInvoiceVoid:
		d.Status = "VOID"
	}
	return d
}

// SubscriptionInvoicePDF renders a subscription invoice's PDF.
func SubscriptionInvoicePDF(inv *control.SubscriptionInvoice, s control.SubscriptionSettings, buyerEmail string) ([]byte, error) {
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, SubscriptionInvoiceDocument(inv, s, buyerEmail)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SubscriptionInvoiceFilename is a subscription invoice PDF's file name.
func SubscriptionInvoiceFilename(inv *control.SubscriptionInvoice) string { return inv.Number + ".pdf" }
