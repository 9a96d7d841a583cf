package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// dashboardView is the staff home page, for views/pages/dashboard/index.html.
type dashboardView struct {
	Page
	StaffCount      int
	ClientUserCount int // client contacts with a sign-in
	ClientActivity  []tenant.ClientActivityCase
	CasesBase       string // a case's address is CasesBase + its id
}

// Dashboard is the staff home page of an agency.
func (h *Handlers) Dashboard(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	users, err := r.Tenant.Users(ctx)
	if err != nil {
		return err
	}
	view := &dashboardView{Page: Page{Title: r.Agency.Name}, CasesBase: "/a/" + r.Agency.Slug + "/cases/"}
	for _, u := range users {
		if u.IsStaff() {
			view.StaffCount++
		} else {
			view.ClientUserCount++
		}
	}
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	// Staff see what clients sent on their own cases; owners and admins, on any.
	if view.ClientActivity, err = r.Tenant.UnseenClientActivity(ctx, v, r.User.Role == tenant.RoleStaff, 10); err != nil {
		return err
	}
	return h.page(c, "pages/dashboard/index", view)
}
