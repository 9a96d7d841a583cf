package handlers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// clientForm is the client form as typed, kept to show it again with its
// messages. Emails and phones are one per line, tags separated by commas.
type clientForm struct {
	Name, Kind, CompanyCode, VATNumber string
	Emails, Phones                     string
	Street, City, PostalCode, Country  string
	Notes, Tags, Responsible           string
	Version                            string // the client's Version the form was made from
	// Language is the client's language for emails and PDFs ("" the
	// agency's); HasLanguage tells the posted form carried the field (the
	// edit form has it, the new-client form does not).
	Language    string
	HasLanguage bool
}

func parseClientForm(c *fiber.Ctx) clientForm {
	return clientForm{
		Name: formValue(c, "name"), Kind: formValue(c, "kind"), CompanyCode: formValue(c, "company_code"), VATNumber: formValue(c, "vat_number"),
		Emails: formValue(c, "emails"), Phones: formValue(c, "phones"),
		Street: formValue(c, "street"), City: formValue(c, "city"), PostalCode: formValue(c, "postal_code"), Country: formValue(c, "country"),
		Notes: c.FormValue("notes"), Tags: formValue(c, "tags"), Responsible: formValue(c, "responsible"),
		Version:  formValue(c, "version"),
		Language: formValue(c, "language"), HasLanguage: c.Request().PostArgs().Has("language"),
	}
}

// input turns the typed form into the values the database checks.
func (f clientForm) input() tenant.ClientInput {
	return tenant.ClientInput{
		Name: f.Name, Kind: f.Kind, CompanyCode: f.CompanyCode, VATNumber: f.VATNumber,
		Emails: tenant.SplitEmails(f.Emails), Phones: tenant.SplitPhones(f.Phones),
		Street: f.Street, City: f.City, PostalCode: f.PostalCode, Country: f.Country,
		Notes: f.Notes, Tags: tenant.SplitTags(f.Tags, ",\n"), ResponsibleID: f.Responsible,
	}
}

// clientFormOf fills the form from a stored client.
func clientFormOf(cl *tenant.Client) clientForm {
	return clientForm{
		Name: cl.Name, Kind: cl.Kind, CompanyCode: cl.CompanyCode, VATNumber: cl.VATNumber,
		Emails: strings.Join(cl.Emails, "\n"), Phones: strings.Join(cl.Phones, "\n"),
		Street: cl.Street, City: cl.City, PostalCode: cl.PostalCode, Country: cl.Country,
		Notes: cl.Notes, Tags: strings.Join(cl.Tags, ", "), Responsible: cl.ResponsibleID,
		Version: strconv.FormatInt(cl.Version, 10),
	}
}

// emailWarning tells that an address already belongs to another client.
type emailWarning struct {
	Email    string
	Name     string // empty when the viewer may not see that client
	URL      string
	Archived bool
}

// fieldMessage is what one field's message slot shows, for
// views/partials/clients/msg.html.
type fieldMessage struct {
	Name     string
	Error    string
	Warnings []emailWarning
	OOB      bool
}

// clientMessages are the message slots of the client form's fields.
type clientMessages struct {
	Name, Kind, CompanyCode, VATNumber, Emails, Phones, Street, City, PostalCode, Country, Notes, Tags, Responsible fieldMessage
}

// slots are the form's message slots in the form's order, each with its
// field's name.
func (m *clientMessages) slots() []*fieldMessage {
	return []*fieldMessage{&m.Name, &m.Kind, &m.CompanyCode, &m.VATNumber, &m.Emails, &m.Phones,
		&m.Street, &m.City, &m.PostalCode, &m.Country, &m.Notes, &m.Tags, &m.Responsible}
}

// clientFormFields are the form's fields, in the order of clientMessages.slots.
var clientFormFields = []string{"name", "kind", "company_code", "vat_number", "emails", "phones", "street", "city", "postal_code", "country", "notes", "tags", "responsible"}

// newClientMessages builds every field's message slot from errors and warnings.
func newClientMessages(errs map[string]string, warnings []emailWarning) clientMessages {
	var m clientMessages
	for i, slot := range m.slots() {
		name := clientFormFields[i]
		*slot = fieldMessage{Name: name, Error: errs[name]}
	}
	m.Emails.Warnings = warnings
	return m
}

