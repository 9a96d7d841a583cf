package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// clientTab is one tab of the client page; each is a URL (?tab=).
type clientTab struct {
	Key, Label, URL string
	Current         bool
}

// clientTabs are the client page's tabs, the first one the default.
var clientTabs = []struct{ key, label string }{
	{"cases", "Cases"}, {"documents", "Documents"}, {"invoices", "Invoices"}, {"activity", "Activity"}, {"portal", "Portal"},
}

// clientShowData is what the contact card shows, in display form.
func (h *Handlers) clientShowData(c *fiber.Ctx, cl *db.Client) fiber.Map {
	kind := "Person"
	if cl.Kind == db.ClientCompany {
		kind = "Company"
	}
	var address []string
	for _, s := range []string{cl.Street, strings.TrimSpace(cl.PostalCode + " " + cl.City), cl.Country} {
		if s != "" {
			address = append(address, s)
		}
	}
	base := clientsBase(c) + "/" + cl.ID
	return fiber.Map{
		"Title": cl.Name, "Client": cl, "Kind": kind, "Address": address,
		"URL": base, "EditURL": base + "/edit", "NewCaseURL": "/a/" + agencyOf(c).Slug + "/cases/new?client=" + cl.ID,
		"ListURL": clientsBase(c),
	}
}

// ClientShow is the client's page: the contact card and one tab (cases,
// documents, invoices, activity or portal). A plain htmx request, made by a tab
// link, gets the tabs alone.
func (h *Handlers) ClientShow(c *fiber.Ctx) error {
	t := tenantOf(c)
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	cl, err := t.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	data, err := h.clientTabData(c, v, cl, c.Query("tab", clientTabs[0].key))
	if err != nil {
		return err
	}
	return h.mapPageOrFragment(c, "pages/clients/show", "partials/clients/tabs", data)
}

// ClientArchive hides a client from the default list; nothing is deleted.
func (h *Handlers) ClientArchive(c *fiber.Ctx) error {
	return h.setClientArchived(c, true)
}

// ClientRestore brings an archived client back.
func (h *Handlers) ClientRestore(c *fiber.Ctx) error {
	return h.setClientArchived(c, false)
}

func (h *Handlers) setClientArchived(c *fiber.Ctx, archived bool) error {
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	action, done, already := "client.restored", " was restored.", " is not archived."
	if archived {
		action, done, already = "client.archived", " was archived. It no longer shows in the client list unless you choose archived clients.", " was already archived."
	}
	id := c.Params("id")
	t := tenantOf(c)
	changed, err := t.SetClientArchived(c.UserContext(), v, id, archived, auditFor(c, action, ""))
	if err != nil {
		return err
	}
	cl, err := t.Client(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	if changed {
		h.flash(c, cl.Name+done)
	} else {
		h.flash(c, cl.Name+already)
	}
	return h.redirect(c, clientsBase(c)+"/"+id)
}

// clientTabData is the client page with one of its tabs.
func (h *Handlers) clientTabData(c *fiber.Ctx, v db.Viewer, cl *db.Client, tab string) (fiber.Map, error) {
	t := tenantOf(c)
	data := h.clientShowData(c, cl)
	var tabs []clientTab
	found := false
	for _, ct := range clientTabs {
		cur := ct.key == tab
		found = found || cur
		tabs = append(tabs, clientTab{Key: ct.key, Label: ct.label, URL: data["URL"].(string) + "?tab=" + ct.key, Current: cur})
	}
	if !found {
		return nil, apperr.New(apperr.NotFound, "The client page has no tab %q.", tab)
	}
	data["Tabs"], data["Tab"], data["TabURL"] = tabs, tab, data["URL"].(string)+"?tab="+tab
	switch tab {
	case "cases":
		cases, err := t.ClientCases(c.UserContext(), v, cl.ID)
		if err != nil {
			return nil, err
		}
		data["Cases"], data["CasesBase"] = cases, "/a/"+agencyOf(c).Slug+"/cases/"
	case "documents":
		if err := h.addClientDocuments(c, cl.ID, data); err != nil {
			return nil, err
		}
	case "invoices":
		if err := h.clientInvoicesTab(c, v, cl.ID, data); err != nil {
			return nil, err
		}
	case "activity":
		activity, err := t.ClientActivityLog(c.UserContext(), v, cl.ID)
		if err != nil {
			return nil, err
		}
		data["Activity"], data["CasesBase"] = activity, "/a/"+agencyOf(c).Slug+"/cases/"
	case "portal":
		contacts, err := t.ClientContacts(c.UserContext(), v, cl.ID)
		if err != nil {
			return nil, err
		}
		invites, err := t.ClientInvites(c.UserContext(), cl.ID)
		if err != nil {
			return nil, err
		}
		data["Contacts"], data["Invites"], data["InviteURL"] = contacts, invites, data["URL"].(string)+"/contacts"
	}
	return data, nil
}

// clientPortalData is the client page with its portal tab open.
func (h *Handlers) clientPortalData(c *fiber.Ctx, cl *db.Client) (fiber.Map, error) {
	v, err := h.viewer(c)
	if err != nil {
		return nil, err
	}
	return h.clientTabData(c, v, cl, "portal")
}
