package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// invoiceBase is the URL of the request's agency's invoice list.
func invoiceBase(c *fiber.Ctx) string { return "/a/" + agencyOf(c).Slug + "/invoices" }

// invoiceToday is the injected clock's calendar day.
func (h *Handlers) invoiceToday() string { return h.Clock.Now().UTC().Format(billing.DateLayout) }

// invoiceStatusFilters are the list's status choices.
var invoiceStatusFilters = []string{"", "draft", "open", "overdue", "partially_paid", "paid", "void"}

// invoiceListRow is a list row with display strings.
type invoiceListRow struct {
	URL, Number, Kind, ClientName, Status, StatusLabel, IssueDate, DueDate, Total, Outstanding string
}

func (h *Handlers) invoiceRows(base, today string, rows []db.InvoiceRow) []invoiceListRow {
	out := make([]invoiceListRow, len(rows))
	for i, r := range rows {
		inv := db.Invoice{Status: r.Status, InvoiceInput: db.InvoiceInput{}, DueDate: r.DueDate}
		status := inv.DisplayStatus(today)
		number := r.Number
		if number == "" {
			number = "Draft"
		}
		kind := "Invoice"
		if r.Kind == db.KindCreditNote {
			kind = "Credit note"
		}
		out[i] = invoiceListRow{URL: base + "/" + r.ID, Number: number, Kind: kind, ClientName: r.ClientName, Status: status,
			StatusLabel: db.InvoiceStatusLabel(status), IssueDate: r.IssueDate, DueDate: r.DueDate,
			Total: billing.FormatMoney(r.Total, r.Currency), Outstanding: billing.FormatMoney(r.Total-r.Paid, r.Currency)}
	}
	return out
}

// InvoicesIndex lists invoices, newest first, filtered by status and
// client; "load more" pages with a cursor in the URL.
func (h *Handlers) InvoicesIndex(c *fiber.Ctx) error {
	v, err := h.viewer(c)
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
	today := h.invoiceToday()
	rows, next, err := tenantOf(c).Invoices(c.UserContext(), v, db.InvoiceFilter{Status: status, ClientID: client, Today: today, Before: before, Limit: 50})
	if err != nil {
		return err
	}
	base := invoiceBase(c)
	var filters []option
	for _, s := range invoiceStatusFilters {
		label := "All"
		switch s {
		case "":
		case "open":
			label = "Unpaid"
		default:
			label = db.InvoiceStatusLabel(s)
		}
		filters = append(filters, option{s, label, s == status})
	}
	more := ""
	if next != "" {
		more = base + "?before=" + next
		if status != "" {
			more += "&status=" + status
		}
		if client != "" {
			more += "&client=" + client
		}
	}
	data := fiber.Map{"Title": "Invoices", "Rows": h.invoiceRows(base, today, rows), "Base": base, "Filters": filters, "Status": status,
		"Client": client, "More": more}
	return h.mapPageOrFragment(c, "pages/invoices/index", "partials/invoices/rows", data)
}

