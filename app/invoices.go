package app

// Sending an agency's invoice: its PDF, emailed to the client with the PDF
// attached, and the note to the client's portal contacts. The handlers (the
// "Email" button, issuing) and the jobs (recurring invoices, overdue
// reminders) share these.

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// Templates of views/emails for invoices.
const (
	TemplateInvoice         = "invoice"
	TemplateInvoiceReminder = "invoice-reminder"
)

// Mailer queues an email with files (mail.Mailer is one).
type Mailer interface {
	QueueWithAttachments(ctx context.Context, agencyID, to, template string, data any, atts []control.EmailAttachment) error
}

// InvoiceDocument is an invoice as its PDF prints it. Issued invoices print
// their seller and buyer as they were when issued; bank details are the
// agency's current ones.
func InvoiceDocument(inv *tenant.Invoice, s tenant.BillingSettings, agencyName string, payments ...tenant.Payment) invoicepdf.Document {
	return InvoiceDocumentIn(i18n.English, inv, s, agencyName, payments...)
}

// InvoiceDocumentIn is InvoiceDocument with its words and amounts in
// language lang (the client's, tenant.Store.DocumentLanguage).
func InvoiceDocumentIn(lang string, inv *tenant.Invoice, s tenant.BillingSettings, agencyName string, payments ...tenant.Payment) invoicepdf.Document {
	T := func(id string, args ...any) string { return i18n.T(lang, "pdf."+id, args...) }
	d := invoicepdf.Document{Lang: lang, Title: T("Invoice"), Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
		Seller: inv.Seller, Buyer: inv.Buyer, Lines: inv.Lines, Totals: inv.Totals(), TotalDiscountBP: inv.DiscountBP, Paid: inv.Paid, Notes: inv.Notes,
		TaxNotes: billing.TaxNotes(inv.Lines)}
	if inv.Kind == tenant.KindCreditNote {
		d.Title, d.DueDate, d.Paid = T("Credit note"), "", 0
		if inv.CreditForNumber != "" {
			d.Reference = T("Credits invoice", "Number", inv.CreditForNumber)
		}
	}
	switch inv.Status {
	case tenant.InvoiceDraft:
		d.Number, d.Status = T("DRAFT"), T("DRAFT")
		d.Seller = tenant.SellerOf(s, agencyName)
		d.Buyer = billing.Party{Name: inv.ClientName}
	case tenant.InvoicePaid:
		d.Status = T("PAID")
	case tenant.InvoicePartiallyPaid:
		d.Status = T("PARTLY PAID")
	case tenant.InvoiceVoid:
		d.Status = T("VOID", "Reason", inv.VoidReason)
	}
	if d.Seller.Name == "" {
		d.Seller.Name = agencyName
	}
	for _, l := range strings.Split(s.BankDetails, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			d.BankDetails = append(d.BankDetails, l)
		}
	}
	if inv.Open() && inv.Outstanding() > 0 && inv.Number != "" {
		key := "Pay to the account"
		if len(d.BankDetails) == 0 {
			key = "Pay with reference"
		}
		d.PaymentReference = T(key, "Amount", documentMoney(lang, inv.Outstanding(), inv.Currency), "Number", inv.Number)
		d.EPCPayload = invoiceEPCPayload(inv, s, d.Seller.Name)
	}
	for _, p := range payments {
		d.Payments = append(d.Payments, invoicepdf.PaymentLine{Date: p.PaidOn, Method: tenant.PaymentMethodLabel(p.Method), Reference: p.Reference, Amount: p.Amount})
	}
	d.Logo = s.Logo
	d.Created = inv.IssuedAt
	if d.Created.IsZero() {
		d.Created = inv.CreatedAt
	}
	return d
}

// invoiceEPCPayload is the EPC QR code's text for paying what inv still
// owes by SEPA credit transfer: only in EUR, and only when the agency's
// bank details carry a valid IBAN; "" otherwise.
func invoiceEPCPayload(inv *tenant.Invoice, s tenant.BillingSettings, beneficiary string) string {
	if inv.Currency != "EUR" {
		return ""
	}
	iban, bic := billing.FindIBAN(s.BankDetails)
	if iban == "" {
		return ""
	}
	if s.LegalName != "" {
		beneficiary = s.LegalName
	}
	payload, err := billing.EPCPayload(billing.EPCPayment{Name: beneficiary, IBAN: iban, BIC: bic, Amount: inv.Outstanding(), Reference: inv.Number})
	if err != nil {
		return ""
	}
	return payload
}

