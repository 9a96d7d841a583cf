package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/live"
	"mintedmind/mail"
)

// Client contacts (portal accounts) are managed on their client's Portal
// tab, not on the team page: invited (ContactInvite), their invitations
// sent again or withdrawn, their accounts disabled and enabled. Every
// action checks that the staff member may see the client, and that the
// invitation or account is that client's.

// contactsBack is the client's Portal tab.
func contactsBack(r *Request, clientID string) string {
	return clientsPath(r) + "/" + clientID + "?tab=portal"
}

// ContactInviteResend sends a contact's invitation again with a new link
// (the old one stops working), also after it expired.
func (h *Handlers) ContactInviteResend(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cl, err := t.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	token, inv, err := t.ResendContactInvite(c.UserContext(), v, cl.ID, c.Params("invite"), h.Config.InviteTTL, auditFor(c, "contact.invite_resent", ""))
	if err != nil {
		return err
	}
	if err := h.Mailer.QueueWith(c.UserContext(), a.ID, inv.Email, "contact-invite", fiber.Map{
		"AgencyName": a.Name, "InviterName": me.Name, "ClientName": cl.Name,
		"Link": h.Config.BaseURL + "/a/" + a.Slug + "/invite/" + token, "ExpiresAt": inv.ExpiresAt,
	}, mail.Options{ReplyTo: me.Email}); err != nil {
		return err
	}
	h.flash(c, "Invitation sent again to "+inv.Email+". The earlier link no longer works.")
	return h.redirect(c, contactsBack(r, cl.ID))
}

// ContactInviteRevoke withdraws a contact's pending invitation.
func (h *Handlers) ContactInviteRevoke(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	clientID := c.Params("id")
	if err := r.Tenant.RevokeContactInvite(c.UserContext(), v, clientID, c.Params("invite"), auditFor(c, "contact.invite_revoked", "")); err != nil {
		return err
	}
	h.flash(c, "Invitation withdrawn.")
	return h.redirect(c, contactsBack(r, clientID))
}

// ContactDisable stops a contact signing in to the portal and ends their
// sessions.
func (h *Handlers) ContactDisable(c *fiber.Ctx, r *Request) error {
	return h.setContactStatus(c, r, tenant.UserDisabled, "contact.disabled", " can no longer sign in to the portal.")
}

// ContactEnable lets a disabled contact sign in to the portal again.
func (h *Handlers) ContactEnable(c *fiber.Ctx, r *Request) error {
	return h.setContactStatus(c, r, tenant.UserActive, "contact.enabled", " can sign in to the portal again.")
}

func (h *Handlers) setContactStatus(c *fiber.Ctx, r *Request, status, action, done string) error {
	t := r.Tenant
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	clientID := c.Params("id")
	u, err := t.UserByID(c.UserContext(), c.Params("user"))
	if err != nil {
		return err
	}
	if err := t.SetContactStatus(c.UserContext(), v, clientID, u.ID, status, auditFor(c, action, u.Email)); err != nil {
		return err
	}
	if status == tenant.UserDisabled {
		h.live.CloseUser(r.Agency.ID, u.ID, live.ReasonSignedOut)
	}
	h.flash(c, u.Name+done)
	return h.redirect(c, contactsBack(r, clientID))
}
