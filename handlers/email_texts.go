package handlers

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/mail"
)

// Owners and admins change the subject and opening paragraph of each kind
// of agency email (mail.EditableKinds) and see the email as it would go
// out before they save it.

// emailPreviewer renders an email kind with sample data (mail.Mailer).
type emailPreviewer interface {
	Preview(ctx context.Context, agencyID string, kind mail.EditableKind, text mail.Text) (*mail.Preview, error)
}

// emailKindRow is one kind on the list page.
type emailKindRow struct {
	Name, Label string
	Changed     bool
}

// emailTextsView is the list of the agency's email kinds.
type emailTextsView struct {
	Page
	Kinds []emailKindRow
}

// emailTextView is one kind's form and its preview.
type emailTextView struct {
	Page
	FormErrors
	Kind         string
	Label        string
	Placeholders []string
	Subject      string // the agency's own, "" for the template's
	Opening      string
	Preview      *mail.Preview
	PreviewURL   string // the HTML part, a document of its own for the frame
	Unsaved      bool   // the preview shows words not yet saved
}

func emailTextsPath(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/emails" }

// EmailTexts lists the kinds of agency email, marking those with the
// agency's own words.
func (h *Handlers) EmailTexts(c *fiber.Ctx, r *Request) error {
	texts, err := r.Tenant.EmailTexts(c.UserContext())
	if err != nil {
		return err
	}
	v := &emailTextsView{Page: Page{Title: "set.emails.title"}}
	for _, k := range mail.EditableKinds {
		_, changed := texts[k.Name]
		v.Kinds = append(v.Kinds, emailKindRow{Name: k.Name, Label: i18n.T(r.Lang(), "set.emails.kind."+k.Name), Changed: changed})
	}
	return h.page(c, "pages/settings/emails", v)
}

// editableKind is the kind named in the path, or a 404.
func editableKind(c *fiber.Ctx) (mail.EditableKind, error) {
	k, ok := mail.EditableKindNamed(c.Params("kind"))
	if !ok {
		return k, apperr.New(apperr.NotFound, "There is no such kind of email.")
	}
	return k, nil
}

// EmailText shows one kind's form with the email as it goes out now.
func (h *Handlers) EmailText(c *fiber.Ctx, r *Request) error {
	k, err := editableKind(c)
	if err != nil {
		return err
	}
	texts, err := r.Tenant.EmailTexts(c.UserContext())
	if err != nil {
		return err
	}
	own := texts[k.Name]
	return h.emailTextPage(c, r, k, mail.Text{Subject: own.Subject, Opening: own.Opening}, false, nil)
}

func (h *Handlers) emailTextPage(c *fiber.Ctx, r *Request, k mail.EditableKind, text mail.Text, unsaved bool, formErr error) error {
	v := &emailTextView{Page: Page{Title: "Email: " + k.Label}, Kind: k.Name, Label: k.Label, Placeholders: k.PlaceholderNames(),
		Subject: text.Subject, Opening: text.Opening, Unsaved: unsaved}
	if formErr == nil {
		p, ok := h.Mailer.(emailPreviewer)
		if ok {
			prev, err := p.Preview(c.UserContext(), r.Agency.ID, k, text)
			if err != nil {
				return err
			}
			v.Preview = prev
			q := url.Values{"subject": {text.Subject}, "opening": {text.Opening}}
			v.PreviewURL = emailTextsPath(r) + "/" + k.Name + "/preview?" + q.Encode()
		}
	}
	return h.formPage(c, "pages/settings/email", "pages/settings/email", v, formErr)
}

// EmailTextUpdate saves one kind's subject and opening, or with the
// Preview button shows them without saving. Empty fields go back to the
// template's words; a refused text stores nothing.
func (h *Handlers) EmailTextUpdate(c *fiber.Ctx, r *Request) error {
	k, err := editableKind(c)
	if err != nil {
		return err
	}
	x, errs := tenant.ValidateEmailText(tenant.EmailText{Subject: formValue(c, "subject"), Opening: formValue(c, "opening")}, k.PlaceholderNames())
	text := mail.Text{Subject: x.Subject, Opening: x.Opening}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.emailTextPage(c, r, k, text, true, err)
	}
	if formValue(c, "preview") != "" {
		return h.emailTextPage(c, r, k, text, true, nil)
	}
	if err := r.Tenant.SaveEmailText(c.UserContext(), k.Name, x, k.PlaceholderNames(), auditFor(c, "email.text_changed", "")); err != nil {
		return err
	}
	h.flash(c, "Email saved: "+k.Label+".")
	return h.redirect(c, emailTextsPath(r)+"/"+k.Name)
}

// EmailTextPreview serves the HTML part of a kind's email with sample
// data, as a document of its own for the settings page's frame: its
// inline styles need a policy of their own, and it loads nothing.
func (h *Handlers) EmailTextPreview(c *fiber.Ctx, r *Request) error {
	k, err := editableKind(c)
	if err != nil {
		return err
	}
	x, errs := tenant.ValidateEmailText(tenant.EmailText{Subject: c.Query("subject"), Opening: c.Query("opening")}, k.PlaceholderNames())
	if err := apperr.FieldErrors(errs); err != nil {
		return err
	}
	p, ok := h.Mailer.(emailPreviewer)
	if !ok {
		return apperr.New(apperr.NotFound, "Previews are not available.")
	}
	prev, err := p.Preview(c.UserContext(), r.Agency.ID, k, mail.Text{Subject: x.Subject, Opening: x.Opening})
	if err != nil {
		return err
	}
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.SendString(prev.HTML)
}
