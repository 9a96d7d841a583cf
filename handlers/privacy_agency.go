package handlers

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// ClientExportZip sends one client's complete record as a ZIP
// (app.Privacy.ExportClient).
func (h *Handlers) ClientExportZip(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	t, id := r.Tenant, c.Params("id")
	name := fmt.Sprintf("client-%s-%s.zip", id, control.Day(h.Clock.Now()))
	err = h.sendTempFile(c, name, "application/zip", func(w io.Writer) error {
		return h.privacy(r).ExportClient(c.UserContext(), v, id, w, h.Clock.Now(), func(inv *tenant.Invoice) ([]byte, error) {
			return h.invoicePDF(c, r, inv)
		})
	})
	if err != nil {
		return err
	}
	return t.RecordAudit(c.UserContext(), auditFor(c, "client.exported", id))
}

// privacy is app's privacy operations on the request's agency.
func (h *Handlers) privacy(r *Request) app.Privacy {
	return app.Privacy{Control: h.Control, Agency: r.Agency, Tenant: r.Tenant}
}

// clientEraseView is the form that erases a client once their name is typed.
type clientEraseView struct {
	Page
	FormErrors
	Client *tenant.Client
}

// ClientEraseForm asks for the client's name before erasing them.
func (h *Handlers) ClientEraseForm(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cl, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/privacy/erase", "pages/privacy/erase", &clientEraseView{Page: Page{Title: i18n.T(r.Lang(), "erase.title", "Name", cl.Name)}, Client: cl}, nil)
}

// ClientErase erases a client's personal data once their name is typed.
func (h *Handlers) ClientErase(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	er, err := h.privacy(r).EraseClient(c.UserContext(), v, id, c.FormValue("confirm_name"), auditFor(c, "client.erased", id))
	if apperr.CodeOf(err) == apperr.Invalid {
		cl, lerr := t.Client(c.UserContext(), v, id)
		if lerr != nil {
			return lerr
		}
		return h.formPage(c, "pages/privacy/erase", "pages/privacy/erase", &clientEraseView{Page: Page{Title: i18n.T(r.Lang(), "erase.title", "Name", cl.Name)}, Client: cl}, err)
	}
	if err != nil {
		return err
	}
	h.flash(c, fmt.Sprintf("The client's personal data was erased: %d cases anonymised, %d notes and %d portal accounts removed.", er.Cases, er.Notes, len(er.PortalEmails)))
	return h.redirect(c, "/a/"+a.Slug+"/clients")
}

// agencyPrivacyView is the agency's privacy page: people's deletion
// requests and the retention form.
type agencyPrivacyView struct {
	Page
	FormErrors
	Requests        []tenant.DeletionRequest
	RetentionYears  string // as typed, or the stored number
	Notice          string // the agency's privacy notice for its clients, as typed or stored
	NoticePublished bool
	NoticeURL       string // where clients read it, once published
}

// AgencyPrivacy shows owners and admins the people's pending deletion
// requests, and owners the whole agency's download.
func (h *Handlers) AgencyPrivacy(c *fiber.Ctx, r *Request) error {
	return h.agencyPrivacyPage(c, r, "", "", nil)
}

// agencyPrivacyPage renders the page with the retention years and the
// privacy notice as typed ("": as stored).
func (h *Handlers) agencyPrivacyPage(c *fiber.Ctx, r *Request, years, notice string, formErr error) error {
	t := r.Tenant
	stored, err := t.PrivacyNotice(c.UserContext())
	if err != nil {
		return err
	}
	if notice == "" {
		notice = stored.Body
	}
	reqs, err := t.DeletionRequests(c.UserContext())
	if err != nil {
		return err
	}
	if years == "" {
		n, err := t.InvoiceRetentionYears(c.UserContext())
		if err != nil {
			return err
		}
		years = strconv.Itoa(n)
	}
	view := &agencyPrivacyView{Page: Page{Title: "Privacy"}, Requests: reqs, RetentionYears: years, Notice: notice, NoticePublished: stored.Body != ""}
	if stored.Body != "" {
		view.NoticeURL = privacyNoticePath(r.Agency)
	}
	return h.formPage(c, "pages/privacy/agency", "pages/privacy/agency", view, formErr)
}

// AgencyPrivacySettings sets how long an erased client's invoices are kept.
func (h *Handlers) AgencyPrivacySettings(c *fiber.Ctx, r *Request) error {
	years := formValue(c, "invoice_retention_years")
	err := r.Tenant.SetInvoiceRetentionYears(c.UserContext(), years, auditFor(c, "privacy.settings_changed", ""))
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.agencyPrivacyPage(c, r, years, "", err)
	}
	if err != nil {
		return err
	}
	h.flash(c, "Saved: erased clients' invoices are kept for "+years+" years.")
	return h.redirect(c, "/a/"+r.Agency.Slug+"/privacy")
}

// pendingDeletion returns the person whose pending request the :id names.
func (h *Handlers) pendingDeletion(c *fiber.Ctx, r *Request) (*tenant.User, error) {
	t, id := r.Tenant, c.Params("id")
	at, err := t.DeletionRequestedAt(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		return nil, apperr.New(apperr.NotFound, "There is no pending deletion request for this person.")
	}
	return t.UserByID(c.UserContext(), id)
}

// DeletionErase carries out a person's request: their account is disabled
// and their name and email removed from the agency's data.
func (h *Handlers) DeletionErase(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	u, err := h.pendingDeletion(c, r)
	if err != nil {
		return err
	}
	if u.ID != me.ID && !canManage(me, u) {
		return apperr.New(apperr.Forbidden, "Only an owner can carry out an owner's request.")
	}
	if err := h.privacy(r).EraseUser(c.UserContext(), u.ID, auditFor(c, "privacy.deletion_carried_out", u.ID)); err != nil {
		return err
	}
	if u.ID == me.ID {
		h.clearCookie(c, sessionCookie, "/")
		h.flash(c, "Your data was erased and your account closed.")
		return h.redirect(c, "/a/"+a.Slug+"/login")
	}
	h.flash(c, "The person's data was erased and their account closed.")
	return h.redirect(c, "/a/"+a.Slug+"/privacy")
}

// DeletionDecline closes a request without erasing anything.
func (h *Handlers) DeletionDecline(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	u, err := h.pendingDeletion(c, r)
	if err != nil {
		return err
	}
	if err := r.Tenant.DeclineDeletion(c.UserContext(), u.ID, auditFor(c, "privacy.deletion_declined", u.ID)); err != nil {
		return err
	}
	h.flash(c, "The request was declined. Tell the person why.")
	return h.redirect(c, "/a/"+a.Slug+"/privacy")
}

// AgencyArchiveDownload sends the owner the whole agency: a consistent
// snapshot of its database and all its files, as one tar.gz.
func (h *Handlers) AgencyArchiveDownload(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	if err := t.RecordAudit(c.UserContext(), auditFor(c, "agency.archive_downloaded", a.Slug)); err != nil {
		return err
	}
	return h.sendAgencyArchive(c, a, t)
}

func (h *Handlers) sendAgencyArchive(c *fiber.Ctx, a *control.Agency, t *tenant.Store) error {
	name := fmt.Sprintf("%s-%s.tar.gz", a.Slug, control.Day(h.Clock.Now()))
	return h.sendTempFile(c, name, "application/gzip", func(w io.Writer) error {
		return app.Privacy{Control: h.Control, Agency: a, Tenant: t}.WriteArchive(c.UserContext(), w)
	})
}
