package handlers

import (
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// clientPageSize is how many rows the client list shows at a time.
const clientPageSize = 50

// clientsPath is the client list's path in the request's agency.
func clientsPath(r *Request) string { return "/a/" + r.Agency.Slug + "/clients" }

// clientFilterOf reads the list state from the query string.
func clientFilterOf(c *fiber.Ctx) tenant.ClientFilter {
	return tenant.ClientFilter{
		Query: c.Query("q"), Tag: c.Query("tag"), ResponsibleID: c.Query("responsible"),
		Status: c.Query("status"), Sort: c.Query("sort"), After: c.Query("after"), Through: c.Query("through"),
		Limit: clientPageSize,
	}
}

// clientListURL is the address of a list state: base plus the filter's
// values that differ from the defaults, and one paging key (after or
// through) when given.
func clientListURL(base string, f tenant.ClientFilter, pageKey, cursor string) string {
	q := url.Values{}
	set := func(k, v, def string) {
		if v != "" && v != def {
			q.Set(k, v)
		}
	}
	set("q", f.Query, "")
	set("tag", f.Tag, "")
	set("responsible", f.ResponsibleID, "")
	set("status", f.Status, tenant.ClientStatusActive)
	set("sort", f.Sort, tenant.ClientSortName)
	set(pageKey, cursor, "")
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// clientsIndexView is the client list page; a search or filter request
// gets its results partial alone, a "Load more" request its rows partial
// alone, from the same view model.
type clientsIndexView struct {
	Page
	Base      string
	Filter    tenant.ClientFilter
	ListURL   string // the first rows of this state
	HereURL   string // this state with every row shown, where a bulk action comes back to
	ExportURL string
	Paged     bool // a later page: the list says nothing when it is empty
	Filtered  bool // the list is narrowed: its empty text says so

	Rows    []template.HTML // rendered by partials/clients/row, through clientRows
	MoreURL string          // the next rows; empty on the last

	// The full page's filter and bulk forms.
	Tags               []string // for the bulk form's tag suggestions
	TagOptions         []option
	ResponsibleOptions []option // the filter's people, after "Anyone" and "Nobody"
	BulkOptions        []option // whom the bulk action can make responsible
	OwnOnly            bool     // the viewer sees only their own clients
}

// ClientsIndex lists the clients the viewer may see: search, filters, sort
// and keyset paging, each state a URL. A plain htmx request gets the rows
// only: all of them for a new search or filter, the next ones for "load
// more" (then the address bar is set to a URL that shows every row loaded
// so far, so a reload or the back button keeps the place).
func (h *Handlers) ClientsIndex(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	f := clientFilterOf(c)
	if err := f.Validate(); err != nil {
		return err
	}
	page, err := t.ListClients(c.UserContext(), v, f)
	if err != nil {
		return err
	}
	base := clientsPath(r)
	last := ""
	if n := len(page.Rows); n > 0 {
		last = page.Rows[n-1].Cursor
	}
	view := &clientsIndexView{
		Page: Page{Title: "nav.Clients"}, Base: base, Filter: f, Paged: f.After != "",
		Filtered: f.Query != "" || f.Tag != "" || f.ResponsibleID != "" || f.Status != tenant.ClientStatusActive,
		ListURL:  clientListURL(base, f, "", ""), ExportURL: clientListURL(base+"/export.csv", f, "", ""),
	}
	if page.More {
		view.MoreURL = clientListURL(base, f, "after", last)
	}
	if view.Rows, err = h.renderClientRows(clientRowViews(r.Lang(), base, page.Rows)); err != nil {
		return err
	}
	view.HereURL = view.ListURL
	if f.Through != "" {
		view.HereURL = clientListURL(base, f, "through", f.Through)
	}
	if wantsFragment(c) {
		if f.After != "" {
			if last != "" {
				c.Set("HX-Push-Url", clientListURL(base, f, "through", last))
			}
			return h.fragment(c, "partials/clients/rows", view)
		}
		c.Set("HX-Push-Url", view.HereURL)
		return h.fragment(c, "partials/clients/results", view)
	}
	tags, err := t.ClientTags(c.UserContext(), v)
	if err != nil {
		return err
	}
	choices, err := t.ResponsibleChoices(c.UserContext(), v)
	if err != nil {
		return err
	}
	view.Tags, view.OwnOnly = tags, v.OwnOnly
	view.TagOptions = make([]option, len(tags))
	for i, tag := range tags {
		view.TagOptions[i] = option{tag, tag, tag == f.Tag}
	}
	view.ResponsibleOptions = make([]option, len(choices))
	view.BulkOptions = make([]option, len(choices))
	for i, s := range choices {
		view.ResponsibleOptions[i] = option{s.ID, s.Name, s.ID == f.ResponsibleID}
		view.BulkOptions[i] = option{s.ID, s.Name, s.ID == r.User.ID}
	}
	return h.page(c, "pages/clients/index", view)
}
