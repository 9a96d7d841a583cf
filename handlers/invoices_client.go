package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// clientInvoicesView is the client page's Invoices tab, for
// views/partials/invoices/client.html: the client's latest invoices and
// links to make one. The client page's view model embeds it.
type clientInvoicesView struct {
	Invoices        []invoiceListRow
	NewInvoiceURL   string
	NewRecurringURL string
	AllInvoicesURL  string // the whole list, when the tab shows only the latest
}

// clientInvoices is the Invoices tab of client clientID for viewer v.
func (h *Handlers) clientInvoices(c *fiber.Ctx, r *Request, v tenant.Viewer, clientID string) (clientInvoicesView, error) {
	today := h.invoiceToday()
	rows, next, err := r.Tenant.Invoices(c.UserContext(), v, tenant.InvoiceFilter{ClientID: clientID, Today: today, Limit: 50})
	if err != nil {
		return clientInvoicesView{}, err
	}
	base := invoiceBase(r)
	view := clientInvoicesView{Invoices: h.invoiceRows(base, today, rows), NewInvoiceURL: base + "/new?client=" + clientID,
		NewRecurringURL: recurringBase(r) + "/new?client=" + clientID}
	if next != "" {
		view.AllInvoicesURL = base + "?client=" + clientID
	}
	return view, nil
}