// invoiceFormData is what the editor needs around the form.
func (h *Handlers) invoiceFormData(c *fiber.Ctx, v db.Viewer, form invoiceForm, inv *db.Invoice) (fiber.Map, error) {
	t := tenantOf(c)
	if len(form.ClientQuery) > 200 {
		form.ClientQuery = ""
	}
	clients, err := t.CaseClientChoices(c.UserContext(), v, form.ClientQuery, caseClientChoices)
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
		if ref, err := t.CaseClient(c.UserContext(), v, form.ClientID); err == nil {
			options = append([]option{{ref.ID, ref.Name, true}}, options...)
		}
	}
	var cases []option
	if form.ClientID != "" && uuid.Validate(form.ClientID) == nil {
		list, err := t.ClientCases(c.UserContext(), v, form.ClientID)
		if err == nil {
			for _, k := range list {
				cases = append(cases, option{k.ID, k.Number + " " + k.Title, k.ID == form.CaseID})
			}
		}
	}
	if len(form.Lines) == 0 {
		form.Lines = []invoiceLineForm{{Index: 0, Quantity: "1", VAT: "0"}}
	}
	base := invoiceBase(c)
	data := fiber.Map{"Form": form, "Clients": options, "ClientsCapped": len(clients) == caseClientChoices, "Cases": cases,
		"Currencies": currencyOptions(form.Currency), "Base": base, "LineURL": base + "/line", "CasesURL": base + "/cases"}
	if inv == nil {
		data["Title"], data["Action"], data["Cancel"], data["FindAction"] = "New invoice", base, base, base+"/new"
	} else {
		data["Title"], data["Action"], data["Cancel"], data["FindAction"] = "Edit "+inv.Label(), base+"/"+inv.ID, base+"/"+inv.ID, base+"/"+inv.ID+"/edit"
		data["Invoice"] = inv
	}
	return data, nil
}

// InvoiceNew shows the editor for a new draft; ?client= and ?case= preset it.
func (h *Handlers) InvoiceNew(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	s, err := tenantOf(c).BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	form := invoiceForm{ClientID: strings.TrimSpace(c.Query("client")), CaseID: strings.TrimSpace(c.Query("case")), Currency: s.Currency,
		IssueDate: h.invoiceToday(), TermsDays: strconv.Itoa(s.TermsDays), ClientQuery: strings.TrimSpace(c.Query("client_q"))}
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	data, err := h.invoiceFormData(c, v, form, nil)
	if err != nil {
		return err
	}
	return h.mapFormPage(c, "pages/invoices/new", "partials/invoices/form", data, nil)
}

// InvoiceLine is one empty editor line, which the "Add a line" button
// (htmx) appends; ?remove=1 answers nothing, which removes a line.
func (h *Handlers) InvoiceLine(c *fiber.Ctx) error {
	if c.Query("remove") != "" {
		c.Type("html", "utf-8")
		return c.SendString("")
	}
	return h.mapFragment(c, "partials/invoices/line", fiber.Map{"Line": invoiceLineForm{Quantity: "1", VAT: "0"}, "LineURL": invoiceBase(c) + "/line"})
}

// InvoiceCases is the case menu of a client, for the editor (htmx).
func (h *Handlers) InvoiceCases(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	form := invoiceForm{ClientID: strings.TrimSpace(c.Query("client_id"))}
	data, err := h.invoiceFormData(c, v, form, nil)
	if err != nil {
		return err
	}
	data["Errors"] = map[string]string{}
	return h.mapFragment(c, "partials/invoices/cases", data)
}

// InvoiceCreate saves a draft and shows it; bad input shows the editor
// again with a message on each field, and writes nothing.
func (h *Handlers) InvoiceCreate(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	form := readInvoiceForm(c)
	in, errs := form.input()
	var inv *db.Invoice
	if len(errs) == 0 {
		inv, err = tenantOf(c).CreateInvoice(c.UserContext(), v, caseActor(stateOf(c).req), in)
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		data, dataErr := h.invoiceFormData(c, v, form.withErrors(apperr.FieldsOf(err)), nil)
		if dataErr != nil {
			return dataErr
		}
		return h.mapFormPage(c, "pages/invoices/new", "partials/invoices/form", data, err)
	}
	h.flash(c, "Draft saved. Issue it to give it a number.")
	return h.redirect(c, invoiceBase(c)+"/"+inv.ID)
}

// InvoiceEdit shows the editor of a draft.
func (h *Handlers) InvoiceEdit(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	inv, err := tenantOf(c).Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	if inv.Status != db.InvoiceDraft {
		return apperr.New(apperr.Conflict, "%s is issued and can't be changed: issue a credit note to correct it.", inv.Label())
	}
	form := invoiceFormOf(inv.InvoiceInput)
	form.ClientQuery = strings.TrimSpace(c.Query("client_q"))
	if id := strings.TrimSpace(c.Query("client_id")); id != "" {
		form.ClientID = id
	}
	data, err := h.invoiceFormData(c, v, form, inv)
	if err != nil {
		return err
	}
	return h.mapFormPage(c, "pages/invoices/edit", "partials/invoices/form", data, nil)
}

