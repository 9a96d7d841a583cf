package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
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

// clientShowView is the client's page: the contact card and one open tab,
// only that tab's fields filled. A tab link (htmx) gets the tabs partial
// alone, a saved edit the card partial alone, from the same view model.
type clientShowView struct {
	Page
	FormErrors // the Portal tab's invite form
	Client     *tenant.Client
	Kind       string   // "Person" or "Company"
	Address    []string // its lines, the empty ones left out
	URL        string
	EditURL    string
	NewCaseURL string
	ListURL    string

	Tabs   []clientTab
	Tab    string // the open tab's key
	TabURL string // the open tab, reloaded when the client changes

	Cases              []tenant.ClientCase     // the Cases tab
	CasesBase          string                  // where the Cases and Activity tabs link a case id to
	Docs               []documentView          // the Documents tab,
	Signed             []signedDocumentView    // with the signed PDFs of the client's accepted quotes
	clientInvoicesView                         // the Invoices tab
	Activity           []tenant.ClientActivity // the Activity tab
	Contacts           []*tenant.User          // the Portal tab: who can sign in,
	Invites            []*tenant.Invite        // who was invited,
	InviteURL          string                  // and the invite form
	InviteEmail        string                  // as typed, shown again with its error
}

// newClientShowView is the client page with what the contact card shows.
func newClientShowView(r *Request, cl *tenant.Client) *clientShowView {
	kind := i18n.T(r.Lang(), "clients.person")
	if cl.Kind == tenant.ClientCompany {
		kind = i18n.T(r.Lang(), "clients.company")
	}
	var address []string
	for _, s := range []string{cl.Street, strings.TrimSpace(cl.PostalCode + " " + cl.City), cl.Country} {
		if s != "" {
			address = append(address, s)
		}
	}
	base := clientsPath(r) + "/" + cl.ID
	return &clientShowView{
		Page: Page{Title: cl.Name}, Client: cl, Kind: kind, Address: address,
		URL: base, EditURL: base + "/edit", NewCaseURL: "/a/" + r.Agency.Slug + "/cases/new?client=" + cl.ID,
		ListURL: clientsPath(r),
	}
}

// ClientShow is the client's page: the contact card and one tab (cases,
// documents, invoices, activity or portal). A plain htmx request, made by a tab
// link, gets the tabs alone.
func (h *Handlers) ClientShow(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cl, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	view, err := h.clientTabView(c, r, v, cl, c.Query("tab", clientTabs[0].key))
	if err != nil {
		return err
	}
	return h.pageOrFragment(c, "pages/clients/show", "partials/clients/tabs", view)
}

// ClientArchive hides a client from the default list; nothing is deleted.
func (h *Handlers) ClientArchive(c *fiber.Ctx, r *Request) error {
	return h.setClientArchived(c, r, true)
}

// ClientRestore brings an archived client back.
func (h *Handlers) ClientRestore(c *fiber.Ctx, r *Request) error {
	return h.setClientArchived(c, r, false)
}

func (h *Handlers) setClientArchived(c *fiber.Ctx, r *Request, archived bool) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	action, done, already := "client.restored", " was restored.", " is not archived."
	if archived {
		action, done, already = "client.archived", " was archived. It no longer shows in the client list unless you choose archived clients.", " was already archived."
	}
	id := c.Params("id")
	t := r.Tenant
	limits, err := h.plans.Limits(c.UserContext(), r.Agency) // a restored client counts against the plan, checked as it is restored
	if err != nil {
		return err
	}
	changed, err := t.SetClientArchivedWithin(c.UserContext(), v, id, archived, limits, auditFor(c, action, ""))
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
	return h.redirect(c, clientsPath(r)+"/"+id)
}

// clientTabView is the client page with one of its tabs.
func (h *Handlers) clientTabView(c *fiber.Ctx, r *Request, v tenant.Viewer, cl *tenant.Client, tab string) (*clientShowView, error) {
	t, ctx := r.Tenant, c.UserContext()
	view := newClientShowView(r, cl)
	found := false
	for _, ct := range clientTabs {
		cur := ct.key == tab
		found = found || cur
		view.Tabs = append(view.Tabs, clientTab{Key: ct.key, Label: i18n.T(r.Lang(), "clients.tab."+ct.key), URL: view.URL + "?tab=" + ct.key, Current: cur})
	}
	if !found {
		return nil, apperr.New(apperr.NotFound, "The client page has no tab %q.", tab)
	}
	view.Tab, view.TabURL = tab, view.URL+"?tab="+tab
	var err error
	switch tab {
	case "cases":
		view.Cases, err = t.ClientCases(ctx, v, cl.ID)
		view.CasesBase = "/a/" + r.Agency.Slug + "/cases/"
	case "documents":
		if view.Docs, err = h.clientDocuments(c, r, v, cl.ID); err == nil {
			view.Signed, err = h.signedDocuments(c, r, v, cl.ID, "", false)
		}
	case "invoices":
		view.clientInvoicesView, err = h.clientInvoices(c, r, v, cl.ID)
	case "activity":
		view.Activity, err = t.ClientActivityLog(ctx, v, cl.ID, func(e tenant.Event) (string, string) { return activityLine(r.Lang(), e) })
		view.CasesBase = "/a/" + r.Agency.Slug + "/cases/"
	case "portal":
		if view.Contacts, err = t.ClientContacts(ctx, v, cl.ID); err == nil {
			view.Invites, err = t.ClientInvites(ctx, cl.ID)
		}
		view.InviteURL = view.URL + "/contacts"
	}
	if err != nil {
		return nil, err
	}
	return view, nil
}

// clientPortalView is the client page with its Portal tab open, for the
// invite form (ContactInvite) to show again with its error: set
// InviteEmail and render it with formPage("pages/clients/show",
// "partials/clients/tabs").
func (h *Handlers) clientPortalView(c *fiber.Ctx, r *Request, cl *tenant.Client) (*clientShowView, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, err
	}
	return h.clientTabView(c, r, v, cl, "portal")
}
