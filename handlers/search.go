package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
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
}

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
	q := c.Query("q")
	view := &searchView{Page: Page{Title: "Search"}, Query: q}
	if strings.TrimSpace(q) == "" {
		return h.pageOrFragment(c, "pages/search/index", "partials/search/results", view)
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	res, err := r.Tenant.Search(c.UserContext(), v, q)
	if apperr.CodeOf(err) == apperr.Invalid {
		c.Status(fiber.StatusUnprocessableEntity)
		view.Error = apperr.FieldsOf(err)["q"]
		return h.pageOrFragment(c, "pages/search/index", "partials/search/results", view)
	}
	if err != nil {
		return err
	}
	view.Title = "Search: " + q
	view.Searched = len(res.Words) > 0
	view.Hits = searchHits("/a/"+r.Agency.Slug, res.Hits)
	view.Broad, view.Candidates = res.Broad, res.Candidates
	return h.pageOrFragment(c, "pages/search/index", "partials/search/results", view)
}

func searchHits(base string, hits []tenant.SearchHit) []searchHit {
	out := make([]searchHit, 0, len(hits))
	for _, hit := range hits {
		v := searchHit{Kind: hit.Kind, Title: markedParts(hit.Title), Snippet: markedParts(hit.Snippet)}
		switch hit.Kind {
		case "client":
			v.URL = base + "/clients/" + hit.ID
			v.Meta = "Client"
			if hit.Archived {
				v.Meta += " · archived"
			}
		case "case":
			v.URL = base + "/cases/" + hit.ID
			v.Meta = "Case · " + tenant.CaseStatusLabel(hit.CaseStatus) + " · " + hit.ClientName
		case "note":
			v.URL = base + "/cases/" + hit.CaseID + "#note-" + hit.ID
			v.Title = []markedPart{{Text: "Note on " + tenant.CaseNumber(hit.CaseNumber) + " " + hit.CaseTitle}}
			v.Meta = "Note · " + hit.ClientName
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
