package app

import (
	"bytes"
	"context"
	"strings"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
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
// it: the operator sells (its current seller details), the agency buys
// (its legal details as its billing settings had them when the invoice was
// issued), VAT at the rate and with the note the operator's settings had
// then. An open invoice says how to pay: the bank details and the
// reference, and the online payment when the operator's Paysera is set up.
func SubscriptionInvoiceDocument(inv *control.SubscriptionInvoice, s control.SubscriptionSettings, paid int64, buyerEmail string) invoicepdf.Document {
	line := inv.Line()
	buyer := inv.Buyer
	if buyer.Name == "" {
		buyer.Name = inv.AgencyName
	}
	buyer.Email = buyerEmail
	d := invoicepdf.Document{Title: "Invoice", Number: inv.Number, IssueDate: inv.IssuedAt.UTC().Format(billing.DateLayout), DueDate: inv.DueAt.UTC().Format(billing.DateLayout),
		Currency: inv.Currency, Seller: billing.Party{Name: s.SellerName, Address: lines(s.SellerAddress), CompanyCode: s.SellerCompany, VATNumber: s.SellerVAT},
		Buyer: buyer, BankDetails: lines(s.BankDetails), Notes: inv.VATNote,
		Lines: []billing.Line{line}, Totals: billing.Compute([]billing.Line{line}), Paid: paid, Created: inv.IssuedAt}
	switch inv.Status {
	case control.SubInvoicePaid:
		d.Status, d.Paid = "PAID", inv.Amount
	case control.SubInvoiceVoid:
		d.Status = "VOID"
	default:
		if paid > 0 {
			d.Status = "PARTLY PAID"
		}
		d.PaymentReference = SubscriptionPaymentLine(inv, s, paid)
	}
	return d
}

// SubscriptionPaymentLine tells the agency how to pay what an open
// subscription invoice still owes: to the operator's bank account with the
// invoice number as the reference, or online from the Plan page.
func SubscriptionPaymentLine(inv *control.SubscriptionInvoice, s control.SubscriptionSettings, paid int64) string {
	owed := billing.FormatMoney(inv.Amount-paid, inv.Currency)
	switch {
	case strings.TrimSpace(s.BankDetails) != "" && s.PayseraReady():
		return "Pay " + owed + " to the account above with reference " + inv.Number + ", or online on your Plan page."
	case strings.TrimSpace(s.BankDetails) != "":
		return "Pay " + owed + " to the account above with reference " + inv.Number + "."
	case s.PayseraReady():
		return "Pay " + owed + " online on your Plan page."
	}
	return ""
}

// SubscriptionBuyer reads the agency's legal details from its billing
// settings, as a subscription invoice names the buyer.
func SubscriptionBuyer(t *tenant.Store) control.BuyerFunc {
	return func(ctx context.Context) (billing.Party, error) {
		b, err := t.BillingSettings(ctx)
		if err != nil {
			return billing.Party{}, err
		}
		return billing.Party{Name: b.LegalName, Address: lines(b.Address), CompanyCode: b.CompanyCode, VATNumber: b.VATNumber}, nil
	}
}

// SubscriptionInvoicePDF renders a subscription invoice's PDF.
func SubscriptionInvoicePDF(inv *control.SubscriptionInvoice, s control.SubscriptionSettings, paid int64, buyerEmail string) ([]byte, error) {
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, SubscriptionInvoiceDocument(inv, s, paid, buyerEmail)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SubscriptionInvoiceFilename is a subscription invoice PDF's file name.
func SubscriptionInvoiceFilename(inv *control.SubscriptionInvoice) string { return inv.Number + ".pdf" }
