package handlers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// clientForm is the client form as typed, kept to show it again with its
// messages. Emails and phones are one per line, tags separated by commas.
type clientForm struct {
	Name, Kind, CompanyCode, VATNumber string
	Emails, Phones                     string
	Street, City, PostalCode, Country  string
	Notes, Tags, Responsible           string
	Version                            string // the client's updated time the form was made from
}

// clientFormFields are the form's fields whose messages the page shows.
var clientFormFields = []string{"name", "kind", "company_code", "vat_number", "emails", "phones", "street", "city", "postal_code", "country", "notes", "tags", "responsible"}

func parseClientForm(c *fiber.Ctx) clientForm {
	return clientForm{
		Name: formValue(c, "name"), Kind: formValue(c, "kind"), CompanyCode: formValue(c, "company_code"), VATNumber: formValue(c, "vat_number"),
		Emails: formValue(c, "emails"), Phones: formValue(c, "phones"),
		Street: formValue(c, "street"), City: formValue(c, "city"), PostalCode: formValue(c, "postal_code"), Country: formValue(c, "country"),
		Notes: c.FormValue("notes"), Tags: formValue(c, "tags"), Responsible: formValue(c, "responsible"),
		Version: formValue(c, "version"),
	}
}

// input turns the typed form into the values the database checks.
func (f clientForm) input() db.ClientInput {
	return db.ClientInput{
		Name: f.Name, Kind: f.Kind, CompanyCode: f.CompanyCode, VATNumber: f.VATNumber,
		Emails: db.SplitEmails(f.Emails), Phones: db.SplitPhones(f.Phones),
		Street: f.Street, City: f.City, PostalCode: f.PostalCode, Country: f.Country,
		Notes: f.Notes, Tags: db.SplitTags(f.Tags, ",\n"), ResponsibleID: f.Responsible,
	}
}

// clientFormOf fills the form from a stored client.
func clientFormOf(cl *db.Client) clientForm {
	return clientForm{
		Name: cl.Name, Kind: cl.Kind, CompanyCode: cl.CompanyCode, VATNumber: cl.VATNumber,
		Emails: strings.Join(cl.Emails, "\n"), Phones: strings.Join(cl.Phones, "\n"),
		Street: cl.Street, City: cl.City, PostalCode: cl.PostalCode, Country: cl.Country,
		Notes: cl.Notes, Tags: strings.Join(cl.Tags, ", "), Responsible: cl.ResponsibleID,
		Version: strconv.FormatInt(cl.UpdatedAt.Unix(), 10),
	}
}

// emailWarning tells that an address already belongs to another client.
type emailWarning struct {
	Email    string
	Name     string // empty when the viewer may not see that client
	URL      string
	Archived bool
}

// fieldMessage is what one field's message slot shows.
type fieldMessage struct {
	Name     string
	Error    string
	Warnings []emailWarning
	OOB      bool
}

// clientEmailWarnings finds the other clients that already use the form's
// email addresses. A client the viewer may not see is not named.
func (h *Handlers) clientEmailWarnings(c *fiber.Ctx, v db.Viewer, in db.ClientInput, selfID string) ([]emailWarning, error) {
	db.NormalizeClient(&in)
	owners, err := tenantOf(c).ClientsWithEmails(c.UserContext(), v, in.Emails, selfID)
	if err != nil {
		return nil, err
	}
	out := make([]emailWarning, 0, len(owners))
	for _, o := range owners {
		w := emailWarning{Email: o.Email, Archived: o.Archived}
		if o.Visible {
			w.Name, w.URL = o.ClientName, clientsBase(c)+"/"+o.ClientID
		}
		out = append(out, w)
	}
	return out, nil
}

// clientMessages builds every field's message slot from errors and warnings.
func clientMessages(errs map[string]string, warnings []emailWarning) map[string]fieldMessage {
	m := make(map[string]fieldMessage, len(clientFormFields))
	for _, name := range clientFormFields {
		m[name] = fieldMessage{Name: name, Error: errs[name]}
	}
	if len(warnings) > 0 {
		fm := m["emails"]
		fm.Warnings = warnings
		m["emails"] = fm
	}
	return m
}

// clientFormPage renders the new or edit form (whole page, or for a plain
// htmx request the partial) with err's messages at their fields, the typed
// values kept, and the duplicate-email warnings.
func (h *Handlers) clientFormPage(c *fiber.Ctx, pageName, partialName string, data fiber.Map, f clientForm, selfID string, err error) error {
	v, verr := h.viewer(c)
	if verr != nil {
		return verr
	}
	choices, cerr := tenantOf(c).ResponsibleChoices(c.UserContext(), v)
	if cerr != nil {
		return cerr
	}
	warnings, werr := h.clientEmailWarnings(c, v, f.input(), selfID)
	if werr != nil {
		return werr
	}
	// A responsible person who can no longer be chosen (their account was
	// disabled) stays selected, so saving other fields does not drop them.
	var keep *db.StaffChoice
	if f.Responsible != "" && !slices.ContainsFunc(choices, func(s db.StaffChoice) bool { return s.ID == f.Responsible }) {
		if cl, ok := data["Client"].(*db.Client); ok && cl.ResponsibleID == f.Responsible {
			keep = &db.StaffChoice{ID: cl.ResponsibleID, Name: cl.ResponsibleName}
		}
	}
	data["Form"], data["Choices"], data["Keep"], data["OwnOnly"], data["Self"] = f, choices, keep, v.OwnOnly, selfID
	data["Messages"] = clientMessages(apperr.FieldsOf(err), warnings)
	data["ValidateURL"] = clientsBase(c) + "/validate"
	return h.mapFormPage(c, pageName, partialName, data, err)
}

