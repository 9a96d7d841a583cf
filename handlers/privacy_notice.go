package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/i18n"
)

// Privacy texts with real names. The platform's policy (/privacy) leaves
// the controller's name and contact to the operator's settings, shown
// beside it; each agency publishes its own notice for its clients, linked
// at portal sign-in and at the foot of portal pages.

// privacyNoticePath is an agency's public privacy notice.
func privacyNoticePath(a *control.Agency) string { return "/a/" + a.Slug + "/privacy-notice" }

// privacyNoticeLink is the agency's notice page for the page being
// rendered, when the agency published one and the reader is not staff
// (the portal, its sign-in and the other public pages of the agency);
// else "".
func (h *Handlers) privacyNoticeLink(c *fiber.Ctx) string {
	st := stateOf(c)
	if st == nil || st.req == nil || st.req.Tenant == nil || st.req.Agency == nil {
		return ""
	}
	if u := st.req.User; u != nil && u.IsStaff() {
		return ""
	}
	n, err := st.req.Tenant.PrivacyNotice(c.UserContext())
	if err != nil {
		h.logger(c).Warn("read privacy notice", "err", err)
		return ""
	}
	if n.Body == "" {
		return ""
	}
	return privacyNoticePath(st.req.Agency)
}

// privacyNoticeView is an agency's privacy notice as its clients read it.
type privacyNoticeView struct {
	Page
	Blocks  []policyBlock
	Updated string // the date it was last published
}

// AgencyPrivacyNotice shows the agency's privacy notice to anyone; an
// agency that published none has no such page.
func (h *Handlers) AgencyPrivacyNotice(c *fiber.Ctx, r *Request) error {
	n, err := r.Tenant.PrivacyNotice(c.UserContext())
	if err != nil {
		return err
	}
	if n.Body == "" {
		return apperr.New(apperr.NotFound, "%s", i18n.T(r.Lang(), "privacy.no_notice", "Agency", r.Agency.Name))
	}
	view := &privacyNoticeView{Page: Page{Title: "How " + r.Agency.Name + " handles your personal data"}, Blocks: policyBlocks(n.Body)}
	if !n.UpdatedAt.IsZero() {
		view.Updated = n.UpdatedAt.UTC().Format("2006-01-02")
	}
	return h.page(c, "pages/privacy/notice", view)
}

// AgencyPrivacyNoticeSave publishes the agency's notice for its clients,
// or withdraws it when the text is emptied.
func (h *Handlers) AgencyPrivacyNoticeSave(c *fiber.Ctx, r *Request) error {
	body := c.FormValue("notice")
	err := r.Tenant.SavePrivacyNotice(c.UserContext(), body, auditFor(c, "privacy.notice_published", ""))
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.agencyPrivacyPage(c, r, "", body, err)
	}
	if err != nil {
		return err
	}
	if strings.TrimSpace(body) == "" {
		h.flash(c, "The privacy notice is withdrawn: the portal links to none.")
	} else {
		h.flash(c, "The privacy notice is published: the portal's sign-in page and its pages link to it.")
	}
	return h.redirect(c, "/a/"+r.Agency.Slug+"/privacy#notice")
}

// OperatorPrivacyControllerSave stores who the policy page names as the
// controller, and how to reach them.
func (h *Handlers) OperatorPrivacyControllerSave(c *fiber.Ctx) error {
	pc := control.PrivacyController{Name: c.FormValue("controller_name"), Address: c.FormValue("controller_address"),
		Email: c.FormValue("controller_email"), Website: c.FormValue("controller_website")}
	op := operatorOf(c)
	err := h.Control.SavePrivacyController(c.UserContext(), pc, control.OperatorAuditEntry{OperatorID: op.ID, OperatorName: op.Name, Action: "privacy.controller"})
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.operatorPrivacyPageWith(c, "", &pc, controllerErrors(err))
	}
	if err != nil {
		return err
	}
	h.flash(c, "Saved: the privacy policy names "+strings.TrimSpace(pc.Name)+" as the controller.")
	return h.redirect(c, "/operator/privacy#controller")
}

// controllerErrors renames the store's field errors to the form's fields.
func controllerErrors(err error) error {
	fields := apperr.FieldsOf(err)
	if fields == nil {
		return err
	}
	out := map[string]string{}
	for k, v := range fields {
		out["controller_"+k] = v
	}
	return apperr.FieldErrors(out)
}
