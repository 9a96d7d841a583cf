package handlers

import "github.com/gofiber/fiber/v2"

// CasesIndex is not built yet: this file is replaced by the real one.
func (h *Handlers) CasesIndex(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CasesBoard is not built yet: this file is replaced by the real one.
func (h *Handlers) CasesBoard(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseNew is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseNew(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseCreate is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseCreate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CasesBulk is not built yet: this file is replaced by the real one.
func (h *Handlers) CasesBulk(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CasesExport is not built yet: this file is replaced by the real one.
func (h *Handlers) CasesExport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseShow is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseShow(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseEdit is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseEdit(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseUpdate is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseUpdate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// CaseSetStatus is not built yet: this file is replaced by the real one.
func (h *Handlers) CaseSetStatus(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// NoteCreate is not built yet: this file is replaced by the real one.
func (h *Handlers) NoteCreate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// NoteEdit is not built yet: this file is replaced by the real one.
func (h *Handlers) NoteEdit(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// NoteUpdate is not built yet: this file is replaced by the real one.
func (h *Handlers) NoteUpdate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
