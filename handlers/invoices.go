package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// invoiceBase is the URL of the request's agency's invoice list.
func invoiceBase(r *Request) string { return "/a/" + r.Agency.Slug + "/invoices" }

// invoiceToday is the agency's date now, in its time zone: invoice,
// payment and credit-note dates.
func (h *Handlers) invoiceToday(r *Request) string { return h.caseToday(r) }

// invoiceStatusFilters are the list's status choices.
var invoiceStatusFilters = []string{"", "draft", "open", "overdue", "partially_paid", "paid", "void"}

// invoiceListRow is a list row with display strings.
type invoiceListRow struct {
	URL, Number, Kind, ClientName, Status, StatusLabel, IssueDate, DueDate string
	Total, Outstanding                                                     amount
	Credit                                                                 amount // a credit note's total, shown as a credit in the Owed column; the zero amount for invoices
}

func (h *Handlers) invoiceRows(req *Request, base, today string, rows []tenant.InvoiceRow) []invoiceListRow {
	out := make([]invoiceListRow, len(rows))
	for i, r := range rows {
		status := r.DisplayStatus(today)
		number := r.Number
		if number == "" {
			number = i18n.T(req.Lang(), "Draft")
		}
		kind := "Invoice"
		if r.Kind == tenant.KindCreditNote {
			kind = "Credit note"
		}
		out[i] = invoiceListRow{URL: base + "/" + r.ID, Number: number, Kind: kind, ClientName: r.ClientName, Status: status,
			StatusLabel: i18n.T(req.Lang(), tenant.InvoiceStatusLabel(status)), IssueDate: r.IssueDate, DueDate: r.DueDate,
			Total: req.money(r.Total, r.Currency), Outstanding: req.money(r.Total-r.Paid, r.Currency)}
		if r.Kind == tenant.KindCreditNote {
			// A credit note is owed by no one: its total is a credit, shown as such.
			out[i].DueDate, out[i].Outstanding, out[i].Credit = "", amount{}, req.money(r.Total, r.Currency)
		}
	}
	return out
}

// invoicesIndexView is the invoice list; a filter request (htmx) gets its
// rows partial alone, from the same view model.
type invoicesIndexView struct {
	Page
	Base    string
	Filters []option // the status menu
	Status  string   // the status filter, "" for all
	Client  string   // the client filter, a client id
	Rows    []invoiceListRow
	More    string // the next page; empty on the last
	// Overpaid are the overpayments still to refund or credit.
	Overpaid []overpaidLink
	// Glance is money at a glance, on the full page of every client's invoices.
	Glance *moneyGlanceView
}

// overpaidLink names an invoice with an overpayment to refund or credit.
type overpaidLink struct {
	URL, Number string
	Amount      amount
}

// InvoicesIndex lists invoices, newest first, filtered by status and
// client; "load more" pages with a cursor in the URL.
func (h *Handlers) InvoicesIndex(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	status, client, before := c.Query("status"), c.Query("client"), c.Query("before")
	ok := false
	for _, s := range invoiceStatusFilters {
		ok = ok || s == status
	}
	if !ok {
		return apperr.New(apperr.Invalid, "Unknown status filter.")
	}
	if client != "" && uuid.Validate(client) != nil {
		return apperr.New(apperr.Invalid, "Unknown client in the filter.")
	}
	if len(before) > 80 {
		return apperr.New(apperr.Invalid, "Bad page cursor.")
	}
	today := h.invoiceToday(r)
	rows, next, err := r.Tenant.Invoices(c.UserContext(), v, tenant.InvoiceFilter{Status: status, ClientID: client, Today: today, Before: before, Limit: 50})
	if err != nil {
		return err
	}
	base := invoiceBase(r)
	view := &invoicesIndexView{Page: Page{Title: "nav.Invoices"}, Base: base, Status: status, Client: client, Rows: h.invoiceRows(r, base, today, rows)}
	over, err := r.Tenant.OpenOverpayments(c.UserContext())
	if err != nil {
		return err
	}
	for _, o := range over {
		inv, err := r.Tenant.Invoice(c.UserContext(), v, o.InvoiceID) // only the invoices v may see
		if err != nil {
			continue
		}
		view.Overpaid = append(view.Overpaid, overpaidLink{URL: base + "/" + inv.ID, Number: inv.Number, Amount: r.money(o.Amount, o.Currency)})
	}
	for _, s := range invoiceStatusFilters {
		label := "inv.filter_all"
		switch s {
		case "":
		case "open":
			label = "inv.filter_unpaid"
		default:
			label = tenant.InvoiceStatusLabel(s)
		}
		view.Filters = append(view.Filters, option{s, i18n.T(r.Lang(), label), s == status})
	}
	if next != "" {
		view.More = base + "?before=" + next
		if status != "" {
			view.More += "&status=" + status
		}
		if client != "" {
			view.More += "&client=" + client
		}
	}
	if client == "" && before == "" && !wantsFragment(c) {
		if view.Glance, err = h.moneyGlance(c, r, v); err != nil {
			return err
		}
	}
	return h.pageOrFragment(c, "pages/invoices/index", "partials/invoices/rows", view)
}

