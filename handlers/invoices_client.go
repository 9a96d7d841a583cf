package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// clientInvoicesTab fills the client page's Invoices tab: the client's
// latest invoices and links to make one.
func (h *Handlers) clientInvoicesTab(c *fiber.Ctx, v db.Viewer, clientID string, data fiber.Map) error {
	today := h.invoiceToday()
	rows, next, err := tenantOf(c).Invoices(c.UserContext(), v, db.InvoiceFilter{ClientID: clientID, Today: today, Limit: 50})
	if err != nil {
		return err
	}
	base := invoiceBase(c)
	data["Invoices"] = h.invoiceRows(base, today, rows)
	data["NewInvoiceURL"] = base + "/new?client=" + clientID
	data["NewRecurringURL"] = recurringBase(c) + "/new?client=" + clientID
	if next != "" {
		data["AllInvoicesURL"] = base + "?client=" + clientID
	}
	return nil
}