// clientEmailWarnings finds the other clients that already use the form's
// email addresses. A client the viewer may not see is not named.
func (h *Handlers) clientEmailWarnings(c *fiber.Ctx, r *Request, v tenant.Viewer, in tenant.ClientInput, selfID string) ([]emailWarning, error) {
	tenant.NormalizeClient(&in)
	owners, err := r.Tenant.ClientsWithEmails(c.UserContext(), v, in.Emails, selfID)
	if err != nil {
		return nil, err
	}
	out := make([]emailWarning, 0, len(owners))
	for _, o := range owners {
		w := emailWarning{Email: o.Email, Archived: o.Archived}
		if o.Visible {
			w.Name, w.URL = o.ClientName, clientsPath(r)+"/"+o.ClientID
		}
		out = append(out, w)
	}
	return out, nil
}

// clientFormView is the new and edit client pages, the form partial, and
// the edit card that replaces the contact card for htmx.
type clientFormView struct {
	Page
	FormErrors
	Form               clientForm
	Client             *tenant.Client // the edited client; nil for a new one
	Action             string
	Cancel             string
	Inline             bool   // the form posts by htmx and answers with the contact card
	Self               string // the edited client's id, so its own emails are no warning
	ValidateURL        string
	OwnOnly            bool // the viewer can make only themselves responsible
	ResponsibleOptions []option
	Messages           clientMessages
	Languages          []languageOption // the edit form's language choice for emails and PDFs
}

// newClientFormView is the form for a new client, posting to the list.
func newClientFormView(r *Request) *clientFormView {
	base := clientsPath(r)
	return &clientFormView{Page: Page{Title: "clients.new_client"}, Action: base, Cancel: base}
}

// editClientFormView is the form that edits cl.
func editClientFormView(c *fiber.Ctx, r *Request, cl *tenant.Client) *clientFormView {
	url := clientsPath(r) + "/" + cl.ID
	return &clientFormView{Page: Page{Title: i18n.T(r.Lang(), "clients.edit_name", "Name", cl.Name)}, Client: cl, Action: url, Cancel: url, Self: cl.ID,
		Inline: isHTMX(c) && c.Get("HX-Boosted") != "true", Languages: languageOptions()}
}

// clientFormPage renders the new or edit form (whole page, or for a plain
// htmx request the partial) with err's messages at their fields, the typed
// values kept, and the duplicate-email warnings.
func (h *Handlers) clientFormPage(c *fiber.Ctx, r *Request, pageName, partialName string, view *clientFormView, f clientForm, err error) error {
	v, verr := r.Viewer(c.UserContext())
	if verr != nil {
		return verr
	}
	choices, cerr := r.Tenant.ResponsibleChoices(c.UserContext(), v)
	if cerr != nil {
		return cerr
	}
	warnings, werr := h.clientEmailWarnings(c, r, v, f.input(), view.Self)
	if werr != nil {
		return werr
	}
	options := make([]option, 0, len(choices)+1)
	// A responsible person who can no longer be chosen (their account was
	// disabled) stays selected, so saving other fields does not drop them.
	if cl := view.Client; f.Responsible != "" && cl != nil && cl.ResponsibleID == f.Responsible &&
		!slices.ContainsFunc(choices, func(s tenant.StaffChoice) bool { return s.ID == f.Responsible }) {
		options = append(options, option{cl.ResponsibleID, cl.ResponsibleName + " (can no longer sign in)", true})
	}
	for _, s := range choices {
		options = append(options, option{s.ID, s.Name, s.ID == f.Responsible})
	}
	view.Form, view.ResponsibleOptions, view.OwnOnly = f, options, v.OwnOnly
	view.Messages = newClientMessages(apperr.FieldsOf(err), warnings)
	view.ValidateURL = clientsPath(r) + "/validate"
	return h.formPage(c, pageName, partialName, view, err)
}

// ClientNew shows the form for a new client, with the viewer responsible.
func (h *Handlers) ClientNew(c *fiber.Ctx, r *Request) error {
	f := clientForm{Kind: tenant.ClientPerson, Responsible: r.User.ID}
	return h.clientFormPage(c, r, "pages/clients/new", "partials/clients/form", newClientFormView(r), f, nil)
}

