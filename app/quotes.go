package app

// A quote's PDF: the invoice PDF's layout (billing/invoicepdf) with the
// quote's chosen lines, their discounts as lines of their own, its
// validity date, terms and deposit.

import (
	"bytes"
	"fmt"
	"strings"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/tenant"
)

// QuoteDocument is a quote version as its PDF prints it.
func QuoteDocument(q *tenant.Quote, s tenant.BillingSettings, agencyName string) invoicepdf.Document {
	lines := tenant.QuoteBillingLines(q.Lines, q.DiscountBP)
	d := invoicepdf.Document{Title: "Quote", Number: q.Label(), IssueDate: q.IssueDate, Currency: q.Currency,
		Reference: "Valid until " + q.ValidUntil, Seller: q.Seller, Buyer: q.Buyer, Lines: lines, Totals: billing.Compute(lines), Logo: s.Logo,
		TaxNotes: tenant.QuoteTaxNotes(q.Lines)}
	var notes []string
	if q.Terms != "" {
		notes = append(notes, q.Terms)
	}
	if dep := q.Deposit(); dep > 0 {
		notes = append(notes, "Deposit on acceptance: "+billing.FormatMoney(dep, q.Currency)+".")
	}
	for _, l := range q.Lines {
		if l.Optional && !l.Chosen {
			notes = append(notes, fmt.Sprintf("Optional, not included: %s (%s without VAT).", l.Description, billing.FormatMoney(l.Net()-l.Discount(l.DiscountBP), q.Currency)))
		}
	}
	if a := q.Acceptance; a != nil {
		notes = append(notes, fmt.Sprintf("Accepted by %s on %s UTC. SHA-256 of the accepted document: %s", a.SignerName, a.AcceptedAt.UTC().Format("2006-01-02 15:04"), a.DocumentSHA256))
	}
	d.Notes = strings.Join(notes, "\n")
	switch q.State {
	case tenant.QuoteDraft:
		d.Status = "DRAFT"
		d.Seller = tenant.SellerOf(s, agencyName)
		d.Buyer = billing.Party{Name: q.ClientName}
		if q.Number == "" {
			d.Number = "DRAFT"
		}
	case tenant.QuoteAccepted, tenant.QuoteDeclined, tenant.QuoteWithdrawn, tenant.QuoteExpired:
		d.Status = strings.ToUpper(q.State)
	}
	if !q.SupersededAt.IsZero() {
		d.Status = "REPLACED BY A LATER VERSION"
	}
	if d.Seller.Name == "" {
		d.Seller.Name = agencyName
	}
	d.Created = q.SentAt
	if d.Created.IsZero() {
		d.Created = q.CreatedAt
	}
	return d
}

// QuotePDF renders a quote version's PDF.
func QuotePDF(q *tenant.Quote, s tenant.BillingSettings, agencyName string) ([]byte, error) {
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, QuoteDocument(q, s, agencyName)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// QuoteFilename is the quote PDF's file name.
func QuoteFilename(q *tenant.Quote) string {
	name := strings.ReplaceAll(q.Label(), " ", "-")
	if q.Number == "" {
		name = "quote-draft-" + q.ID[:8]
	}
	return strings.NewReplacer("/", "-", "#", "-", `"`, "-", `\`, "-").Replace(name) + ".pdf"
}
