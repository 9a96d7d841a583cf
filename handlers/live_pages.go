package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// CaseLive is GET /a/:slug/cases/:id/live: the staff case page's content
// without the layout, fetched by the page when its live stream says the
// case changed (or every 30 s when it polls instead). The page keeps the
// parts it names by id (hx-select-oob: the status, the history, the
// documents), so what is being typed elsewhere on it is left alone.
func (h *Handlers) CaseLive(c *fiber.Ctx, r *Request) error {
	// caseShowView answers a plain htmx request with a page of the
	// history alone; this is the whole page's parts.
	c.Request().Header.Del("HX-Request")
	view, err := h.caseShowView(c, r, c.Params("id"), 0)
	if err != nil {
		return err
	}
	if err := r.Tenant.SeeClientActivity(c.UserContext(), r.User.ID, c.Params("id")); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.fragment(c, "pages/cases/show", view)
}
