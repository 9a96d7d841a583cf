package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// clientInvoicesView is the client page's Invoices tab, for
// views/partials/invoices/client.html: the client's latest invoices,
// links to make one, and "Invoice unbilled time" when the client's cases
// the viewer may see have billable time not yet invoiced. The client
// page's view model embeds it.
type clientInvoicesView struct {
	Invoices        []invoiceListRow
	NewInvoiceURL   string
	NewRecurringURL string
	AllInvoicesURL  string // the whole list, when the tab shows only the latest
	InvoiceTimeURL  string // POST: the unbilled time on a new draft ("" when there is none)
	UnbilledTime    string // how much, "2 h 15 min"
}

// clientInvoices is the Invoices tab of client clientID for viewer v.
func (h *Handlers) clientInvoices(c *fiber.Ctx, r *Request, v tenant.Viewer, clientID string) (clientInvoicesView, error) {
	today := h.invoiceToday(r)
	rows, next, err := r.Tenant.Invoices(c.UserContext(), v, tenant.InvoiceFilter{ClientID: clientID, Today: today, Limit: 50})
	if err != nil {
		return clientInvoicesView{}, err
	}
	base := invoiceBase(r)
	view := clientInvoicesView{Invoices: h.invoiceRows(r, base, today, rows), NewInvoiceURL: base + "/new?client=" + clientID,
		NewRecurringURL: recurringBase(r) + "/new?client=" + clientID}
	if next != "" {
		view.AllInvoicesURL = base + "?client=" + clientID
	}
	unbilled, err := r.Tenant.UnbilledTime(c.UserContext(), v, tenant.TimeScope{ClientID: clientID})
	if err != nil {
		return clientInvoicesView{}, err
	}
	minutes := 0
	for _, e := range unbilled {
		minutes += e.Minutes
	}
	if minutes > 0 {
		view.InvoiceTimeURL = clientsPath(r) + "/" + clientID + "/invoice-time"
		view.UnbilledTime = tenant.FormatMinutes(minutes)
	}
	return view, nil
}
