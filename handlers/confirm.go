package handlers

// One confirmation for what cannot be undone (issue 22 point 5). Each such
// action's button is a GET form to the action's own address: the GET asks
// (this file), the POST does it (the action's handler, unchanged). Without
// script the GET is a page of its own with the question, what will happen,
// who will be emailed and the form that posts; htmx loads the same
// question into the layout's #confirm-slot as a <dialog> that app.js opens
// as a modal (partials/confirm/dialog). Asking reads only: nothing changes
// until the posted form.

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// confirmField is a value the confirmed form posts again, as it was sent.
type confirmField struct{ Name, Value string }

// confirmView is one question: Heading, the sentences of what happens,
// who is emailed, and the form that does it (Action, Fields, Button).
type confirmView struct {
	Page
	Heading string
	Lines   []string
	Items   []string // what the action changes, one a line (bulk actions)
	Emails  []string // who is emailed when it is confirmed
	Action  string
	Fields  []confirmField
	Button  string
	Danger  bool
	Back    string // where Cancel goes on the page without script
	Dialog  bool
}

// confirmViews are the confirmation's page and dialog.
var confirmViews = map[string]reflect.Type{
	"pages/confirm":           reflect.TypeFor[*confirmView](),
	"partials/confirm/dialog": reflect.TypeFor[*confirmView](),
}

// confirm renders v as the dialog for htmx, else as a page.
func (h *Handlers) confirm(c *fiber.Ctx, v *confirmView) error {
	v.Title = v.Heading
	if wantsFragment(c) {
		v.Dialog = true
		return h.fragment(c, "partials/confirm/dialog", v)
	}
	return h.page(c, "pages/confirm", v)
}

// confirmBack is the page a confirmation's Cancel returns to: the local
// page it was asked from, else fallback.
func confirmBack(c *fiber.Ctx, fallback string) string {
	for _, ref := range []string{c.Get("HX-Current-URL"), c.Get("Referer")} {
		u, err := url.Parse(ref)
		if err != nil || u.Path == "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.Contains(u.Path, "\\") {
			continue
		}
		if u.Host != "" && u.Host != c.Hostname() {
			continue
		}
		return u.RequestURI()
	}
	return fallback
}

// confirmInvoice loads the invoice a confirmation is about (404 for one
// the viewer may not see, another agency's included).
func confirmInvoice(c *fiber.Ctx, r *Request) (*tenant.Invoice, string, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, "", err
	}
	inv, err := r.Tenant.Invoice(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return nil, "", err
	}
	return inv, invoiceBase(r) + "/" + inv.ID, nil
}

// InvoiceIssueConfirm asks before a draft is issued, naming everyone
// issuing emails (app.InvoiceRecipients) and the client's address, which
// it does not.
func (h *Handlers) InvoiceIssueConfirm(c *fiber.Ctx, r *Request) error {
	inv, page, err := confirmInvoice(c, r)
	if err != nil {
		return err
	}
	if inv.Status != tenant.InvoiceDraft {
		return apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "inv.already_issued", "Label", inv.Label()))
	}
	who, err := app.InvoiceRecipients(c.UserContext(), r.Tenant, inv.ClientID)
	if err != nil {
		return err
	}
	lang, what := r.Lang(), "invoice" // inv.issue.invoice.* or inv.issue.credit.*
	if inv.Kind == tenant.KindCreditNote {
		what = "credit"
	}
	say := func(id string, args ...any) string { return i18n.T(lang, "inv.issue."+what+"."+id, args...) }
	v := &confirmView{Heading: say("heading", "Client", inv.ClientName), Action: page + "/issue",
		Button: say("button"), Back: confirmBack(c, page)}
	v.Lines = append(v.Lines, i18n.T(lang, "inv.issue.total_due", "Total", i18n.Money(lang, inv.Total, inv.Currency), "Date", inv.DueDate))
	for _, u := range who.Contacts {
		v.Emails = append(v.Emails, say("contact", "Name", u.Name, "Email", u.Email))
	}
	if len(v.Emails) == 0 {
		v.Lines = append(v.Lines, i18n.T(lang, "inv.issue.nobody", "Client", inv.ClientName))
	}
	if who.ClientAddress != "" {
		v.Lines = append(v.Lines, say("address", "Address", who.ClientAddress))
	} else {
		v.Lines = append(v.Lines, i18n.T(lang, "inv.issue.no_address", "Client", inv.ClientName))
	}
	return h.confirm(c, v)
}