// invoiceLineRow is one line of the invoice editor, for
// views/partials/invoices/line.html: the editor shows one per line, and
// "Add a line" gets an empty one alone (InvoiceLine).
type invoiceLineRow struct {
	Page
	Line    invoiceLineForm
	LineURL string // the editor's line route; "Remove line" asks it for nothing
}

// invoiceFormView is the invoice editor (new and edit pages, and the new
// recurring invoice page) and its form partial; the case menu partial is
// sent alone from it too (InvoiceCases).
type invoiceFormView struct {
	Page
	FormErrors
	Form          invoiceForm
	Lines         []*invoiceLineRow // Form.Lines, as the line partial shows them
	Invoice       *tenant.Invoice   // the draft, on the edit page; nil on the new pages
	Clients       []option
	ClientsCapped bool
	Cases         []option // the chosen client's cases
	Currencies    []option
	Base          string
	LineURL       string
	CasesURL      string
	Action        string
	Cancel        string
	FindAction    string // where the client search asks for a narrowed menu

	Recurring bool // the recurring invoice form: a start date and a schedule
	// ScheduleFixed, when editing a recurring invoice, says its schedule in
	// words instead of the schedule's fields (which do not change).
	ScheduleFixed string
	Frequencies   []option
	Totals        *invoiceTotalsView // the complete lines' totals (invoices_totals.go)
	Picker        *cataloguePicker   // the items a line can be picked from (catalogue_pick.go); nil: none
}

// invoiceFormView is what the editor needs around the form.
func (h *Handlers) invoiceFormView(c *fiber.Ctx, r *Request, v tenant.Viewer, form invoiceForm, inv *tenant.Invoice) (*invoiceFormView, error) {
	ctx := c.UserContext()
	if len(form.ClientQuery) > 200 {
		form.ClientQuery = ""
	}
	clients, err := r.Tenant.CaseClientChoices(ctx, v, form.ClientQuery, caseClientChoices)
	if err != nil {
		return nil, err
	}
	options := make([]option, 0, len(clients)+1)
	found := form.ClientID == ""
	for _, cl := range clients {
		options = append(options, option{cl.ID, cl.Name, cl.ID == form.ClientID})
		found = found || cl.ID == form.ClientID
	}
	if !found && uuid.Validate(form.ClientID) == nil {
		if ref, err := r.Tenant.CaseClient(ctx, v, form.ClientID); err == nil {
			options = append([]option{{ref.ID, ref.Name, true}}, options...)
		}
	}
	if form.tax == nil {
		if form.tax, err = loadInvoiceTax(c, r); err != nil {
			return nil, err
		}
		if err := form.tax.keepArchived(c, r, form.Lines); err != nil {
			return nil, err
		}
	}
	if len(form.Lines) == 0 {
		form.Lines = []invoiceLineForm{{Index: 0, Quantity: "1", VAT: form.tax.newLineVAT()}}
	}
	base := invoiceBase(r)
	view := &invoiceFormView{Page: Page{Title: "inv.new"}, Form: form, Clients: options, ClientsCapped: len(clients) == caseClientChoices,
		Cases: invoiceCaseOptions(ctx, r, v, form.ClientID, form.CaseID), Currencies: currencyOptions(form.Currency),
		Base: base, LineURL: base + "/line", CasesURL: base + "/cases", Action: base, Cancel: base, FindAction: base + "/new"}
	view.Lines = form.tax.lineRows(r.Lang(), view.LineURL, form.Lines)
	view.Totals = invoiceTotalsOf(r, form)
	if view.Picker, err = newCataloguePicker(c, r, view.LineURL, "#invoice-lines"); err != nil {
		return nil, err
	}
	if inv != nil {
		page := base + "/" + inv.ID
		view.Title, view.Action, view.Cancel, view.FindAction = i18n.T(r.Lang(), "cases.edit_n", "Number", inv.Label()), page, page, page+"/edit"
		view.Invoice = inv
	}
	return view, nil
}

