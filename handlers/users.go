package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/live"
)

// usersView is the team page: the people, the pending invitations and
// the invite form (its partial, partials/users/invite, alone after invalid input).
type usersView struct {
	Page
	FormErrors
	Users       []teamMemberView // the team: owners, admins, staff
	Unlinked    []teamMemberView // portal accounts of no client, made before contacts were invited from their client
	Invites     []*tenant.Invite // the team's, expired ones included to send again
	InviteForm  inviteForm
	InviteRoles []option // the roles the signed-in person may give
}

// teamMemberView is one person's row on the team page.
type teamMemberView struct {
	*tenant.User
	Manageable bool     // the signed-in person may change this one's role and status
	Roles      []option // the role menu, this person's role selected
}

// inviteForm is the invite form as typed.
type inviteForm struct {
	Email string
	Role  string
}

// Users lists the agency's team and its pending invitations, with the
// invite form. Client contacts are on their client's Portal tab.
func (h *Handlers) Users(c *fiber.Ctx, r *Request) error {
	return h.usersPage(c, r, inviteForm{Role: tenant.RoleStaff}, nil)
}

// usersPage renders the team page, with err's messages on the invite form.
func (h *Handlers) usersPage(c *fiber.Ctx, r *Request, form inviteForm, err error) error {
	t, me := r.Tenant, r.User
	users, listErr := t.Users(c.UserContext())
	if listErr != nil {
		return listErr
	}
	invites, listErr := t.TeamInvites(c.UserContext())
	if listErr != nil {
		return listErr
	}
	var grantable []string
	for _, role := range tenant.Roles {
		if canGrant(me, role) {
			grantable = append(grantable, role)
		}
	}
	view := &usersView{Page: Page{Title: "users.title"}, Invites: invites, InviteForm: form, InviteRoles: roleOptions(r.Lang(), grantable, form.Role)}
	for _, u := range users {
		row := teamMemberView{User: u, Manageable: u.ID != me.ID && canManage(me, u)}
		switch {
		case u.Role == tenant.RoleClient && u.ClientID == "":
			view.Unlinked = append(view.Unlinked, row) // disabled or enabled here, no role menu
		case u.Role == tenant.RoleClient:
			// on the client's Portal tab
		default:
			if row.Manageable {
				row.Roles = roleOptions(r.Lang(), grantable, u.Role)
			}
			view.Users = append(view.Users, row)
		}
	}
	return h.formPage(c, "pages/users/index", "partials/users/invite", view, err)
}

// roleOptions is a role menu of roles in lang with selected chosen.
func roleOptions(lang string, roles []string, selected string) []option {
	out := make([]option, len(roles))
	for i, role := range roles {
		out[i] = option{Value: role, Label: roleName(lang, role), Selected: role == selected}
	}
	return out
}

// roleName is a role as people read it in lang ("admin" is "Admin" in
// English); the template function roleName.
func roleName(lang, role string) string {
	if role == "" {
		return ""
	}
	return i18n.T(lang, "role."+role)
}

// canManage reports whether actor may change target's role or status:
// owners manage everyone, admins everyone but owners; nobody their own status.
func canManage(actor, target *tenant.User) bool {
	if actor.Role == tenant.RoleOwner {
		return true
	}
	return actor.Role == tenant.RoleAdmin && target.Role != tenant.RoleOwner
}

// targetUser loads the team member named in the URL and checks the actor
// may manage them. A client's contact is not on the team: its id here is
// not found (its client's Portal tab manages it).
func (h *Handlers) targetUser(c *fiber.Ctx, r *Request) (*tenant.User, error) {
	u, err := r.Tenant.UserByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if u.Role == tenant.RoleClient && u.ClientID != "" {
		return nil, apperr.New(apperr.NotFound, "User not found.")
	}
	if !canManage(r.User, u) {
		return nil, apperr.New(apperr.Forbidden, "Only an owner can change an owner's account.")
	}
	return u, nil
}

// SetRole changes a person's role.
func (h *Handlers) SetRole(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	u, err := h.targetUser(c, r)
	if err != nil {
		return err
	}
	role := formValue(c, "role")
	if !canGrant(me, role) {
		return apperr.New(apperr.Invalid, "You can't give the role %q.", role)
	}
	if err := r.Tenant.SetRole(c.UserContext(), u.ID, role, auditFor(c, "user.role_changed", u.Email)); err != nil {
		return err
	}
	h.live.CloseUser(a.ID, u.ID, live.ReasonChanged) // their tabs ask again, as the new role
	h.flash(c, i18n.T(r.Lang(), "users.role_changed", "Name", u.Name, "Role", roleName(r.Lang(), role)))
	return h.redirect(c, "/a/"+a.Slug+"/users")
}

// DisableUser blocks an account and ends its sessions.
func (h *Handlers) DisableUser(c *fiber.Ctx, r *Request) error {
	return h.setUserStatus(c, r, tenant.UserDisabled, "user.disabled", "users.disabled_flash")
}

// EnableUser lets a disabled account sign in again.
func (h *Handlers) EnableUser(c *fiber.Ctx, r *Request) error {
	return h.setUserStatus(c, r, tenant.UserActive, "user.enabled", "users.enabled_flash")
}

func (h *Handlers) setUserStatus(c *fiber.Ctx, r *Request, status, action, done string) error {
	a, me := r.Agency, r.User
	u, err := h.targetUser(c, r)
	if err != nil {
		return err
	}
	if u.ID == me.ID {
		return apperr.New(apperr.Invalid, "You can't change the status of your own account.")
	}
	limits, err := h.plans.Limits(c.UserContext(), a) // an enabled team member takes a staff seat again, checked as it is enabled
	if err != nil {
		return err
	}
	if err := r.Tenant.SetUserStatusWithin(c.UserContext(), u.ID, status, limits, auditFor(c, action, u.Email)); err != nil {
		return err
	}
	if status == tenant.UserDisabled {
		h.live.CloseUser(a.ID, u.ID, live.ReasonSignedOut)
	}
	h.flash(c, i18n.T(r.Lang(), done, "Name", u.Name))
	return h.redirect(c, "/a/"+a.Slug+"/users")
}