// InvoiceVoidConfirm asks before an issued invoice is voided, with the
// reason as typed (the post checks it).
func (h *Handlers) InvoiceVoidConfirm(c *fiber.Ctx, r *Request) error {
	inv, page, err := confirmInvoice(c, r)
	if err != nil {
		return err
	}
	if inv.Status == tenant.InvoiceDraft || inv.Status == tenant.InvoiceVoid {
		return apperr.New(apperr.Conflict, "Only an issued invoice can be voided.") // its own catalogue id
	}
	reason := formValue(c, "reason")
	if err := tenant.CheckVoidReason(reason); err != nil {
		if wantsFragment(c) { // the dialog is not opened: say it in a toast
			return caseOneMessage(err)
		}
		view, viewErr := h.invoiceShowView(c, r, inv.ID)
		if viewErr != nil {
			return viewErr
		}
		view.Void = invoiceVoidForm{Reason: reason, Errors: translatedFields(r.Lang(), err)}
		return h.invoiceShowPage(c, view, err)
	}
	lang := r.Lang()
	v := &confirmView{Heading: i18n.T(lang, "inv.void_q", "Label", inv.Label()), Action: page + "/void", Button: i18n.T(lang, "inv.void_invoice"), Danger: true,
		Back: confirmBack(c, page), Fields: []confirmField{{"reason", reason}}}
	v.Lines = []string{i18n.T(lang, "inv.void_what", "Label", inv.Label(), "Total", i18n.Money(lang, inv.Total, inv.Currency), "Client", inv.ClientName),
		i18n.T(lang, "inv.void_reason", "Reason", reason), i18n.T(lang, "confirm.nobody_emailed")}
	return h.confirm(c, v)
}

// InvoiceDeleteConfirm asks before a draft is deleted.
func (h *Handlers) InvoiceDeleteConfirm(c *fiber.Ctx, r *Request) error {
	inv, page, err := confirmInvoice(c, r)
	if err != nil {
		return err
	}
	if inv.Status != tenant.InvoiceDraft {
		return apperr.New(apperr.Conflict, "Only a draft can be deleted.") // its own catalogue id
	}
	lang := r.Lang()
	v := &confirmView{Heading: i18n.T(lang, "inv.delete_q", "Client", inv.ClientName), Action: page + "/delete", Button: i18n.T(lang, "confirm.delete_draft"), Danger: true,
		Back: confirmBack(c, page)}
	v.Lines = []string{i18n.T(lang, "inv.delete_what", "Total", i18n.Money(lang, inv.Total, inv.Currency)), i18n.T(lang, "confirm.nobody_emailed")}
	return h.confirm(c, v)
}

// ClientArchiveConfirm asks before a client is archived.
func (h *Handlers) ClientArchiveConfirm(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	page := clientsPath(r) + "/" + k.ID
	lang := r.Lang()
	cv := &confirmView{Heading: i18n.T(lang, "clients.archive_q", "Name", k.Name), Action: page + "/archive", Button: i18n.T(lang, "clients.archive_the_client"), Danger: true,
		Back: confirmBack(c, page)}
	cv.Lines = []string{i18n.T(lang, "clients.archive_line", "Name", k.Name), i18n.T(lang, "clients.nobody_emailed")}
	return h.confirm(c, cv)
}

// queryMulti is every value of the query's field name.
func queryMulti(c *fiber.Ctx, name string) [][]byte {
	return c.Request().URI().QueryArgs().PeekMulti(name)
}

