package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/mail"
)

// portalBase is the start of every portal URL of the agency.
func portalBase(r *Request) string { return "/a/" + r.Agency.Slug + "/portal" }

// portalUpdate is a recent change on a case, in the contact's words.
type portalUpdate struct {
	At         time.Time
	CaseURL    string
	CaseNumber string
	Sentence   string
	Text       string // typed text under the sentence (a note, a file name), its addresses shown as links
}

// PortalHome is the contact's start page: their client's open cases (with
// unread markers) and the latest updates.
func (h *Handlers) PortalHome(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t := r.Tenant
	cases, err := t.PortalCases(c.UserContext(), v)
	if err != nil {
		return err
	}
	events, err := t.PortalUpdates(c.UserContext(), v, 10)
	if err != nil {
		return err
	}
	updates := make([]portalUpdate, len(events))
	for i, e := range events {
		s, text := portalSentence(r.Lang(), e.Event)
		updates[i] = portalUpdate{At: r.local(e.At), CaseURL: portalBase(r) + "/cases/" + e.CaseID, CaseNumber: tenant.CaseNumber(e.CaseNumber), Sentence: s, Text: text}
	}
	invoices, err := t.PortalInvoices(c.UserContext(), v)
	if err != nil {
		return err
	}
	var unpaid []tenant.InvoiceRow
	for _, row := range invoices {
		if row.Open() {
			unpaid = append(unpaid, row)
		}
	}
	var open, done []tenant.PortalCase
	for _, k := range cases {
		if k.Open() {
			open = append(open, k)
		} else {
			done = append(done, k)
		}
	}
	toSend, err := h.portalDocRequests(c, r, v, "")
	if err != nil {
		return err
	}
	quotes, _, err := h.portalQuoteRows(c, r)
	if err != nil {
		return err
	}
	return h.page(c, "pages/portal/index", &portalHomeView{DocRequests: toSend, Quotes: quotes, Page: Page{Title: i18n.T(r.Lang(), "portal.title", "Agency", r.Agency.Name)}, Base: portalBase(r),
		Unpaid: portalInvoiceTable{Rows: h.invoiceRows(r, portalInvoiceBase(r), h.invoiceToday(r), unpaid), Lang: r.Lang()}, Open: open, Done: done, Updates: updates})
}

// portalHomeView is the portal's start page.
type portalHomeView struct {
	Page
	Base        string
	Unpaid      portalInvoiceTable
	Open        []tenant.PortalCase
	Done        []tenant.PortalCase
	Updates     []portalUpdate
	DocRequests portalDocRequestsView // docrequests.go: what is left to send
	Quotes      []quoteListRow        // portal_quotes.go: the quotes awaiting an answer
}

// PortalCase is one case as the client sees it: its client-visible history
// and a box for a message. Another client's case is not found.
func (h *Handlers) PortalCase(c *fiber.Ctx, r *Request) error {
	return h.portalCasePage(c, r, "", nil)
}

func (h *Handlers) portalCasePage(c *fiber.Ctx, r *Request, message string, formErr error) error {
	return h.portalCaseShow(c, r, message, formErr, nil)
}

// portalCaseReply is portalCasePage; reply says formErr refused the
// message (shown in the reply box under the conversation).
func (h *Handlers) portalCaseReply(c *fiber.Ctx, r *Request, message string, formErr error, reply bool) error {
	return h.portalCaseShow(c, r, message, formErr, func(view *portalCaseView) {
		if formErr != nil && reply {
			view.Thread.replyError(formErr)
			view.ReplyRefused = true
		}
	})
}

// portalDocRequestRefused is portalCasePage for a file refused for the
// document asked for reqID: the message shows beside that item's field.
func (h *Handlers) portalDocRequestRefused(c *fiber.Ctx, r *Request, reqID string, formErr error) error {
	return h.portalCaseShow(c, r, "", formErr, func(view *portalCaseView) {
		view.DocRequests.RefusedID = reqID
	})
}

