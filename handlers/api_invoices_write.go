package handlers

import (
	"regexp"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// apiInvoiceLineInput is a line of POST /api/v1/invoices and of PATCH
// /api/v1/invoices/:id, in the units the API reads lines back in.
type apiInvoiceLineInput struct {
	Description   string `json:"description"`
	QuantityMilli int64  `json:"quantity_milli"` // thousandths: 1500 is 1.5
	UnitPrice     int64  `json:"unit_price"`     // cents of the currency
	VATRateBP     int64  `json:"vat_rate_bp"`    // basis points; a tax preset's rate wins
	TaxPresetID   string `json:"tax_preset_id"`
	DiscountBP    int64  `json:"discount_bp"`
}

// apiInvoiceInput is the body of POST /api/v1/invoices: a draft. An
// issue date left out is the agency's today, a currency and terms left
// out are the billing settings' defaults, as the UI's new-invoice form
// starts; a due date sets the terms, as typing it in the form does.
type apiInvoiceInput struct {
	ClientID   string                `json:"client_id"`
	CaseID     string                `json:"case_id"`
	Currency   string                `json:"currency"`
	IssueDate  string                `json:"issue_date"`
	TermsDays  *int                  `json:"terms_days"`
	DueDate    string                `json:"due_date"`
	Notes      string                `json:"notes"`
	DiscountBP int64                 `json:"discount_bp"`
	Lines      []apiInvoiceLineInput `json:"lines"`
}

// apiInvoiceLineField renames a line's field in the stores' errors
// ("line_quantity.0") to the API's ("lines.0.quantity_milli").
var apiInvoiceLineField = regexp.MustCompile(`^line_([a-z]+)\.([0-9]+)$`)

var apiInvoiceLineFields = map[string]string{"description": "description", "quantity": "quantity_milli", "price": "unit_price",
	"vat": "vat_rate_bp", "tax": "tax_preset_id", "discount": "discount_bp"}

// apiInvoiceError renames the fields of an invalid-input error of the
// invoice store to the body's names; other errors pass unchanged.
func apiInvoiceError(err error) error {
	fields := apperr.FieldsOf(err)
	if apperr.CodeOf(err) != apperr.Invalid || len(fields) == 0 {
		return err
	}
	out := map[string]string{}
	for k, v := range fields {
		if m := apiInvoiceLineField.FindStringSubmatch(k); m != nil {
			if name, ok := apiInvoiceLineFields[m[1]]; ok {
				k = "lines." + m[2] + "." + name
			}
		} else if k == "discount" {
			k = "discount_bp"
		}
		out[k] = v
	}
	return apperr.FieldErrors(out)
}

// input is the store's invoice input of the body.
func (in apiInvoiceInput) input(s tenant.BillingSettings, today string) (tenant.InvoiceInput, error) {
	out := tenant.InvoiceInput{ClientID: in.ClientID, CaseID: in.CaseID, Currency: in.Currency, IssueDate: in.IssueDate,
		TermsDays: s.TermsDays, Notes: in.Notes, DiscountBP: in.DiscountBP}
	if out.Currency == "" {
		out.Currency = s.Currency
	}
	if out.IssueDate == "" {
		out.IssueDate = today
	}
	if in.TermsDays != nil {
		out.TermsDays = *in.TermsDays
	}
	if in.DueDate != "" {
		days, err := billing.TermsUntil(out.IssueDate, in.DueDate)
		if err != nil {
			return out, invalidField("due_date", "Due date: "+err.Error()+".")
		}
		out.TermsDays = days
	}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, billing.Line{Description: l.Description, QuantityMilli: l.QuantityMilli, UnitPrice: l.UnitPrice,
			VATRateBP: l.VATRateBP, TaxPresetID: l.TaxPresetID, DiscountBP: l.DiscountBP})
	}
	return out, nil
}

// APIInvoiceCreate is POST /api/v1/invoices: the UI's tenant.CreateInvoice
// (the same validation, tax presets and client and case checks), 201 with
// the draft, its Location and ETag.
func (h *Handlers) APIInvoiceCreate(c *fiber.Ctx, r *Request) error {
	var body apiInvoiceInput
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	in, err := body.input(s, h.invoiceToday(r))
	if err != nil {
		return err
	}
	inv, err := r.Tenant.CreateInvoice(c.UserContext(), v, caseActor(r), in)
	if err != nil {
		return apiInvoiceError(err)
	}
	return apiCreated(c, "/api/v1/invoices/"+inv.ID, apiInvoiceOf(inv))
}

// apiInvoicePatch is the body of PATCH /api/v1/invoices/:id: the fields
// of a draft to change; lines, when given, replace all its lines.
type apiInvoicePatch struct {
	ClientID   *string                `json:"client_id"`
	CaseID     *string                `json:"case_id"`
	Currency   *string                `json:"currency"`
	IssueDate  *string                `json:"issue_date"`
	TermsDays  *int                   `json:"terms_days"`
	DueDate    *string                `json:"due_date"`
	Notes      *string                `json:"notes"`
	DiscountBP *int64                 `json:"discount_bp"`
	Lines      *[]apiInvoiceLineInput `json:"lines"`
}

