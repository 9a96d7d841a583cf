package handlers

// Agreements without a quote (issue 18 point 4), the staff side: owners
// and admins keep the templates; staff write an agreement for a client
// from one (its fields filled and checked by app.FillAgreement), see it
// as its signers will, and send it.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// agreementBase is the URL of the request's agency's agreements.
func agreementBase(r *Request) string { return "/a/" + r.Agency.Slug + "/agreements" }

// agreementRow is an agreement in a list.
type agreementRow struct {
	URL, Title, ClientName, State, StateLabel string
	Created                                   time.Time
}

func agreementRows(r *Request, base string, gs []tenant.Agreement) []agreementRow {
	out := make([]agreementRow, len(gs))
	for i, g := range gs {
		out[i] = agreementRow{URL: base + "/" + g.ID, Title: g.Title, ClientName: g.ClientName, State: g.State,
			StateLabel: i18n.T(r.Lang(), "agreement.state."+g.State), Created: r.local(g.CreatedAt)}
	}
	return out
}

// agreementsIndexView is the staff list of agreements.
type agreementsIndexView struct {
	Page
	Base      string
	Rows      []agreementRow
	Templates bool // the person may keep the templates (owners and admins)
}

// AgreementsIndex lists the agreements the person may see, newest first.
func (h *Handlers) AgreementsIndex(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	gs, err := r.Tenant.Agreements(c.UserContext(), v, "")
	if err != nil {
		return err
	}
	base := agreementBase(r)
	return h.page(c, "pages/agreements/index", &agreementsIndexView{Page: Page{Title: "nav.Agreements"}, Base: base, Rows: agreementRows(r, base, gs),
		Templates: r.User.Role == tenant.RoleOwner || r.User.Role == tenant.RoleAdmin})
}

// agreementTemplatesView is the templates' list and the form of a new one.
type agreementTemplatesView struct {
	Page
	FormErrors
	Base      string
	Templates []tenant.AgreementTemplate
	Form      tenant.AgreementTemplateInput
}

func (h *Handlers) agreementTemplatesPage(c *fiber.Ctx, r *Request, form tenant.AgreementTemplateInput, formErr error) error {
	tps, err := r.Tenant.AgreementTemplates(c.UserContext())
	if err != nil {
		return err
	}
	view := &agreementTemplatesView{Page: Page{Title: "agreements.templates"}, Base: agreementBase(r), Templates: tps, Form: form}
	return h.formPage(c, "pages/agreements/templates", "pages/agreements/templates", view, formErr)
}

// AgreementTemplates lists the templates, with the form of a new one.
func (h *Handlers) AgreementTemplates(c *fiber.Ctx, r *Request) error {
	return h.agreementTemplatesPage(c, r, tenant.AgreementTemplateInput{}, nil)
}

