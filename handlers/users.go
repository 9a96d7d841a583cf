package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Users lists the agency's people and pending invitations, with the invite form.
func (h *Handlers) Users(c *fiber.Ctx) error {
	return h.usersPage(c, fiber.Map{"InviteForm": fiber.Map{"Role": db.RoleStaff}}, nil)
}

// usersPage renders the team page, with err's messages on the invite form.
func (h *Handlers) usersPage(c *fiber.Ctx, data fiber.Map, err error) error {
	t, me := tenantOf(c), userOf(c)
	users, listErr := t.Users(c.UserContext())
	if listErr != nil {
		return listErr
	}
	invites, listErr := t.PendingInvites(c.UserContext())
	if listErr != nil {
		return listErr
	}
	var grantable []string
	for _, r := range db.Roles {
		if canGrant(me, r) {
			grantable = append(grantable, r)
		}
	}
	data["Title"] = "Team and access"
	data["Users"] = users
	data["Invites"] = invites
	data["Roles"] = grantable
	return h.mapFormPage(c, "pages/users/index", "partials/users/invite", data, err)
}

// canManage reports whether actor may change target's role or status:
// owners manage everyone, admins everyone but owners; nobody their own status.
func canManage(actor, target *db.User) bool {
	if actor.Role == db.RoleOwner {
		return true
	}
	return actor.Role == db.RoleAdmin && target.Role != db.RoleOwner
}

// targetUser loads the user named in the URL and checks the actor may manage them.
func (h *Handlers) targetUser(c *fiber.Ctx) (*db.User, error) {
	u, err := tenantOf(c).UserByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if !canManage(userOf(c), u) {
		return nil, apperr.New(apperr.Forbidden, "Only an owner can change an owner's account.")
	}
	return u, nil
}

// SetRole changes a person's role.
func (h *Handlers) SetRole(c *fiber.Ctx) error {
	a, me := agencyOf(c), userOf(c)
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	role := formValue(c, "role")
	if !canGrant(me, role) {
		return apperr.New(apperr.Invalid, "You can't give the role %q.", role)
	}
	if err := tenantOf(c).SetRole(c.UserContext(), u.ID, role, auditFor(c, "user.role_changed", u.Email)); err != nil {
		return err
	}
	h.flash(c, u.Name+" is now "+role+".")
	return h.redirect(c, "/a/"+a.Slug+"/users")
}

// DisableUser blocks an account and ends its sessions.
func (h *Handlers) DisableUser(c *fiber.Ctx) error {
	return h.setUserStatus(c, db.UserDisabled, "user.disabled", " can no longer sign in.")
}

// EnableUser lets a disabled account sign in again.
func (h *Handlers) EnableUser(c *fiber.Ctx) error {
	return h.setUserStatus(c, db.UserActive, "user.enabled", " can sign in again.")
}

func (h *Handlers) setUserStatus(c *fiber.Ctx, status, action, done string) error {
	a, me := agencyOf(c), userOf(c)
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	if u.ID == me.ID {
		return apperr.New(apperr.Invalid, "You can't change the status of your own account.")
	}
	if err := tenantOf(c).SetUserStatus(c.UserContext(), u.ID, status, auditFor(c, action, u.Email)); err != nil {
		return err
	}
	h.flash(c, u.Name+done)
	return h.redirect(c, "/a/"+a.Slug+"/users")
}