// invoiceCaseOptions is the case menu of the editor: the cases of client
// clientID that v may see, caseID chosen. A client that is not a valid id,
// or whose cases can't be read, has an empty menu (saving says why).
func invoiceCaseOptions(ctx context.Context, r *Request, v tenant.Viewer, clientID, caseID string) []option {
	if clientID == "" || uuid.Validate(clientID) != nil {
		return nil
	}
	list, err := r.Tenant.ClientCases(ctx, v, clientID)
	if err != nil {
		return nil
	}
	var cases []option
	for _, k := range list {
		cases = append(cases, option{k.ID, k.Number + " " + k.Title, k.ID == caseID})
	}
	return cases
}

// InvoiceNew shows the editor for a new draft; ?client= and ?case= preset it.
func (h *Handlers) InvoiceNew(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	form := invoiceForm{ClientID: strings.TrimSpace(c.Query("client")), CaseID: strings.TrimSpace(c.Query("case")), Currency: s.Currency,
		IssueDate: h.invoiceToday(r), TermsDays: strconv.Itoa(s.TermsDays), ClientQuery: strings.TrimSpace(c.Query("client_q"))}
	form.DueDate = billing.DueDate(form.IssueDate, s.TermsDays)
	form.DueDateWas = form.DueDate
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	view, err := h.invoiceFormView(c, r, v, form, nil)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/invoices/new", "partials/invoices/form", view, nil)
}

// InvoiceLine is one empty editor line, which the "Add a line" button
// (htmx) appends, or a catalogue item's (?catalogue_item=, catalogue_pick.go);
// ?remove=1 answers nothing, which removes a line.
func (h *Handlers) InvoiceLine(c *fiber.Ctx, r *Request) error {
	if c.Query("remove") != "" {
		c.Type("html", "utf-8")
		return c.SendString("")
	}
	tax, err := loadInvoiceTax(c, r)
	if err != nil {
		return err
	}
	line, err := pickedLine(c, r, tax)
	if err != nil {
		return err
	}
	return h.fragment(c, "partials/invoices/line", tax.lineRows(r.Lang(), invoiceBase(r)+"/line", []invoiceLineForm{line})[0])
}

// InvoiceCases is the case menu of a client, for the editor (htmx).
func (h *Handlers) InvoiceCases(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	view := &invoiceFormView{Cases: invoiceCaseOptions(c.UserContext(), r, v, strings.TrimSpace(c.Query("client_id")), "")}
	return h.fragment(c, "partials/invoices/cases", view)
}

// InvoiceCreate saves a draft and shows it; bad input shows the editor
// again with a message on each field, and writes nothing.
func (h *Handlers) InvoiceCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form, err := invoiceFormFor(c, r)
	if err != nil {
		return err
	}
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.invoiceFormView(c, r, v, more, nil)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/invoices/new", "partials/invoices/form", view, nil)
	}
	in, errs := form.input()
	var inv *tenant.Invoice
	if len(errs) == 0 {
		inv, err = r.Tenant.CreateInvoice(c.UserContext(), v, caseActor(r), in)
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		view, viewErr := h.invoiceFormView(c, r, v, form.withErrors(translatedFields(r.Lang(), err)), nil)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/invoices/new", "partials/invoices/form", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "inv.draft_saved_issue"))
	return h.redirect(c, invoiceBase(r)+"/"+inv.ID)
}

// InvoiceEdit shows the editor of a draft.
func (h *Handlers) InvoiceEdit(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	inv, err := r.Tenant.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	if inv.Status != tenant.InvoiceDraft {
		return apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "inv.issued_never_changed", "Label", inv.Label()))
	}
	form := invoiceFormOf(inv.InvoiceInput)
	form.Version = strconv.FormatInt(inv.Version, 10)
	form.ClientQuery = strings.TrimSpace(c.Query("client_q"))
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	view, err := h.invoiceFormView(c, r, v, form, inv)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/invoices/edit", "partials/invoices/form", view, nil)
}

