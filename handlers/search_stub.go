package handlers

import "github.com/gofiber/fiber/v2"

// Search is not built yet: this file is replaced by the real one.
func (h *Handlers) Search(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