// InvoicePayURL is where a client contact pays an invoice online: its page
// in the portal (after signing in), which has the Pay button.
func InvoicePayURL(baseURL, slug, invoiceID string) string {
	return baseURL + "/a/" + slug + "/portal/invoices/" + invoiceID
}

// InvoicePDF renders the invoice's PDF, with the payments received so far
// (and no link to pay online: InvoicePayablePDF).
func InvoicePDF(inv *tenant.Invoice, s tenant.BillingSettings, agencyName string, payments ...tenant.Payment) ([]byte, error) {
	return InvoicePayablePDF(inv, s, agencyName, "", payments...)
}

// InvoicePayablePDF is InvoicePDF with, while the invoice is owed and the
// agency's Paysera is set up, the link to pay it online (payURL,
// InvoicePayURL).
func InvoicePayablePDF(inv *tenant.Invoice, s tenant.BillingSettings, agencyName, payURL string, payments ...tenant.Payment) ([]byte, error) {
	return InvoicePayablePDFIn(i18n.English, inv, s, agencyName, payURL, payments...)
}

// InvoicePayablePDFIn is InvoicePayablePDF in language lang.
func InvoicePayablePDFIn(lang string, inv *tenant.Invoice, s tenant.BillingSettings, agencyName, payURL string, payments ...tenant.Payment) ([]byte, error) {
	var b bytes.Buffer
	d := InvoiceDocumentIn(lang, inv, s, agencyName, payments...)
	if d.PaymentReference != "" && s.PayseraReady() {
		d.PayOnline = payURL
	}
	if err := invoicepdf.Write(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// InvoiceFilename is the invoice PDF's file name.
func InvoiceFilename(inv *tenant.Invoice) string {
	name := inv.Number
	if name == "" {
		name = "draft-" + inv.ID[:8]
	}
	return strings.NewReplacer("/", "-", "#", "-", " ", "-", `"`, "-", `\`, "-").Replace(name) + ".pdf"
}

// InvoiceLoginLink is where an invoice email sends the client: the
// agency's sign-in page, then the portal.
func InvoiceLoginLink(baseURL string, a *control.Agency) string {
	return baseURL + "/a/" + a.Slug + "/login"
}

// SendInvoice queues the invoice email (TemplateInvoice, or TemplateInvoiceReminder with
// the days late) with the PDF attached to the client's first email address,
// then records when it was sent and audits it (sent gets the invoice as its
// target) in one transaction. baseURL makes the email's link.
func SendInvoice(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, template, baseURL string, daysLate int, sent tenant.Audit) error {
	if inv.Status == tenant.InvoiceDraft || inv.Status == tenant.InvoiceVoid {
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
	lang, err := t.DocumentLanguage(ctx, inv.ClientID) // the client's, else the agency's
	if err != nil {
		return err
	}
	pdf, err := InvoicePayablePDFIn(lang, inv, s, a.Name, InvoicePayURL(baseURL, a.Slug, inv.ID), payments...)
	if err != nil {
		return err
	}
	title, article, credit := i18n.T(lang, "pdf.Invoice"), "an", false
	if inv.Kind == tenant.KindCreditNote {
		title, article, credit = i18n.T(lang, "pdf.Credit note"), "a", true
	}
	due := inv.DueDate
	if inv.Kind == tenant.KindCreditNote || !inv.Open() {
		due = ""
	}
	data := map[string]any{"Lang": lang, "Credit": credit, "AgencyName": a.Name, "ClientName": inv.ClientName, "Title": title, "TitleLower": strings.ToLower(title), "Article": article,
		"Number": inv.Number, "IssueDate": inv.IssueDate, "DueDate": due, "Total": documentMoney(lang, inv.Total, inv.Currency),
		"Outstanding": documentMoney(lang, inv.Outstanding(), inv.Currency), "BankDetails": strings.TrimSpace(s.BankDetails), "DaysLate": daysLate,
		"Link": InvoiceLoginLink(baseURL, a)}
	att := []control.EmailAttachment{{Filename: InvoiceFilename(inv), ContentType: "application/pdf", Data: pdf}}
	if err := m.QueueWithAttachments(ctx, a.ID, to, template, data, att); err != nil {
		return err
	}
	return t.MarkInvoiceSent(ctx, inv.ID, sent)
}

// TemplateContactInvoice tells a client's portal contacts of a new invoice.
const TemplateContactInvoice = "client-invoice"

// InvoicePortalLink is the invoice's page in the agency's client portal.
func InvoicePortalLink(baseURL string, a *control.Agency, inv *tenant.Invoice) string {
	return baseURL + "/a/" + a.Slug + "/portal/invoices/" + inv.ID
}

// NotifyInvoiceContacts emails each active portal contact of the invoice's client
// who has not turned these emails off that the invoice was issued, with a
// link to it in the portal (no attachment: the portal has the PDF). Staff
// issuing an invoice and the recurring job both call it.
func NotifyInvoiceContacts(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, baseURL string) error {
	contacts, err := emailedContacts(ctx, t, inv.ClientID)
	if err != nil {
		return err
	}
	data := map[string]any{"AgencyName": a.Name, "Number": inv.Number, "Total": billing.FormatMoney(inv.Total, inv.Currency),
		"DueDate": inv.DueDate, "Link": InvoicePortalLink(baseURL, a, inv)}
	om, optOut := m.(optOutMailer)
	var secret []byte
	if optOut {
		if secret, err = om.UnsubscribeSecret(ctx); err != nil {
			return err
		}
	}
	for _, u := range contacts {
		if optOut { // with its one-click opt-out (app.Notify)
			if _, err := Notify(ctx, om, a, t, u, Notification{Secret: secret, BaseURL: baseURL, Kind: tenant.EmailCaseUpdates,
				Template: TemplateContactInvoice, Data: data}); err != nil {
				return err
			}
			continue
		}
		if err := m.QueueWithAttachments(ctx, a.ID, u.Email, TemplateContactInvoice, data, nil); err != nil {
			return err
		}
	}
	return nil
}

// Delivery is what emailing an invoice just issued did. The invoice stays
// issued whatever failed: the caller logs or counts the errors.
type Delivery struct {
	Contacts error // telling the client's portal contacts
	Client   error // sending the invoice with its PDF to the client
	Sent     bool  // the client's address was sent the invoice
}

// DeliverIssued emails an invoice just issued: each of the client's portal
// contacts who wants such emails gets a note with its portal link
// (NotifyInvoiceContacts) and, with toClient, the client's address gets
// the invoice with its PDF (SendInvoice, audited with sent). Staff issuing
// a draft (IssueInvoice) and the recurring job both deliver through it.
func DeliverIssued(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, inv *tenant.Invoice, baseURL string, toClient bool, sent tenant.Audit) Delivery {
	var d Delivery
	if m == nil {
		d.Contacts = errNoMailer
		if toClient {
			d.Client = errNoMailer
		}
		return d
	}
	d.Contacts = NotifyInvoiceContacts(ctx, m, a, t, inv, baseURL)
	if toClient {
		d.Client = SendInvoice(ctx, m, a, t, inv, TemplateInvoice, baseURL, 0, sent)
		d.Sent = d.Client == nil
	}
	return d
}

// IssueInvoice issues one of the agency's drafts v may see (numbered, and
// audited with issued in the same transaction) and, after the commit,
// delivers it as DeliverIssued does: the client's portal contacts are told
// (staff send the PDF to the client's address with the "Email" button).
// An error issuing is returned as the error; what the delivery did, with
// its errors, as the Delivery.
func IssueInvoice(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, id, baseURL string, issued tenant.Audit) (*tenant.Invoice, Delivery, error) {
	inv, err := t.IssueInvoice(ctx, v, actor, a.Name, id, issued)
	if err != nil {
		return nil, Delivery{}, err
	}
	return inv, DeliverIssued(ctx, m, a, t, inv, baseURL, false, tenant.Audit{}), nil
}

// errNoMailer is a delivery's error when there is no mailer that attaches files.
var errNoMailer = errors.New("app: no mailer that attaches files")

// documentMoney is an amount as a document in lang writes it: English
// keeps billing's "1,911.50 EUR", lt "1 911,50 €", de "1.911,50 €".
func documentMoney(lang string, minor int64, currency string) string {
	if lang == "" || lang == i18n.English {
		return billing.FormatMoney(minor, currency)
	}
	return i18n.Money(lang, minor, currency)
}
