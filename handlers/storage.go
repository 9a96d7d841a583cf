package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// When storage fails (README "When storage fails"): package health decides
// what a fault means; here requests are turned away before they start
// what cannot finish, and storage errors become their answers.

// storageGuard refuses, before the body is read, an upload or import
// (NeedsSpace) while free space is below the reserve, and any change while
// the storage takes no writes. Reading the page of a full or read-only
// server still works.
func (h *Handlers) storageGuard(c *fiber.Ctx) error {
	if h.health == nil || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	err := h.health.WritesRefused()
	if err == nil && stateOf(c).route.Has(NeedsSpace) {
		err = h.health.RoomForUploads()
	}
	if err != nil {
		c.Context().SetConnectionClose() // the body stays unread
		return err
	}
	return c.Next()
}

// storageError turns a storage error into its answer (507 for a full
// disk, 503 for unwritable storage or a damaged agency, whose marking as
// degraded it sets off); other errors come back as they are.
func (h *Handlers) storageError(c *fiber.Ctx, err error) error {
	agencyID := ""
	if a := agencyOf(c); a != nil {
		agencyID = a.ID
	}
	return h.health.Report(c.UserContext(), agencyID, err)
}

// readiness is what /readyz says besides the control database: the lines
// that make it 503 (storage low, full or unwritable, an agency's file
// missing) and notes that do not (degraded agencies).
func (h *Handlers) readiness() (problems, notes []string) {
	return h.health.Ready(), h.health.Notes()
}

// readyText is the body of /readyz.
func readyText(status string, lines []string) string {
	if len(lines) == 0 {
		return status
	}
	return status + "\n" + strings.Join(lines, "\n") + "\n"
}