// ClientCreate stores a new client and opens its page.
func (h *Handlers) ClientCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	limits, err := h.plans.Limits(c.UserContext(), r.Agency) // the plan's number of clients, counted as the client is stored
	var cl *tenant.Client
	if err == nil {
		cl, err = r.Tenant.CreateClientWithin(c.UserContext(), v, f.input(), limits, auditFor(c, "client.created", ""))
	}
	if err != nil {
		return h.clientFormPage(c, r, "pages/clients/new", "partials/clients/form", newClientFormView(r), f, err)
	}
	h.flash(c, cl.Name+" was added.")
	return h.redirect(c, clientsPath(r)+"/"+cl.ID)
}

// clientMessagesView is the message slots the validate endpoint swaps in
// out of band, for views/partials/clients/messages.html.
type clientMessagesView struct {
	Page
	Slots []fieldMessage
}

// ClientValidate checks the form as the person types and answers with the
// message slots of the fields worth reporting, swapped in place out of
// band: the field being typed in, and every field that holds a value (an
// empty field nobody reached yet is not scolded). It changes nothing.
func (h *Handlers) ClientValidate(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	in := f.input()
	tenant.NormalizeClient(&in)
	errs := tenant.ValidateClient(in)
	if msg, err := t.CheckResponsible(c.UserContext(), v, in.ResponsibleID); err != nil {
		return err
	} else if msg != "" {
		errs["responsible"] = msg
	}
	selfID := formValue(c, "self")
	warnings, err := h.clientEmailWarnings(c, r, v, in, selfID)
	if err != nil {
		return err
	}
	typed := map[string]string{
		"name": f.Name, "kind": f.Kind, "company_code": f.CompanyCode, "vat_number": f.VATNumber, "emails": f.Emails, "phones": f.Phones,
		"street": f.Street, "city": f.City, "postal_code": f.PostalCode, "country": f.Country, "notes": f.Notes, "tags": f.Tags, "responsible": f.Responsible,
	}
	trigger := c.Get("HX-Trigger-Name")
	all := newClientMessages(errs, warnings)
	view := &clientMessagesView{}
	for _, m := range all.slots() {
		if m.Name == trigger || typed[m.Name] != "" {
			m.OOB = true
			view.Slots = append(view.Slots, *m)
		}
	}
	return h.fragment(c, "partials/clients/messages", view)
}

// ClientEdit shows the edit form: the whole page, or for htmx the form
// that replaces the contact card.
func (h *Handlers) ClientEdit(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cl, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	f := clientFormOf(cl)
	if f.Language, err = r.Tenant.ClientLanguage(c.UserContext(), cl.ID); err != nil {
		return err
	}
	return h.clientFormPage(c, r, "pages/clients/edit", "partials/clients/edit-card", editClientFormView(c, r, cl), f, nil)
}

// ClientUpdate saves the edit form. For htmx it answers with the contact
// card (or the form again with its messages); otherwise it goes back to
// the client's page.
func (h *Handlers) ClientUpdate(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	old, err := t.Client(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	if f.HasLanguage && f.Language != "" && !i18n.Supported(f.Language) { // refused before anything is saved
		return h.clientFormPage(c, r, "pages/clients/edit", "partials/clients/edit-card", editClientFormView(c, r, old), f,
			apperr.FieldErrors(map[string]string{"language": "Choose one of the languages listed."}))
	}
	version, _ := strconv.ParseInt(f.Version, 10, 64)
	cl, changed, err := t.UpdateClient(c.UserContext(), v, id, version, f.input(), auditFor(c, "client.updated", ""))
	if err == nil && f.HasLanguage {
		var langChanged bool
		langChanged, err = t.SetClientLanguage(c.UserContext(), id, f.Language, auditFor(c, "client.updated", id))
		changed = changed || langChanged
	}
	if apperr.Is(err, apperr.NotFound) {
		return err
	}
	if err != nil {
		if apperr.Is(err, apperr.Conflict) {
			if cur, lerr := t.Client(c.UserContext(), v, id); lerr == nil {
				f.Version, old = strconv.FormatInt(cur.Version, 10), cur
			}
		}
		return h.clientFormPage(c, r, "pages/clients/edit", "partials/clients/edit-card", editClientFormView(c, r, old), f, err)
	}
	msg := "Nothing to save: the details are as they were."
	if changed {
		msg = "Saved."
	}
	if wantsFragment(c) {
		toast(c, "info", msg, "client-changed") // the activity tab shows the change
		return h.fragment(c, "partials/clients/card", newClientShowView(r, cl))
	}
	h.flash(c, msg)
	return h.redirect(c, clientsPath(r)+"/"+cl.ID)
}
