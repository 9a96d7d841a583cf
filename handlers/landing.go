package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// landingView is the public front page; it shows nothing but its text.
type landingView struct{ Page }

// Landing is the public front page: what the product is, sign up, sign in.
func (h *Handlers) Landing(c *fiber.Ctx) error {
	return h.page(c, "pages/landing/index", &landingView{Page: Page{Title: "Client portal and CRM for agencies"}})
}

// Livez answers while the process runs.
func (h *Handlers) Livez(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// Readyz answers when the control database does.
func (h *Handlers) Readyz(c *fiber.Ctx) error {
	if err := h.Control.Ping(c.UserContext()); err != nil {
		h.logger(c).Error("readiness: control database", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("control database unavailable")
	}
	return c.SendString("ok")
}
