// Package invoicemail renders an agency's invoice as its PDF and emails it
// to the client with the PDF attached. The handlers (the "Email" button)
// and the jobs (recurring invoices, overdue reminders) share it.
package invoicemail

import (
	"bytes"
	"context"
	"strings"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Templates of views/emails.
const (
	TemplateInvoice  = "invoice"
	TemplateReminder = "invoice-reminder"
)

// Mailer queues an email with files (mail.Mailer is one).
type Mailer interface {
	QueueWithAttachments(ctx context.Context, agencyID, to, template string, data any, atts []db.EmailAttachment) error
}

// Document is an invoice as its PDF prints it. Issued invoices print
// their seller and buyer as they were when issued; bank details are the
// agency's current ones.
func Document(inv *db.Invoice, s db.BillingSettings, agencyName string, payments ...db.Payment) billing.Document {
	d := billing.Document{Title: "Invoice", Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
		Seller: inv.Seller, Buyer: inv.Buyer, Lines: inv.Lines, Totals: billing.Compute(inv.Lines), Paid: inv.Paid, Notes: inv.Notes}
	if inv.Kind == db.KindCreditNote {
		d.Title, d.DueDate, d.Paid = "Credit note", "", 0
		if inv.CreditForNumber != "" {
			d.Reference = "Credits invoice " + inv.CreditForNumber
		}
	}
	switch inv.Status {
	case db.InvoiceDraft:
		d.Number, d.Status = "DRAFT", "DRAFT"
		d.Seller = db.SellerOf(s, agencyName)
		d.Buyer = billing.Party{Name: inv.ClientName}
	case db.InvoicePaid:
		d.Status = "PAID"
	case db.InvoiceVoid:
		d.Status = "VOID: " + inv.VoidReason
	}
	if d.Seller.Name == "" {
		d.Seller.Name = agencyName
	}
	for _, l := range strings.Split(s.BankDetails, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			d.BankDetails = append(d.BankDetails, l)
		}
	}
	for _, p := range payments {
		d.Payments = append(d.Payments, billing.PaymentLine{Date: p.PaidOn, Method: db.PaymentMethodLabel(p.Method), Reference: p.Reference, Amount: p.Amount})
	}
	d.Logo = s.Logo
	d.Created = inv.IssuedAt
	if d.Created.IsZero() {
		d.Created = inv.CreatedAt
	}
	return d
}

// PDF renders the invoice's PDF, with the payments received so far.
func PDF(inv *db.Invoice, s db.BillingSettings, agencyName string, payments ...db.Payment) ([]byte, error) {
	var b bytes.Buffer
	if err := billing.WritePDF(&b, Document(inv, s, agencyName, payments...)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Filename is the PDF's file name.
func Filename(inv *db.Invoice) string {
	name := inv.Number
	if name == "" {
		name = "draft-" + inv.ID[:8]
	}
	return strings.NewReplacer("/", "-", "#", "-", " ", "-", `"`, "-", `\`, "-").Replace(name) + ".pdf"
}

// Send queues the invoice email (TemplateInvoice, or TemplateReminder with
// the days late) with the PDF attached to the client's first email address,
// and records when it was sent. link is where the client can see it.
func Send(ctx context.Context, m Mailer, a *db.Agency, t *db.Tenant, inv *db.Invoice, template, link string, daysLate int) error {
	if inv.Status == db.InvoiceDraft || inv.Status == db.InvoiceVoid {
		return apperr.New(apperr.Conflict, "Only an issued invoice is sent: issue the draft first.")
	}
	to, err := t.ClientEmail(ctx, inv.ClientID)
	if err != nil {
		return err
	}
	if to == "" {
		return apperr.New(apperr.Invalid, "%s has no email address: add one on the client's page first.", inv.ClientName)
	}
	s, err := t.BillingSettings(ctx)
	if err != nil {
		return err
	}
	if s.Logo, err = t.PDFLogo(ctx); err != nil {
		return err
	}
	payments, err := t.InvoicePayments(ctx, inv.ID)
	if err != nil {
		return err
	}
	pdf, err := PDF(inv, s, a.Name, payments...)
	if err != nil {
		return err
	}
	title, article := "Invoice", "an"
	if inv.Kind == db.KindCreditNote {
		title, article = "Credit note", "a"
	}
	due := inv.DueDate
	if inv.Kind == db.KindCreditNote || !inv.Open() {
		due = ""
	}
	data := map[string]any{"AgencyName": a.Name, "ClientName": inv.ClientName, "Title": title, "TitleLower": strings.ToLower(title), "Article": article,
		"Number": inv.Number, "IssueDate": inv.IssueDate, "DueDate": due, "Total": billing.FormatMoney(inv.Total, inv.Currency),
		"Outstanding": billing.FormatMoney(inv.Outstanding(), inv.Currency), "BankDetails": strings.TrimSpace(s.BankDetails), "DaysLate": daysLate,
		"Link": link}
	att := []db.EmailAttachment{{Filename: Filename(inv), ContentType: "application/pdf", Data: pdf}}
	if err := m.QueueWithAttachments(ctx, a.ID, to, template, data, att); err != nil {
		return err
	}
	return t.MarkInvoiceSent(ctx, inv.ID)
}

// TemplateContactInvoice tells a client's portal contacts of a new invoice.
const TemplateContactInvoice = "client-invoice"

// PortalLink is the invoice's page in the agency's client portal.
func PortalLink(baseURL string, a *db.Agency, inv *db.Invoice) string {
	return baseURL + "/a/" + a.Slug + "/portal/invoices/" + inv.ID
}

// NotifyContacts emails each active portal contact of the invoice's client
// who has not turned these emails off that the invoice was issued, with a
// link to it in the portal (no attachment: the portal has the PDF). Staff
// issuing an invoice and the recurring job both call it.
func NotifyContacts(ctx context.Context, m Mailer, a *db.Agency, t *db.Tenant, inv *db.Invoice, baseURL string) error {
	contacts, err := t.ActiveContacts(ctx, inv.ClientID)
	if err != nil {
		return err
	}
	data := map[string]any{"AgencyName": a.Name, "Number": inv.Number, "Total": billing.FormatMoney(inv.Total, inv.Currency),
		"DueDate": inv.DueDate, "Link": PortalLink(baseURL, a, inv)}
	for _, u := range contacts {
		ok, err := t.WantsEmail(ctx, u.ID, db.EmailCaseUpdates)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := m.QueueWithAttachments(ctx, a.ID, u.Email, TemplateContactInvoice, data, nil); err != nil {
			return err
		}
	}
	return nil
}