// ClientsBulkConfirm asks before one action changes the selected clients,
// naming each (an id the viewer may not see is a 404).
func (h *Handlers) ClientsBulkConfirm(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	var ids []string
	for _, b := range queryMulti(c, "id") {
		ids = append(ids, string(b))
	}
	b, err := tenant.ClientBulk{Action: formValue(c, "action"), IDs: ids, Tag: formValue(c, "tag"), ResponsibleID: formValue(c, "responsible")}.Check()
	if err != nil {
		for _, msg := range apperr.FieldsOf(err) {
			return apperr.New(apperr.Invalid, "%s Nothing was changed.", msg)
		}
		return err
	}
	cv := &confirmView{Action: clientsPath(r) + "/bulk", Back: clientsBack(c, r)}
	for _, id := range b.IDs {
		k, err := r.Tenant.Client(c.UserContext(), v, id)
		if err != nil {
			return err
		}
		cv.Items = append(cv.Items, k.Name)
		cv.Fields = append(cv.Fields, confirmField{"id", k.ID})
	}
	n := clientCount(len(b.IDs))
	cv.Fields = append(cv.Fields, confirmField{"action", b.Action}, confirmField{"back", cv.Back})
	switch b.Action {
	case tenant.ClientBulkTag:
		cv.Heading, cv.Button = fmt.Sprintf("Tag %s “%s”?", n, b.Tag), "Add the tag"
		cv.Fields = append(cv.Fields, confirmField{"tag", b.Tag})
	case tenant.ClientBulkAssign:
		who := "nobody"
		if b.ResponsibleID != "" {
			u, err := r.Tenant.UserByID(c.UserContext(), b.ResponsibleID)
			if err != nil {
				return apperr.New(apperr.Invalid, "Choose a person of the agency to make responsible. Nothing was changed.")
			}
			who = u.Name
		}
		cv.Heading, cv.Button = fmt.Sprintf("Make %s responsible for %s?", who, n), "Assign"
		cv.Fields = append(cv.Fields, confirmField{"responsible", b.ResponsibleID})
	case tenant.ClientBulkArchive:
		cv.Heading, cv.Button, cv.Danger = fmt.Sprintf("Archive %s?", n), "Archive them", true
		cv.Lines = append(cv.Lines, "They leave the client list; each can be restored from the archived clients.")
	}
	cv.Lines = append(cv.Lines, "Nobody is emailed.")
	return h.confirm(c, cv)
}

// CasesBulkConfirm asks before the selected cases' status or assignee
// changes, naming each case (an id the viewer may not see is a 404).
func (h *Handlers) CasesBulkConfirm(c *fiber.Ctx, r *Request) error {
	ids, ch, err := parseCaseBulk(queryMulti(c, "ids"), formValue(c, "action"))
	if err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	back := caseListReturn(c, r)
	cv := &confirmView{Action: caseBase(r) + "/bulk", Back: back}
	for _, id := range ids {
		k, err := r.Tenant.Case(c.UserContext(), v, id)
		if err != nil {
			return err
		}
		cv.Items = append(cv.Items, fmt.Sprintf("#%d %s (%s)", k.Number, k.Title, k.ClientName))
		cv.Fields = append(cv.Fields, confirmField{"ids", k.ID})
	}
	cv.Fields = append(cv.Fields, confirmField{"action", formValue(c, "action")}, confirmField{"return", back})
	n := fmt.Sprintf("%d cases", len(ids))
	if len(ids) == 1 {
		n = "1 case"
	}
	switch {
	case ch.Status != nil:
		cv.Heading, cv.Button = fmt.Sprintf("Set %s to %s?", n, tenant.CaseStatusLabel(*ch.Status)), "Change the status"
		cv.Lines = []string{"Each case's history and its client's portal show the change."}
	default:
		who := "nobody"
		if *ch.AssigneeID != "" {
			u, err := r.Tenant.UserByID(c.UserContext(), *ch.AssigneeID)
			if err != nil {
				return apperr.New(apperr.Invalid, "Choose a person of the agency to assign.")
			}
			who = u.Name
		}
		cv.Heading, cv.Button = fmt.Sprintf("Assign %s to %s?", n, who), "Assign"
	}
	return h.confirm(c, cv)
}

