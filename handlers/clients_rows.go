package handlers

import (
	"html/template"

	"mintedmind/db/tenant"
)

// clientRowView is one row of the client list, every value a display
// string, for views/partials/clients/row.html. It is comparable on
// purpose: the rendered rows are cached by it (clientRowCacheSize), and
// since it holds everything a row shows, a renamed client, a new email,
// tag or responsible person, or an archive is a new key and renders
// afresh. The row's paging cursor is not part of it: the row shows none.
type clientRowView struct {
	ID          string
	URL         string
	Name        string
	Email       string
	Phone       string
	City        string
	Tags        string
	Responsible string
	Updated     string
	Archived    bool
	Lang        string // the viewer's: a row is cached per language
}

// clientRowCacheSize is about how many rendered client rows are kept (two
// generations of this many at most, under 1 KB each). The client list is
// loaded at every keystroke of its search (the benchmark runs it at 32
// connections): its 50 rows through html/template, a reflective call and
// an escaper per value, cost more than the query; from the cache, a map
// lookup each. This is why the rows are not simply a range in rows.html.
const clientRowCacheSize = 4096

// clientRowViews are the list's rows as it shows them, linked under base.
func clientRowViews(lang, base string, rows []tenant.ClientRow) []clientRowView {
	out := make([]clientRowView, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = clientRowView{
			ID: r.ID, URL: base + "/" + r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, City: r.City,
			Tags: r.Tags, Responsible: r.Responsible, Updated: r.Updated, Archived: r.Archived, Lang: lang,
		}
	}
	return out
}

// renderClientRows renders rows through the row cache.
func (h *Handlers) renderClientRows(rows []clientRowView) ([]template.HTML, error) {
	out := make([]template.HTML, len(rows))
	for i := range rows {
		var err error
		if out[i], err = h.clientRows.Render(rows[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