// ClientNew shows the form for a new client, with the viewer responsible.
func (h *Handlers) ClientNew(c *fiber.Ctx) error {
	f := clientForm{Kind: db.ClientPerson, Responsible: userOf(c).ID}
	return h.clientFormPage(c, "pages/clients/new", "partials/clients/form", fiber.Map{"Title": "New client", "Action": clientsBase(c), "Cancel": clientsBase(c)}, f, "", nil)
}

// ClientCreate stores a new client and opens its page.
func (h *Handlers) ClientCreate(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	err = h.checkClientLimit(c, 1) // the plan's number of clients
	var cl *db.Client
	if err == nil {
		cl, err = tenantOf(c).CreateClient(c.UserContext(), v, f.input(), auditFor(c, "client.created", ""))
	}
	if err != nil {
		return h.clientFormPage(c, "pages/clients/new", "partials/clients/form", fiber.Map{"Title": "New client", "Action": clientsBase(c), "Cancel": clientsBase(c)}, f, "", err)
	}
	h.flash(c, cl.Name+" was added.")
	return h.redirect(c, clientsBase(c)+"/"+cl.ID)
}

// ClientValidate checks the form as the person types and answers with the
// message slots of the fields worth reporting, swapped in place out of
// band: the field being typed in, and every field that holds a value (an
// empty field nobody reached yet is not scolded). It changes nothing.
func (h *Handlers) ClientValidate(c *fiber.Ctx) error {
	t := tenantOf(c)
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	in := f.input()
	db.NormalizeClient(&in)
	errs := db.ValidateClient(in)
	if msg, err := t.CheckResponsible(c.UserContext(), v, in.ResponsibleID); err != nil {
		return err
	} else if msg != "" {
		errs["responsible"] = msg
	}
	selfID := formValue(c, "self")
	warnings, err := h.clientEmailWarnings(c, v, in, selfID)
	if err != nil {
		return err
	}
	typed := map[string]string{
		"name": f.Name, "kind": f.Kind, "company_code": f.CompanyCode, "vat_number": f.VATNumber, "emails": f.Emails, "phones": f.Phones,
		"street": f.Street, "city": f.City, "postal_code": f.PostalCode, "country": f.Country, "notes": f.Notes, "tags": f.Tags, "responsible": f.Responsible,
	}
	trigger := c.Get("HX-Trigger-Name")
	all := clientMessages(errs, warnings)
	var slots []fieldMessage
	for _, name := range clientFormFields {
		if name == trigger || typed[name] != "" {
			m := all[name]
			m.OOB = true
			slots = append(slots, m)
		}
	}
	return h.mapFragment(c, "partials/clients/messages", fiber.Map{"Slots": slots})
}

// ClientEdit shows the edit form: the whole page, or for htmx the form
// that replaces the contact card.
func (h *Handlers) ClientEdit(c *fiber.Ctx) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	cl, err := tenantOf(c).Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.clientFormPage(c, "pages/clients/edit", "partials/clients/edit-card", h.clientEditData(c, cl), clientFormOf(cl), cl.ID, nil)
}

func (h *Handlers) clientEditData(c *fiber.Ctx, cl *db.Client) fiber.Map {
	url := clientsBase(c) + "/" + cl.ID
	return fiber.Map{"Title": "Edit " + cl.Name, "Client": cl, "Action": url, "Cancel": url, "Inline": isHTMX(c) && c.Get("HX-Boosted") != "true"}
}

// ClientUpdate saves the edit form. For htmx it answers with the contact
// card (or the form again with its messages); otherwise it goes back to
// the client's page.
func (h *Handlers) ClientUpdate(c *fiber.Ctx) error {
	t := tenantOf(c)
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	old, err := t.Client(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	f := parseClientForm(c)
	version, _ := strconv.ParseInt(f.Version, 10, 64)
	cl, changed, err := t.UpdateClient(c.UserContext(), v, id, version, f.input(), auditFor(c, "client.updated", ""))
	if apperr.Is(err, apperr.NotFound) {
		return err
	}
	if err != nil {
		if apperr.Is(err, apperr.Conflict) {
			if cur, lerr := t.Client(c.UserContext(), v, id); lerr == nil {
				f.Version, old = strconv.FormatInt(cur.UpdatedAt.Unix(), 10), cur
			}
		}
		return h.clientFormPage(c, "pages/clients/edit", "partials/clients/edit-card", h.clientEditData(c, old), f, id, err)
	}
	msg := "Nothing to save: the details are as they were."
	if changed {
		msg = "Saved."
	}
	if wantsFragment(c) {
		toast(c, "info", msg, "client-changed") // the activity tab shows the change
		return h.mapFragment(c, "partials/clients/card", h.clientShowData(c, cl))
	}
	h.flash(c, msg)
	return h.redirect(c, clientsBase(c)+"/"+cl.ID)
}
