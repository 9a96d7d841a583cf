package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// apiInvoiceRow is an invoice of the list as the API writes it; amounts
// are in cents of the currency.
type apiInvoiceRow struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Number    string `json:"number"`
	ClientID  string `json:"client_id"`
	Status    string `json:"status"`
	Currency  string `json:"currency"`
	IssueDate string `json:"issue_date"`
	DueDate   string `json:"due_date"`
	Total     int64  `json:"total"`
	Paid      int64  `json:"paid"`
}

// apiInvoiceLine is a line of an invoice.
type apiInvoiceLine struct {
	Description   string `json:"description"`
	QuantityMilli int64  `json:"quantity_milli"` // thousandths: 1500 is 1.5
	UnitPrice     int64  `json:"unit_price"`
	VATRateBP     int64  `json:"vat_rate_bp"` // basis points: 2100 is 21 %
	Net           int64  `json:"net"`         // before the line's own discount
	DiscountBP    int64  `json:"discount_bp"` // the line's own discount, basis points
}

func apiInvoiceLineOf(l billing.Line) apiInvoiceLine {
	return apiInvoiceLine{Description: l.Description, QuantityMilli: l.QuantityMilli, UnitPrice: l.UnitPrice, VATRateBP: l.VATRateBP, Net: l.Net(), DiscountBP: l.DiscountBP}
}

// apiInvoice is one invoice with its lines and totals.
type apiInvoice struct {
	apiInvoiceRow
	CaseID   string `json:"case_id"`
	Notes    string `json:"notes"`
	Subtotal int64  `json:"subtotal"`
	VATTotal int64  `json:"vat_total"`
	// DiscountBP is the discount on the total (basis points); Subtotal
	// is after it and the lines' own discounts.
	DiscountBP int64            `json:"discount_bp"`
	Lines      []apiInvoiceLine `json:"lines"`
	IssuedAt   *string          `json:"issued_at"`
	VoidedAt   *string          `json:"voided_at"`
	Version    int64            `json:"version"` // raised by every write: in the ETag, so two writes in one second differ
}

// APIInvoices is GET /api/v1/invoices: the invoice list of the UI
// (tenant.Invoices: its status and client filters, its cursor, the
// visibility setting), newest first.
func (h *Handlers) APIInvoices(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rows, next, err := r.Tenant.Invoices(c.UserContext(), v, tenant.InvoiceFilter{Status: c.Query("status"), ClientID: c.Query("client_id"),
		Today: h.invoiceToday(r), Before: c.Query("cursor"), Limit: c.QueryInt("limit", 50)})
	if err != nil {
		return err
	}
	page := apiPage[apiInvoiceRow]{Data: []apiInvoiceRow{}, NextCursor: next}
	for _, k := range rows {
		page.Data = append(page.Data, apiInvoiceRow{ID: k.ID, Kind: k.Kind, Number: k.Number, ClientID: k.ClientID, Status: k.Status,
			Currency: k.Currency, IssueDate: k.IssueDate, DueDate: k.DueDate, Total: k.Total, Paid: k.Paid})
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APIInvoice is GET /api/v1/invoices/:id, with its ETag.
func (h *Handlers) APIInvoice(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	inv, err := r.Tenant.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiInvoiceOf(inv), true)
}

// apiInvoiceOf is an invoice as the API writes it.
func apiInvoiceOf(inv *tenant.Invoice) apiInvoice {
	out := apiInvoice{apiInvoiceRow: apiInvoiceRow{ID: inv.ID, Kind: inv.Kind, Number: inv.Number, ClientID: inv.ClientID, Status: inv.Status,
		Currency: inv.Currency, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Total: inv.Total, Paid: inv.Paid},
		CaseID: inv.CaseID, Notes: inv.Notes, Subtotal: inv.Subtotal, VATTotal: inv.VATTotal, DiscountBP: inv.DiscountBP, Lines: []apiInvoiceLine{},
		IssuedAt: apiTime(inv.IssuedAt), VoidedAt: apiTime(inv.VoidedAt), Version: inv.Version}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, apiInvoiceLineOf(l))
	}
	return out
}

// apiPayment is a payment recorded on an invoice.
type apiPayment struct {
	ID        string  `json:"id"`
	InvoiceID string  `json:"invoice_id"`
	Amount    int64   `json:"amount"`
	Currency  string  `json:"currency"`
	PaidOn    string  `json:"paid_on"`
	Method    string  `json:"method"`
	Reference string  `json:"reference"`
	CreatedAt *string `json:"created_at"`
}

// APIInvoicePayments is GET /api/v1/invoices/:id/payments: the payments
// of an invoice the token's creator may see, as its page lists them.
func (h *Handlers) APIInvoicePayments(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	inv, err := r.Tenant.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	payments, err := r.Tenant.InvoicePayments(c.UserContext(), inv.ID)
	if err != nil {
		return err
	}
	page := apiPage[apiPayment]{Data: []apiPayment{}}
	for _, p := range payments {
		page.Data = append(page.Data, apiPayment{ID: p.ID, InvoiceID: p.InvoiceID, Amount: p.Amount, Currency: p.Currency,
			PaidOn: p.PaidOn, Method: p.Method, Reference: p.Reference, CreatedAt: apiTime(p.CreatedAt)})
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// apiQuote is a quote version of the list.
type apiQuote struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Version    int    `json:"version"`
	ClientID   string `json:"client_id"`
	State      string `json:"state"`
	Currency   string `json:"currency"`
	ValidUntil string `json:"valid_until"`
	Total      int64  `json:"total"`
	Superseded bool   `json:"superseded"`
}

// APIQuotes is GET /api/v1/quotes: the quote list of the UI
// (tenant.Quotes), newest first, filtered by client_id.
func (h *Handlers) APIQuotes(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rows, err := r.Tenant.Quotes(c.UserContext(), v, tenant.QuoteFilter{ClientID: c.Query("client_id")})
	if err != nil {
		return err
	}
	page := apiPage[apiQuote]{Data: []apiQuote{}}
	for _, q := range rows {
		page.Data = append(page.Data, apiQuote{ID: q.ID, Number: q.Number, Version: q.Version, ClientID: q.ClientID, State: q.State,
			Currency: q.Currency, ValidUntil: q.ValidUntil, Total: q.Total, Superseded: q.Superseded})
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}
