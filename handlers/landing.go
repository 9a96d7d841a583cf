package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// Landing is the public front page: what the product is, sign up, sign in.
func (h *Handlers) Landing(c *fiber.Ctx) error {
	return h.mapPage(c, "pages/landing/index", fiber.Map{"Title": "Client portal and CRM for agencies"})
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
