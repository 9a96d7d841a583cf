package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// Livez answers while the process runs.
func (h *Handlers) Livez(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// Readyz answers 200 when the control database answers and the storage
// takes writes; 503 with a line per problem (storage low, full or
// read-only, an agency's database file missing) otherwise. Degraded
// agencies are listed without failing it.
func (h *Handlers) Readyz(c *fiber.Ctx) error {
	if err := h.Control.Ping(c.UserContext()); err != nil {
		h.logger(c).Error("readiness: control database", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("control database unavailable")
	}
	problems, notes := h.readiness()
	if len(problems) > 0 {
		return c.Status(fiber.StatusServiceUnavailable).SendString(readyText("not ready", append(problems, notes...)))
	}
	return c.SendString(readyText("ok", notes))
}