// APIInvoiceUpdate is PATCH /api/v1/invoices/:id: the UI's
// tenant.UpdateDraft (an issued invoice is refused there, 409), with
// If-Match as for clients (and, as for clients, the version read always
// checked by the write, which stores the draft merged from that read).
func (h *Handlers) APIInvoiceUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	var p apiInvoicePatch
	id := c.Params("id")
	old, _, err := apiPatchOf(c, &p, func(id string) (*tenant.Invoice, error) { return r.Tenant.Invoice(c.UserContext(), v, id) },
		func(inv *tenant.Invoice) any { return apiInvoiceOf(inv) }, func(inv *tenant.Invoice) int64 { return inv.Version })
	if err != nil {
		return err
	}
	body := apiInvoiceInput{ClientID: old.ClientID, CaseID: old.CaseID, Currency: old.Currency, IssueDate: old.IssueDate,
		TermsDays: &old.TermsDays, Notes: old.Notes, DiscountBP: old.DiscountBP}
	for _, l := range old.Lines {
		body.Lines = append(body.Lines, apiInvoiceLineInput{Description: l.Description, QuantityMilli: l.QuantityMilli, UnitPrice: l.UnitPrice,
			VATRateBP: l.VATRateBP, TaxPresetID: l.TaxPresetID, DiscountBP: l.DiscountBP})
	}
	setIf(&body.ClientID, p.ClientID)
	setIf(&body.CaseID, p.CaseID)
	setIf(&body.Currency, p.Currency)
	setIf(&body.IssueDate, p.IssueDate)
	setIf(&body.DueDate, p.DueDate)
	setIf(&body.Notes, p.Notes)
	setIf(&body.DiscountBP, p.DiscountBP)
	setIf(&body.Lines, p.Lines)
	if p.TermsDays != nil {
		body.TermsDays = p.TermsDays
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	in, err := body.input(s, h.invoiceToday(r))
	if err != nil {
		return err
	}
	if err := r.Tenant.UpdateDraft(c.UserContext(), v, id, old.Version, in); err != nil {
		return apiInvoiceError(err)
	}
	return h.apiInvoiceAnswer(c, r, v, id, fiber.StatusOK)
}

// APIInvoiceIssue is POST /api/v1/invoices/:id/issue: the UI's
// app.IssueInvoice (numbering, the audit entry, the client's contacts
// emailed; an email that fails is logged, the invoice stays issued).
func (h *Handlers) APIInvoiceIssue(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	m, _ := h.invoiceMailer()
	inv, d, err := app.IssueInvoice(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), h.Config.BaseURL, auditFor(c, "invoice.issued", ""))
	if err != nil {
		return err
	}
	h.publishInvoice(c, r, v, inv.ID)
	h.logFailed(c, "email the client's contacts", d.Contacts)
	return h.apiInvoiceAnswer(c, r, v, inv.ID, fiber.StatusOK)
}

// apiPaymentInput is the body of POST /api/v1/invoices/:id/payments.
type apiPaymentInput struct {
	Amount    int64  `json:"amount"` // cents of the invoice's currency
	PaidOn    string `json:"paid_on"`
	Method    string `json:"method"`
	Reference string `json:"reference"`
}

// APIInvoicePaymentCreate is POST /api/v1/invoices/:id/payments: the UI's
// tenant.RecordPayment (its validation, overpayment and audit entry),
// answered 201 with the invoice as it is after the payment.
func (h *Handlers) APIInvoicePaymentCreate(c *fiber.Ctx, r *Request) error {
	var in apiPaymentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if _, err := r.Tenant.RecordPayment(c.UserContext(), v, caseActor(r), id, tenant.PaymentInput{Amount: in.Amount, PaidOn: in.PaidOn,
		Method: in.Method, Reference: in.Reference}, h.invoiceToday(r), auditFor(c, "payment.recorded", "")); err != nil {
		return err
	}
	h.publishInvoice(c, r, v, id)
	c.Set(fiber.HeaderLocation, "/api/v1/invoices/"+id+"/payments")
	return h.apiInvoiceAnswer(c, r, v, id, fiber.StatusCreated)
}

// apiVoidInput is the body of POST /api/v1/invoices/:id/void.
type apiVoidInput struct {
	Reason string `json:"reason"`
}

// APIInvoiceVoid is POST /api/v1/invoices/:id/void: the UI's
// tenant.VoidInvoice (an issued, unpaid invoice, with a reason).
func (h *Handlers) APIInvoiceVoid(c *fiber.Ctx, r *Request) error {
	var in apiVoidInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if err := r.Tenant.VoidInvoice(c.UserContext(), v, caseActor(r), id, in.Reason, auditFor(c, "invoice.voided", "")); err != nil {
		return err
	}
	h.publishInvoice(c, r, v, id)
	return h.apiInvoiceAnswer(c, r, v, id, fiber.StatusOK)
}

// APIInvoicePDF is GET /api/v1/invoices/:id/pdf: the staff download's PDF.
func (h *Handlers) APIInvoicePDF(c *fiber.Ctx, r *Request) error {
	return h.InvoicePDF(c, r)
}

// apiInvoiceAnswer answers with invoice id as it is now, and its ETag.
func (h *Handlers) apiInvoiceAnswer(c *fiber.Ctx, r *Request, v tenant.Viewer, id string, status int) error {
	inv, err := r.Tenant.Invoice(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	return apiJSON(c, status, apiInvoiceOf(inv), true)
}
