package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/mail"
)

// canGrant reports whether actor may give role to someone on the team:
// owners grant any staff role, admins any but owner. Nobody grants the
// client role here: contacts are invited from their client's Portal tab.
func canGrant(actor *tenant.User, role string) bool {
	if !tenant.ValidRole(role) || role == tenant.RoleClient {
		return false
	}
	return actor.Role == tenant.RoleOwner || (actor.Role == tenant.RoleAdmin && role != tenant.RoleOwner)
}

// Invite emails a single-use, expiring link that creates an account.
func (h *Handlers) Invite(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	email, msg := tenant.ValidateEmail(formValue(c, "email"))
	role := formValue(c, "role")
	errs := map[string]string{}
	if msg != "" {
		errs["email"] = msg
	}
	if !canGrant(me, role) {
		errs["role"] = "Choose a role you are allowed to give."
	}
	render := func(err error) error {
		return h.usersPage(c, r, inviteForm{Email: formValue(c, "email"), Role: role}, err)
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return render(err)
	}
	limits, err := h.plans.Limits(c.UserContext(), a) // the plan's staff seats, counted as the invitation is stored
	if err != nil {
		return err
	}
	token, inv, err := t.CreateInviteWithin(c.UserContext(), email, role, me.ID, h.Config.InviteTTL, limits, auditFor(c, "invite.sent", email))
	if err != nil {
		return render(err)
	}
	if err := h.Mailer.QueueWith(c.UserContext(), a.ID, inv.Email, "invite", fiber.Map{
		"AgencyName": a.Name, "InviterName": me.Name, "Role": inv.Role,
		"Link": h.Config.BaseURL + "/a/" + a.Slug + "/invite/" + token, "ExpiresAt": inv.ExpiresAt,
	}, mail.Options{ReplyTo: me.Email}); err != nil {
		return err
	}
	h.flash(c, "Invitation sent to "+inv.Email+".")
	return h.redirect(c, "/a/"+a.Slug+"/users")
}

// ResendInvite sends a team invitation again with a new link (the old one
// stops working), also after it expired; an expired one takes a staff
// seat again.
func (h *Handlers) ResendInvite(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	invites, err := t.TeamInvites(c.UserContext())
	if err != nil {
		return err
	}
	var inv *tenant.Invite
	for _, i := range invites {
		if i.ID == c.Params("id") {
			inv = i
		}
	}
	if inv == nil {
		return apperr.New(apperr.NotFound, "This invitation was accepted or withdrawn already.")
	}
	if !canGrant(me, inv.Role) {
		return apperr.New(apperr.Forbidden, "Only an owner can invite an owner.")
	}
	limits, err := h.plans.Limits(c.UserContext(), a) // an expired invitation takes a staff seat again
	if err != nil {
		return err
	}
	token, inv, err := t.ResendInviteWithin(c.UserContext(), inv.ID, h.Config.InviteTTL, limits, auditFor(c, "invite.resent", ""))
	if err != nil {
		return err
	}
	if err := h.Mailer.QueueWith(c.UserContext(), a.ID, inv.Email, "invite", fiber.Map{
		"AgencyName": a.Name, "InviterName": me.Name, "Role": inv.Role,
		"Link": h.Config.BaseURL + "/a/" + a.Slug + "/invite/" + token, "ExpiresAt": inv.ExpiresAt,
	}, mail.Options{ReplyTo: me.Email}); err != nil {
		return err
	}
	h.flash(c, "Invitation sent again to "+inv.Email+". The earlier link no longer works.")
	return h.redirect(c, "/a/"+a.Slug+"/users")
}

// RevokeInvite withdraws a pending invitation.
func (h *Handlers) RevokeInvite(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	if err := r.Tenant.RevokeInvite(c.UserContext(), c.Params("id"), auditFor(c, "invite.revoked", "")); err != nil {
		return err
	}
	h.flash(c, "Invitation withdrawn.")
	return h.redirect(c, "/a/"+a.Slug+"/users")
}

// inviteAcceptView is the page of an invitation link and its form partial.
type inviteAcceptView struct {
	Page
	FormErrors
	Invite *tenant.Invite
	Name   string // as typed
}

// newInviteAcceptView is the page of invitation inv to agency a.
func newInviteAcceptView(a *control.Agency, inv *tenant.Invite, name string) *inviteAcceptView {
	return &inviteAcceptView{Page: Page{Title: "invite.join_title"}, Invite: inv, Name: name}
}

// InviteForm shows the accept-invitation page for a valid link.
func (h *Handlers) InviteForm(c *fiber.Ctx, r *Request) error {
	inv, err := r.Tenant.InviteByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/invite/accept", "partials/invite/accept", newInviteAcceptView(r.Agency, inv, ""), nil)
}

// AcceptInvite creates the account, once per link, and signs the person in.
func (h *Handlers) AcceptInvite(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	token := c.Params("token")
	inv, err := t.InviteByToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	name, pw := formValue(c, "name"), c.FormValue("password")
	errs := map[string]string{}
	if msg := control.ValidateName(name, 100); msg != "" {
		errs["name"] = msg
	}
	if msg := auth.ValidatePassword(pw); msg != "" {
		errs["password"] = msg
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return h.formPage(c, "pages/invite/accept", "partials/invite/accept", newInviteAcceptView(a, inv, name), err)
	}
	hash, err := h.Hasher.Hash(c.UserContext(), pw)
	if err != nil {
		return err
	}
	u, err := t.AcceptInvite(c.UserContext(), token, name, hash, auditFor(c, "invite.accepted", inv.Email))
	if err != nil {
		return err
	}
	if err := h.Control.AddToDirectory(c.UserContext(), u.Email, a.ID); err != nil {
		return err
	}
	h.flash(c, i18n.T(r.Lang(), "invite.welcome", "Name", u.Name))
	return h.finishSignIn(c, t, a, u, "")
}
