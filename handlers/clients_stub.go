package handlers

import "github.com/gofiber/fiber/v2"

// ClientsIndex is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsIndex(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientNew is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientNew(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientCreate is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientCreate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientValidate is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientValidate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientsBulk is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsBulk(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientsExport is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsExport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientsImportForm is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsImportForm(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientsImportPreview is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsImportPreview(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientsImportConfirm is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientsImportConfirm(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientShow is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientShow(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientEdit is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientEdit(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientUpdate is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientUpdate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientArchive is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientArchive(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// ClientRestore is not built yet: this file is replaced by the real one.
func (h *Handlers) ClientRestore(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