// AgreementTemplateCreate stores a template; an unknown field, no title
// or no text shows the form again with its message, and stores nothing.
func (h *Handlers) AgreementTemplateCreate(c *fiber.Ctx, r *Request) error {
	in := tenant.AgreementTemplateInput{Title: c.FormValue("title"), Body: c.FormValue("body")}
	_, err := app.AgreementFields(in.Body)
	if err == nil {
		_, err = r.Tenant.CreateAgreementTemplate(c.UserContext(), caseActor(r), in, auditFor(c, "agreement_template.created", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.agreementTemplatesPage(c, r, in, err)
	}
	h.flash(c, i18n.T(r.Lang(), "agreements.template_saved"))
	return h.redirect(c, agreementBase(r)+"/templates")
}

// agreementFieldInput is one custom field of the agreement form.
type agreementFieldInput struct {
	Key, Kind, Name, Value string
}

// agreementFormView is the form of a new agreement: first the template
// and the client, then the fields, the case and the signers.
type agreementFormView struct {
	Page
	FormErrors
	Base       string
	Templates  []option
	Clients    []option
	Cases      []option
	TemplateID string
	ClientID   string
	Title      string
	Chosen     bool // a template and a client are chosen: the rest of the form shows
	Fields     []agreementFieldInput
	Signers    []signerChoice // one select per signer position, of the client's contacts
}

// signerChoice is the select of the signer at position N.
type signerChoice struct {
	N       int
	Options []option
}

// agreementForm is what the agreement form posts.
type agreementForm struct {
	TemplateID, ClientID, CaseID, Title string
	Values                              map[string]string
	SignerIDs                           []string // by position, "" for none
}

func agreementFormOf(c *fiber.Ctx) agreementForm {
	f := agreementForm{TemplateID: formValue(c, "template_id"), ClientID: formValue(c, "client_id"), CaseID: formValue(c, "case_id"),
		Title: formValue(c, "title"), Values: map[string]string{}}
	for i := 1; i <= tenant.AgreementSignersMax; i++ {
		f.SignerIDs = append(f.SignerIDs, formValue(c, "signer_"+strconv.Itoa(i)))
	}
	return f
}

func (h *Handlers) agreementFormView(ctx context.Context, r *Request, form agreementForm, tp *tenant.AgreementTemplate) (*agreementFormView, error) {
	v, err := r.Viewer(ctx)
	if err != nil {
		return nil, err
	}
	view := &agreementFormView{Page: Page{Title: "agreements.new"}, Base: agreementBase(r), TemplateID: form.TemplateID, ClientID: form.ClientID, Title: form.Title}
	tps, err := r.Tenant.AgreementTemplates(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tps {
		view.Templates = append(view.Templates, option{t.ID, t.Title, t.ID == form.TemplateID})
	}
	clients, err := r.Tenant.CaseClientChoices(ctx, v, "", caseClientChoices)
	if err != nil {
		return nil, err
	}
	for _, cl := range clients {
		view.Clients = append(view.Clients, option{cl.ID, cl.Name, cl.ID == form.ClientID})
	}
	if tp == nil || form.ClientID == "" {
		return view, nil
	}
	if _, err := r.Tenant.Client(ctx, v, form.ClientID); err != nil {
		return nil, err
	}
	view.Chosen = true
	if view.Title == "" {
		view.Title = tp.Title
	}
	fields, err := app.AgreementFields(tp.Body)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		view.Fields = append(view.Fields, agreementFieldInput{Key: f.Key, Kind: f.Kind, Name: f.Name, Value: form.Values[f.Key]})
	}
	view.Cases = invoiceCaseOptions(ctx, r, v, form.ClientID, form.CaseID)
	contacts, err := r.Tenant.ClientContacts(ctx, v, form.ClientID)
	if err != nil {
		return nil, err
	}
	for i := 0; i < min(len(contacts), tenant.AgreementSignersMax); i++ {
		chosen := ""
		if i < len(form.SignerIDs) {
			chosen = form.SignerIDs[i]
		}
		opts := []option{{"", i18n.T(r.Lang(), "agreements.no_signer"), chosen == ""}}
		for _, u := range contacts {
			if u.Status == tenant.UserActive {
				opts = append(opts, option{u.ID, u.Name + " <" + u.Email + ">", u.ID == chosen})
			}
		}
		view.Signers = append(view.Signers, signerChoice{N: i + 1, Options: opts})
	}
	return view, nil
}

// agreementTemplateOf loads the form's template: another agency's, or
// none of this one's, is not found.
func (h *Handlers) agreementTemplateOf(c *fiber.Ctx, r *Request, id string) (*tenant.AgreementTemplate, error) {
	if id == "" {
		return nil, nil
	}
	return r.Tenant.AgreementTemplate(c.UserContext(), id)
}

// AgreementNew shows the form of a new agreement; ?template= and
// ?client= choose what it is written from.
func (h *Handlers) AgreementNew(c *fiber.Ctx, r *Request) error {
	form := agreementForm{TemplateID: strings.TrimSpace(c.Query("template")), ClientID: strings.TrimSpace(c.Query("client")), Values: map[string]string{}}
	tp, err := h.agreementTemplateOf(c, r, form.TemplateID)
	if err != nil {
		return err
	}
	view, err := h.agreementFormView(c.UserContext(), r, form, tp)
	if err != nil {
		return err
	}
	return h.page(c, "pages/agreements/new", view)
}

// AgreementCreate saves a draft from its template with the fields filled;
// a missing or badly formed field, no signer or a signer not a contact of
// the client shows the form again with its messages, and saves nothing.
func (h *Handlers) AgreementCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := agreementFormOf(c)
	tp, err := h.agreementTemplateOf(c, r, form.TemplateID)
	if err != nil {
		return err
	}
	if tp == nil {
		return apperr.New(apperr.NotFound, "Template not found.")
	}
	client, err := r.Tenant.Client(c.UserContext(), v, form.ClientID)
	if err != nil {
		return err
	}
	fields, _ := app.AgreementFields(tp.Body)
	for _, f := range fields {
		form.Values[f.Key] = c.FormValue(f.Key)
	}
	s, err := r.Tenant.BillingSettings(c.UserContext())
	if err != nil {
		return err
	}
	body, values, err := app.FillAgreement(tp.Body, client, r.Agency.Name, s.Currency, form.Values)
	var g *tenant.Agreement
	if err == nil {
		var signers []string
		for _, id := range form.SignerIDs {
			if id != "" {
				signers = append(signers, id)
			}
		}
		title := form.Title
		if title == "" {
			title = tp.Title
		}
		g, err = r.Tenant.CreateAgreement(c.UserContext(), v, caseActor(r), tenant.AgreementInput{TemplateID: tp.ID, ClientID: client.ID, CaseID: form.CaseID,
			Title: title, Body: body, Fields: values, SignerIDs: signers}, auditFor(c, "agreement.created", ""))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		view, viewErr := h.agreementFormView(c.UserContext(), r, form, tp)
		if viewErr != nil {
			return viewErr
		}
		return h.formPage(c, "pages/agreements/new", "pages/agreements/new", view, err)
	}
	h.flash(c, i18n.T(r.Lang(), "agreements.draft_saved"))
	return h.redirect(c, agreementBase(r)+"/"+g.ID)
}

// agreementSignerView is one signer as the agreement's pages show them.
type agreementSignerView struct {
	Position              int
	Name, Email           string
	Signed, Current       bool
	SignedAt              time.Time
	SignerName, IP, Agent string
}

// agreementView is one agreement with its signers and history.
type agreementView struct {
	ID, URL, Title, ClientName, CaseNumber, State, StateLabel, Body, DocumentSHA256 string
	Lang                                                                            string // the viewer's language
	Signers                                                                         []agreementSignerView
	Completed                                                                       bool
}

func newAgreementView(r *Request, base string, g *tenant.Agreement) agreementView {
	out := agreementView{ID: g.ID, URL: base + "/" + g.ID, Title: g.Title, ClientName: g.ClientName, CaseNumber: g.CaseNumber, State: g.State,
		StateLabel: i18n.T(r.Lang(), "agreement.state."+g.State), Body: g.Body, DocumentSHA256: g.DocumentSHA256, Lang: r.Lang(), Completed: g.State == tenant.AgreementCompleted}
	cur := g.Current()
	for _, s := range g.Signers {
		out.Signers = append(out.Signers, agreementSignerView{Position: s.Position, Name: s.Name, Email: s.Email, Signed: s.Signed(),
			Current: cur != nil && cur.Position == s.Position, SignedAt: r.local(s.SignedAt), SignerName: s.SignerName, IP: s.IP, Agent: s.UserAgent})
	}
	return out
}

// agreementTimeline is an agreement's history, oldest first; for a
// contact (forClient) without the agency's drafting.
func agreementTimeline(ctx context.Context, r *Request, v tenant.Viewer, id string, forClient bool) ([]quoteEventView, error) {
	events, err := r.Tenant.AgreementEvents(ctx, v, id)
	if err != nil {
		return nil, err
	}
	out := make([]quoteEventView, 0, len(events))
	for _, e := range events {
		if forClient && clientHidden[e.Kind] {
			continue
		}
		actor := e.ActorName
		if actor == "" {
			actor = i18n.T(r.Lang(), "event.someone")
		}
		sentence := i18n.T(r.Lang(), "agreement.event."+e.Kind, "Actor", actor)
		if sentence == "agreement.event."+e.Kind {
			sentence = app.AgreementEventSentence(e)
		}
		out = append(out, quoteEventView{At: r.local(e.At), Kind: e.Kind, Sentence: sentence, Detail: e.Detail})
	}
	return out, nil
}

// agreementShowView is the staff page of one agreement: its preview while
// a draft, then its signers' progress.
type agreementShowView struct {
	Page
	FormErrors
	Base      string
	Agreement agreementView
	CanSend   bool
	History   []quoteEventView
}

// AgreementShow shows an agreement as its signers will read it.
func (h *Handlers) AgreementShow(c *fiber.Ctx, r *Request) error {
	return h.agreementShowPage(c, r, nil)
}

func (h *Handlers) agreementShowPage(c *fiber.Ctx, r *Request, formErr error) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	g, err := r.Tenant.Agreement(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	view := &agreementShowView{Page: Page{Title: g.Title}, Base: agreementBase(r), Agreement: newAgreementView(r, agreementBase(r), g), CanSend: g.State == tenant.AgreementDraft}
	if view.History, err = agreementTimeline(c.UserContext(), r, v, g.ID, false); err != nil {
		return err
	}
	return h.formPage(c, "pages/agreements/show", "pages/agreements/show", view, formErr)
}

// AgreementSend sends a draft and emails its first signer.
func (h *Handlers) AgreementSend(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	m, err := h.invoiceMailer()
	if err != nil {
		return err
	}
	g, err, mailErr := app.SendAgreement(c.UserContext(), m, r.Agency, r.Tenant, v, caseActor(r), c.Params("id"), auditFor(c, "agreement.sent", ""), h.Config.BaseURL)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return h.agreementShowPage(c, r, err)
		}
		return err
	}
	h.logFailed(c, "email the agreement's first signer", mailErr)
	h.flash(c, i18n.T(r.Lang(), "agreements.sent_flash", "Name", g.Signers[0].Name))
	return h.redirect(c, agreementBase(r)+"/"+g.ID)
}

// sendSignedAgreement answers with the stored signed PDF of the URL's
// agreement, loaded with v's access: not found until it is complete.
func (h *Handlers) sendSignedAgreement(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	g, err := r.Tenant.Agreement(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	signed, err := r.Tenant.SignedAgreement(c.UserContext(), v, g.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+app.SignedAgreementFilename(g)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(signed.PDF)
}

// AgreementSignedPDF downloads a completed agreement's signed PDF (staff).
func (h *Handlers) AgreementSignedPDF(c *fiber.Ctx, r *Request) error {
	return h.sendSignedAgreement(c, r)
}