// portalCaseShow is the portal case page; refused, when set, says which of
// its forms formErr refused.
func (h *Handlers) portalCaseShow(c *fiber.Ctx, r *Request, message string, formErr error, refused func(*portalCaseView)) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t, me := r.Tenant, r.User
	k, err := t.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	events, err := t.PortalCaseEvents(c.UserContext(), v, k.ID)
	if err != nil {
		return err
	}
	history := make([]portalUpdate, 0, len(events))
	for _, e := range events {
		if e.Kind == tenant.EventNote {
			continue // messages are in the conversation (messages.go)
		}
		s, text := portalSentence(r.Lang(), e)
		history = append(history, portalUpdate{At: r.local(e.At), Sentence: s, Text: text})
	}
	if formErr == nil {
		if err := t.MarkCaseRead(c.UserContext(), me.ID, k.ID); err != nil {
			return err
		}
	}
	view := &portalCaseView{Page: Page{Title: tenant.CaseNumber(k.Number) + " " + k.Title}, Base: portalBase(r), URL: portalBase(r) + "/cases/" + k.ID,
		Case: k, Number: tenant.CaseNumber(k.Number), Status: tenant.CaseStatusLabel(k.Status), History: history}
	if view.Thread, err = h.caseThread(c, r, v, k.ID); err != nil {
		return err
	}
	view.Thread.Body = message
	if view.Request, err = h.requestDetails(c, r, v, k.ID); err != nil {
		return err
	}
	if view.portalDocumentsView, err = h.portalDocuments(c, r, k.ID); err != nil {
		return err
	}
	if view.DocRequests, err = h.portalDocRequests(c, r, v, k.ID); err != nil {
		return err
	}
	if view.portalTasksView, err = h.portalTasks(c, r, v, k.ID); err != nil {
		return err
	}
	if refused != nil {
		refused(view)
	}
	return h.formPage(c, "pages/portal/case", "pages/portal/case", view, formErr)
}

// portalCaseView is a case's portal page: its history, the conversation
// and its shared documents. A refused reply shows its error in the reply
// box (Thread); any other refused form (an upload) shows FormErrors above
// the upload form.
type portalCaseView struct {
	Page
	FormErrors
	ReplyRefused bool
	Base         string
	URL          string
	Case         *tenant.Case
	Number       string
	Status       string
	History      []portalUpdate
	Thread       threadView      // messages.go
	Request      *requestDetails // requests.go; nil for a case the agency opened
	portalDocumentsView
	DocRequests     portalDocRequestsView // docrequests.go
	portalTasksView                       // tasks_portal.go
}

// afterClientActivity marks the case for the staff's unread markers and
// emails the staff member looking after it. The message or upload is
// already saved: a failure here is logged, not answered, so that nobody
// sends it again.
func (h *Handlers) afterClientActivity(c *fiber.Ctx, r *Request, caseID, template, text string) {
	h.logFailed(c, "mark client activity", r.Tenant.NoteClientActivity(c.UserContext(), caseID))
	h.logFailed(c, "email the case's staff", h.notifyStaffOfClient(c, r, caseID, template, text))
}

// logFailed logs what went wrong in a step that follows a saved change and
// must not turn it into an error page (an email, a marker).
func (h *Handlers) logFailed(c *fiber.Ctx, what string, err error) {
	if err != nil {
		h.logger(c).Error(what, "err", err)
	}
}

// notifyStaffOfClient emails the staff member looking after the case that
// the client wrote or uploaded something, unless they turned that off.
func (h *Handlers) notifyStaffOfClient(c *fiber.Ctx, r *Request, caseID, template, text string) error {
	return h.caseMail.StaffOfClient(c.UserContext(), r.Agency, r.Tenant, r.User, caseID, template, text)
}

// notifyContacts emails the case's client contacts that something was
// shared with them, unless they turned that off.
func (h *Handlers) notifyContacts(c *fiber.Ctx, r *Request, caseID, template, text string) error {
	return h.caseMail.Contacts(c.UserContext(), r.Agency, r.Tenant, r.User, caseID, template, text)
}

// notifyInvoice emails a client's contacts that an invoice was issued to
// them, with the link to it in the portal.
func (h *Handlers) notifyInvoice(c *fiber.Ctx, r *Request, inv *tenant.Invoice) error {
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	return app.NotifyInvoiceContacts(c.UserContext(), m, r.Agency, r.Tenant, inv, h.Config.BaseURL)
}

