package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// searchView is the search page; the box's as-you-type requests get its
// results partial alone, from the same view model.
type searchView struct {
	Page
	Query      string
	Error      string // about the query; the results say it instead
	Searched   bool   // the query had a word to search
	Hits       []searchHit
	Broad      bool // only the newest Candidates matches were ranked
	Candidates int
	AllURL     string // the full results page of the query (the dropdown's last link)
}

// suggestMax is how many hits the shell's dropdown shows; the full page
// shows them all.
const suggestMax = 8

// searchHit is one result as the page shows it; its title and snippet are
// parts that views/partials/search/marked.html renders, matches in <mark>.
type searchHit struct {
	Kind    string
	URL     string
	Title   []markedPart
	Meta    string
	Snippet []markedPart // empty: none
}

// markedPart is a piece of a search hit's text: plain, or a match of the
// query.
type markedPart struct {
	Text  string
	Match bool
}

// Search answers the search box: the whole page, or only the results for
// the box's as-you-type htmx requests. Every state is a URL (?q=…).
func (h *Handlers) Search(c *fiber.Ctx, r *Request) error {
	view, err := h.search(c, r)
	if err != nil {
		return err
	}
	return h.pageOrFragment(c, "pages/search/index", "partials/search/results", view)
}

// SearchSuggest answers the shell's search box as the person types: the
// first hits in a dropdown, with a link to the full results. It is never
// pushed to the address bar; opened as a page, it sends the browser to the
// full results of the same query.
func (h *Handlers) SearchSuggest(c *fiber.Ctx, r *Request) error {
	if !wantsFragment(c) {
		return c.Redirect("/a/"+r.Agency.Slug+"/search?q="+url.QueryEscape(c.Query("q")), fiber.StatusSeeOther)
	}
	view, err := h.search(c, r)
	if err != nil {
		return err
	}
	if len(view.Hits) > suggestMax {
		view.Hits = view.Hits[:suggestMax]
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.fragment(c, "partials/search/suggest", view)
}

// search runs the request's query (?q=) for the search page and the dropdown.
func (h *Handlers) search(c *fiber.Ctx, r *Request) (*searchView, error) {
	q := c.Query("q")
	base := "/a/" + r.Agency.Slug
	view := &searchView{Page: Page{Title: "nav.Search"}, Query: q, AllURL: base + "/search?q=" + url.QueryEscape(q)}
	if strings.TrimSpace(q) == "" {
		return view, nil
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, err
	}
	res, err := r.Tenant.Search(c.UserContext(), v, q)
	if apperr.CodeOf(err) == apperr.Invalid {
		c.Status(fiber.StatusUnprocessableEntity)
		view.Error = i18n.T(r.Lang(), apperr.FieldsOf(err)["q"])
		return view, nil
	}
	if err != nil {
		return nil, err
	}
	view.Title = i18n.T(r.Lang(), "search.title_q", "Query", q)
	view.Searched = len(res.Words) > 0 || len(res.Hits) > 0
	view.Hits = searchHits(r.Lang(), base, res.Hits)
	view.Broad, view.Candidates = res.Broad, res.Candidates
	if view.Candidates < len(view.Hits) {
		view.Candidates = len(view.Hits) // a number looked up besides the index
	}
	return view, nil
}

func searchHits(lang, base string, hits []tenant.SearchHit) []searchHit {
	out := make([]searchHit, 0, len(hits))
	for _, hit := range hits {
		v := searchHit{Kind: hit.Kind, Title: markedParts(hit.Title), Snippet: markedParts(hit.Snippet)}
		switch hit.Kind {
		case "client":
			v.URL = base + "/clients/" + hit.ID
			v.Meta = i18n.T(lang, "cases.client")
			if hit.Archived {
				v.Meta += " · " + i18n.T(lang, "search.archived")
			}
		case "case":
			v.URL = base + "/cases/" + hit.ID
			v.Meta = i18n.T(lang, "inv.case") + " · " + caseStatusText(lang, hit.CaseStatus) + " · " + hit.ClientName
		case "note":
			v.URL = base + "/cases/" + hit.CaseID + "#note-" + hit.ID
			v.Title = []markedPart{{Text: i18n.T(lang, "search.note_on", "Case", tenant.CaseNumber(hit.CaseNumber)+" "+hit.CaseTitle)}}
			v.Meta = i18n.T(lang, "search.note") + " · " + hit.ClientName
		case "invoice":
			v.URL = base + "/invoices/" + hit.ID
			kind, draft := "invoice.invoice", "search.draft_invoice"
			if hit.InvoiceKind == tenant.KindCreditNote {
				kind, draft = "Credit note", "search.draft_credit"
			}
			if len(v.Title) == 0 {
				v.Title = []markedPart{{Text: i18n.T(lang, draft)}}
			}
			v.Meta = i18n.T(lang, kind) + " · " + hit.ClientName + " · " + i18n.Money(lang, hit.Total, hit.Currency) + " · " + i18n.T(lang, tenant.InvoiceStatusLabel(hit.InvoiceStatus))
		case "document":
			v.URL = base + "/cases/" + hit.CaseID + "#documents"
			v.Meta = i18n.T(lang, "store.document") + " · " + tenant.CaseNumber(hit.CaseNumber) + " " + hit.CaseTitle + " · " + hit.ClientName
		}
		out = append(out, v)
	}
	return out
}

// markedParts cuts text with db.MatchStart/db.MatchEnd markers into plain
// parts and matches; the markers themselves are dropped. Stray or
// unbalanced markers (a person can type those characters too) only end or
// start a match where one can: a match never nests and always ends.
func markedParts(s string) []markedPart {
	var parts []markedPart
	add := func(text string, match bool) {
		if text == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Match == match { // across a stray marker
			parts[n-1].Text += text
			return
		}
		parts = append(parts, markedPart{Text: text, Match: match})
	}
	open := false
	for s != "" {
		i := strings.IndexAny(s, tenant.MatchStart+tenant.MatchEnd)
		if i < 0 {
			add(s, open)
			break
		}
		add(s[:i], open)
		switch s[i : i+1] {
		case tenant.MatchStart:
			open = true
		case tenant.MatchEnd:
			open = false
		}
		s = s[i+1:]
	}
	return parts
}
