package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db"
)

// clientPageSize is how many rows the client list shows at a time.
const clientPageSize = 50

// clientsBase is the client list's path in the request's agency.
func clientsBase(c *fiber.Ctx) string { return "/a/" + agencyOf(c).Slug + "/clients" }

// clientFilterOf reads the list state from the query string.
func clientFilterOf(c *fiber.Ctx) db.ClientFilter {
	return db.ClientFilter{
		Query: c.Query("q"), Tag: c.Query("tag"), ResponsibleID: c.Query("responsible"),
		Status: c.Query("status"), Sort: c.Query("sort"), After: c.Query("after"), Through: c.Query("through"),
		Limit: clientPageSize,
	}
}

// clientListURL is the address of a list state: base plus the filter's
// values that differ from the defaults, and one paging key (after or
// through) when given.
func clientListURL(base string, f db.ClientFilter, pageKey, cursor string) string {
	q := url.Values{}
	set := func(k, v, def string) {
		if v != "" && v != def {
			q.Set(k, v)
		}
	}
	set("q", f.Query, "")
	set("tag", f.Tag, "")
	set("responsible", f.ResponsibleID, "")
	set("status", f.Status, db.ClientStatusActive)
	set("sort", f.Sort, db.ClientSortName)
	set(pageKey, cursor, "")
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// clientListRow is a list row with its link made once, in Go.
type clientListRow struct {
	db.ClientRow
	URL string
}

// ClientsIndex lists the clients the viewer may see: search, filters, sort
// and keyset paging, each state a URL. A plain htmx request gets the rows
// only: all of them for a new search or filter, the next ones for "load
// more" (then the address bar is set to a URL that shows every row loaded
// so far, so a reload or the back button keeps the place).
func (h *Handlers) ClientsIndex(c *fiber.Ctx) error {
	t := tenantOf(c)
	v, err := h.viewer(c)
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
	base := clientsBase(c)
	rows := make([]clientListRow, len(page.Rows))
	for i, r := range page.Rows {
		rows[i] = clientListRow{ClientRow: r, URL: base + "/" + r.ID}
	}
	last := ""
	if n := len(rows); n > 0 {
		last = rows[n-1].Cursor
	}
	moreURL := ""
	if page.More {
		moreURL = clientListURL(base, f, "after", last)
	}
	filtered := f.Query != "" || f.Tag != "" || f.ResponsibleID != "" || f.Status != db.ClientStatusActive
	data := fiber.Map{
		"Title": "Clients", "Filter": f, "Paged": f.After != "",
		"RowsHTML":  clientRowsHTML(rows, moreURL, f.After != "", filtered),
		"Base":      base,
		"ListURL":   clientListURL(base, f, "", ""),
		"ExportURL": clientListURL(base+"/export.csv", f, "", ""),
	}
	here := data["ListURL"].(string)
	if f.Through != "" {
		here = clientListURL(base, f, "through", f.Through)
	}
	data["HereURL"] = here
	if wantsFragment(c) {
		if f.After != "" {
			if last != "" {
				c.Set("HX-Push-Url", clientListURL(base, f, "through", last))
			}
			return h.mapFragment(c, "partials/clients/rows", data)
		}
		c.Set("HX-Push-Url", here)
		return h.mapFragment(c, "partials/clients/results", data)
	}
	tags, err := t.ClientTags(c.UserContext(), v)
	if err != nil {
		return err
	}
	choices, err := t.ResponsibleChoices(c.UserContext(), v)
	if err != nil {
		return err
	}
	data["Tags"], data["Choices"], data["OwnOnly"] = tags, choices, v.OwnOnly
	return h.mapPage(c, "pages/clients/index", data)
}