// InvoiceUpdate saves a draft's changes.
func (h *Handlers) InvoiceUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t, id := r.Tenant, c.Params("id")
	inv, err := t.Invoice(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	form, err := invoiceFormFor(c, r)
	if err != nil {
		return err
	}
	if inv.Kind == tenant.KindCreditNote {
		form.ClientID, form.CaseID = inv.ClientID, inv.CaseID
	}
	if more, asked, err := form.moreLines(c, r); asked {
		if err != nil {
			return err
		}
		view, err := h.invoiceFormView(c, r, v, more, inv)
		if err != nil {
			return err
		}
		return h.formPage(c, "pages/invoices/edit", "partials/invoices/form", view, nil)
	}
	in, errs := form.input()
	if len(errs) == 0 {
		version, _ := strconv.ParseInt(form.Version, 10, 64) // none (0): an older page, saved as before
		err = t.UpdateDraft(c.UserContext(), v, id, version, in)
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		switch {
		case apperr.CodeOf(err) == apperr.Conflict && inv.Status == tenant.InvoiceDraft:
			// Changed since the form was drawn: the form stays as typed, with
			// the draft's version now, so saving again is a choice made knowingly.
			if cur, loadErr := t.Invoice(c.UserContext(), v, id); loadErr == nil && cur.Status == tenant.InvoiceDraft {
				form.Version, inv = strconv.FormatInt(cur.Version, 10), cur
				err = apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "inv.draft_changed_since"))
			} else {
				return err
			}
		case apperr.CodeOf(err) != apperr.Invalid:
			return err
		}
		view, viewErr := h.invoiceFormView(c, r, v, form.withErrors(translatedFields(r.Lang(), err)), inv)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/invoices/edit", "partials/invoices/form", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "quotes.draft_saved"))
	return h.redirect(c, invoiceBase(r)+"/"+id)
}

// InvoiceDelete deletes a draft.
func (h *Handlers) InvoiceDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	if err := r.Tenant.DeleteDraft(c.UserContext(), v, c.Params("id"), auditFor(c, "invoice.draft_deleted", "")); err != nil {
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "inv.draft_deleted"))
	return h.redirect(c, invoiceBase(r))
}

// InvoiceIssue numbers a draft and tells the client's portal contacts
// (app.IssueInvoice); an email that fails is logged, the invoice stays issued.
func (h *Handlers) InvoiceIssue(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	m, _ := h.invoiceMailer() // without one, app reports the contacts' email as failed
	inv, d, err := app.IssueInvoice(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), h.Config.BaseURL, auditFor(c, "invoice.issued", ""))
	if err != nil {
		return err
	}
	h.publishInvoice(c, r, v, inv.ID)
	h.logFailed(c, "email the client's contacts", d.Contacts)
	h.flash(c, inv.Number+" issued.")
	return h.redirect(c, invoiceBase(r)+"/"+inv.ID)
}

// InvoiceVoid voids an issued, unpaid invoice with a reason.
func (h *Handlers) InvoiceVoid(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	if err := r.Tenant.VoidInvoice(c.UserContext(), v, caseActor(r), id, c.FormValue("reason"), auditFor(c, "invoice.voided", "")); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.invoiceShowView(c, r, id)
		if viewErr != nil {
			return viewErr
		}
		view.Void = invoiceVoidForm{Reason: c.FormValue("reason"), Errors: translatedFields(r.Lang(), err)}
		return h.invoiceShowPage(c, view, err)
	}
	h.publishInvoice(c, r, v, id)
	h.flash(c, i18n.T(r.Lang(), "inv.void_flash"))
	return h.redirect(c, invoiceBase(r)+"/"+id)
}

// InvoiceCredit starts a draft credit note for an invoice.
func (h *Handlers) InvoiceCredit(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cn, err := r.Tenant.CreateCreditNote(c.UserContext(), v, caseActor(r), c.Params("id"), h.invoiceToday(r), auditFor(c, "invoice.credit_note_created", ""))
	if err != nil {
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "inv.credit_flash"))
	return h.redirect(c, invoiceBase(r)+"/"+cn.ID+"/edit")
}