// mailPeople queues template to each person who has not turned emails of
// kind off (app.CaseMail.People); a notification about case caseID ("" for
// none) answers to the case by email when an inbound domain is set.
func (h *Handlers) mailPeople(c *fiber.Ctx, r *Request, caseID string, people []*tenant.User, kind, template string, data fiber.Map) error {
	return h.caseMail.People(c.UserContext(), r.Agency, r.Tenant, r.User, caseID, people, kind, template, data)
}

// ContactInvite invites a contact of the client to the portal.
func (h *Handlers) ContactInvite(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	clientID := c.Params("id")
	cl, err := t.Client(c.UserContext(), v, clientID)
	if err != nil {
		return err
	}
	email, msg := tenant.ValidateEmail(formValue(c, "email"))
	back := clientsPath(r) + "/" + cl.ID + "?tab=portal"
	if msg != "" {
		return h.clientPortalTab(c, r, cl, formValue(c, "email"), invalidField("email", msg))
	}
	token, inv, err := t.CreateContactInvite(c.UserContext(), v, cl.ID, email, me.ID, h.Config.InviteTTL, auditFor(c, "contact.invited", email))
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return err
		}
		return h.clientPortalTab(c, r, cl, email, err)
	}
	if err := h.Mailer.QueueWith(c.UserContext(), a.ID, inv.Email, "contact-invite", fiber.Map{
		"AgencyName": a.Name, "InviterName": me.Name, "ClientName": cl.Name,
		"Link": h.Config.BaseURL + "/a/" + a.Slug + "/invite/" + token, "ExpiresAt": inv.ExpiresAt,
	}, mail.Options{ReplyTo: me.Email}); err != nil {
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "portal.invitation_sent", "Email", inv.Email))
	return h.redirect(c, back)
}

// clientPortalTab shows the client page's portal tab again with the invite
// form's error.
func (h *Handlers) clientPortalTab(c *fiber.Ctx, r *Request, cl *tenant.Client, email string, formErr error) error {
	view, err := h.clientPortalView(c, r, cl)
	if err != nil {
		return err
	}
	view.InviteEmail = email
	return h.formPage(c, "pages/clients/show", "partials/clients/tabs", view, formErr)
}

// emailKindsFor is the kinds of notification email that reach u's role.
func emailKindsFor(lang string, u *tenant.User) []tenant.EmailKind {
	var out []tenant.EmailKind
	for _, k := range tenant.EmailKinds {
		if (k.Key == tenant.EmailClientActivity) == u.IsStaff() {
			k.Label, k.Help = i18n.T(lang, "emailkind."+k.Key), i18n.T(lang, "emailkind."+k.Key+".help")
			out = append(out, k)
		}
	}
	return out
}

// EmailPreferencesForm shows which kinds of notification email a person gets.
func (h *Handlers) EmailPreferencesForm(c *fiber.Ctx, r *Request) error {
	me := r.User
	off, err := r.Tenant.EmailOptOuts(c.UserContext(), me.ID)
	if err != nil {
		return err
	}
	return h.page(c, "pages/account/emails", &emailPreferencesView{Page: Page{Title: "emailprefs.title"}, Kinds: emailKindsFor(r.Lang(), me), Off: off})
}

// emailPreferencesView is the form of which notification emails a person
// gets: every kind for their role, and the ones turned off.
type emailPreferencesView struct {
	Page
	Kinds []tenant.EmailKind
	Off   map[string]bool // by kind key
}

// EmailPreferences saves which kinds of notification email a person gets.
func (h *Handlers) EmailPreferences(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	var off []string
	for _, k := range emailKindsFor(r.Lang(), me) {
		if c.FormValue(k.Key) != "on" {
			off = append(off, k.Key)
		}
	}
	if err := t.SetEmailOptOuts(c.UserContext(), me.ID, off, auditFor(c, "email_preferences.changed", me.Email)); err != nil {
		return err
	}
	h.flash(c, "Email preferences saved.")
	return h.redirect(c, "/a/"+a.Slug+"/account/emails")
}