// RevokeOtherSessionsConfirm asks before the person is signed out
// everywhere but here.
func (h *Handlers) RevokeOtherSessionsConfirm(c *fiber.Ctx, r *Request) error {
	sessions, err := r.Tenant.UserSessions(c.UserContext(), r.User.ID)
	if err != nil {
		return err
	}
	others := 0
	for _, s := range sessions {
		if s.ID != r.Session.ID {
			others++
		}
	}
	page := "/a/" + r.Agency.Slug + "/account/sessions"
	lang := r.Lang()
	cv := &confirmView{Heading: i18n.T(lang, "sessions.revoke_q"), Action: page + "/others/revoke", Button: i18n.T(lang, "sessions.revoke_button"), Danger: true,
		Back: confirmBack(c, page)}
	if others == 0 {
		cv.Lines = []string{i18n.T(lang, "sessions.nowhere_else")}
	} else {
		cv.Lines = []string{i18n.T(lang, "sessions.others_end", others)}
	}
	return h.confirm(c, cv)
}

// RecurringEndConfirm and RecurringDeleteConfirm ask before a schedule is
// ended after its current period, or deleted (one that never issued).
func (h *Handlers) RecurringEndConfirm(c *fiber.Ctx, r *Request) error {
	return h.recurringConfirm(c, r, tenant.RecurringEnd)
}

func (h *Handlers) RecurringDeleteConfirm(c *fiber.Ctx, r *Request) error {
	return h.recurringConfirm(c, r, tenant.RecurringDelete)
}

func (h *Handlers) recurringConfirm(c *fiber.Ctx, r *Request, action string) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	rec, err := r.Tenant.Recurring(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	if rec.Status == tenant.RecurringEnded {
		return apperr.New(apperr.Conflict, "This recurring invoice has already ended.")
	}
	page := "/a/" + r.Agency.Slug + "/recurring/" + rec.ID
	cv := &confirmView{Action: page + "/" + action, Back: confirmBack(c, page), Danger: true}
	if action == tenant.RecurringDelete {
		runs, err := r.Tenant.RecurringRuns(c.UserContext(), rec.ID)
		if err != nil {
			return err
		}
		if len(runs) > 0 {
			return apperr.New(apperr.Conflict, "This recurring invoice has issued invoices: end it instead of deleting it.")
		}
		cv.Heading, cv.Button = "Delete the recurring invoice for "+rec.ClientName+"?", "Delete it"
		cv.Lines = []string{"It never issued an invoice; it is deleted with its lines. This cannot be undone.", "Nobody is emailed."}
	} else {
		cv.Heading, cv.Button = "End the recurring invoice for "+rec.ClientName+"?", "End it"
		cv.Lines = []string{"No invoice is issued after the current period; the invoices it made stay as they are. It cannot be resumed.", "Nobody is emailed."}
	}
	return h.confirm(c, cv)
}

// QuoteDeleteConfirm asks before a quote draft is deleted.
func (h *Handlers) QuoteDeleteConfirm(c *fiber.Ctx, r *Request) error {
	q, _, err := h.staffQuote(c, r)
	if err != nil {
		return err
	}
	if q.State != tenant.QuoteDraft {
		return apperr.New(apperr.Conflict, "%s", i18n.T(r.Lang(), "quotes.sent_never_deleted", "Label", q.Label()))
	}
	page := quoteBase(r) + "/" + q.ID
	lang := r.Lang()
	v := &confirmView{Heading: i18n.T(lang, "quotes.delete_q", "Client", q.ClientName), Action: page + "/delete", Button: i18n.T(lang, "confirm.delete_draft"), Danger: true,
		Back: confirmBack(c, page)}
	v.Lines = []string{i18n.T(lang, "quotes.delete_what", "Total", i18n.Money(lang, q.Total, q.Currency)), i18n.T(lang, "confirm.nobody_emailed")}
	return h.confirm(c, v)
}