// InvoiceUpdate saves a draft's changes.
func (h *Handlers) InvoiceUpdate(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	t, id := tenantOf(c), c.Params("id")
	inv, err := t.Invoice(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	form := readInvoiceForm(c)
	if inv.Kind == db.KindCreditNote {
		form.ClientID, form.CaseID = inv.ClientID, inv.CaseID
	}
	in, errs := form.input()
	if len(errs) == 0 {
		err = t.UpdateDraft(c.UserContext(), v, id, in)
	} else {
		err = invoiceFormError(errs)
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		data, dataErr := h.invoiceFormData(c, v, form.withErrors(apperr.FieldsOf(err)), inv)
		if dataErr != nil {
			return dataErr
		}
		return h.mapFormPage(c, "pages/invoices/edit", "partials/invoices/form", data, err)
	}
	h.flash(c, "Draft saved.")
	return h.redirect(c, invoiceBase(c)+"/"+id)
}

// InvoiceDelete deletes a draft.
func (h *Handlers) InvoiceDelete(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	if err := tenantOf(c).DeleteDraft(c.UserContext(), v, c.Params("id")); err != nil {
		return err
	}
	h.auditBilling(c, "invoice.draft_deleted", c.Params("id"), "")
	h.flash(c, "Draft deleted.")
	return h.redirect(c, invoiceBase(c))
}

// InvoiceIssue numbers a draft.
func (h *Handlers) InvoiceIssue(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	inv, err := tenantOf(c).IssueInvoice(c.UserContext(), v, caseActor(stateOf(c).req), agencyOf(c).Name, c.Params("id"))
	if err != nil {
		return err
	}
	h.auditBilling(c, "invoice.issued", inv.ID, inv.Number)
	h.logFailed(c, "email the client's contacts", h.notifyInvoice(c, inv))
	h.flash(c, inv.Number+" issued.")
	return h.redirect(c, invoiceBase(c)+"/"+inv.ID)
}

// InvoiceVoid voids an issued, unpaid invoice with a reason.
func (h *Handlers) InvoiceVoid(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	if err := tenantOf(c).VoidInvoice(c.UserContext(), v, caseActor(stateOf(c).req), id, c.FormValue("reason")); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			return h.invoiceShowWith(c, id, fiber.Map{"VoidErrors": apperr.FieldsOf(err), "VoidReason": c.FormValue("reason")}, err)
		}
		return err
	}
	h.auditBilling(c, "invoice.voided", id, strings.TrimSpace(c.FormValue("reason")))
	h.flash(c, "The invoice is void.")
	return h.redirect(c, invoiceBase(c)+"/"+id)
}

// InvoiceCredit starts a draft credit note for an invoice.
func (h *Handlers) InvoiceCredit(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	cn, err := tenantOf(c).CreateCreditNote(c.UserContext(), v, caseActor(stateOf(c).req), c.Params("id"), h.invoiceToday())
	if err != nil {
		return err
	}
	h.flash(c, "Draft credit note made from the invoice: change the lines to what is credited, then issue it.")
	return h.redirect(c, invoiceBase(c)+"/"+cn.ID+"/edit")
}

// auditBilling records a billing action in the agency's audit log once it
// has happened; a failure to log is logged, never shown as a failure of the
// action itself (which is committed).
func (h *Handlers) auditBilling(c *fiber.Ctx, action, target, detail string) {
	a := auditFor(c, action, target)
	a.Detail = detail
	if err := tenantOf(c).RecordAudit(c.UserContext(), a); err != nil {
		h.logger(c).Error("audit billing action", "action", action, "err", err)
	}
}
