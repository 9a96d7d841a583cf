package handlers

import (
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// searchHit is one result as the page shows it; the text is already HTML
// (escaped, matches in <mark>), so the template does no work per row.
type searchHit struct {
	Kind    string
	URL     string
	Title   template.HTML
	Meta    string
	Snippet template.HTML
}

// Search answers the search box: the whole page, or only the results for
// the box's as-you-type htmx requests. Every state is a URL (?q=…).
func (h *Handlers) Search(c *fiber.Ctx) error {
	q := c.Query("q")
	data := fiber.Map{"Title": "Search", "Query": q}
	if strings.TrimSpace(q) == "" {
		return h.mapPageOrFragment(c, "pages/search/index", "partials/search/results", data)
	}
	v, err := h.viewer(c)
	if err != nil {
		return err
	}
	res, err := tenantOf(c).Search(c.UserContext(), v, q)
	if apperr.CodeOf(err) == apperr.Invalid {
		c.Status(fiber.StatusUnprocessableEntity)
		data["Error"] = apperr.FieldsOf(err)["q"]
		return h.mapPageOrFragment(c, "pages/search/index", "partials/search/results", data)
	}
	if err != nil {
		return err
	}
	data["Title"] = "Search: " + q
	data["Searched"] = len(res.Words) > 0
	data["Hits"] = searchHits("/a/"+agencyOf(c).Slug, res.Hits)
	data["Broad"] = res.Broad
	data["Candidates"] = res.Candidates
	return h.mapPageOrFragment(c, "pages/search/index", "partials/search/results", data)
}

func searchHits(base string, hits []db.SearchHit) []searchHit {
	out := make([]searchHit, 0, len(hits))
	for _, hit := range hits {
		v := searchHit{Kind: hit.Kind, Title: markMatches(hit.Title), Snippet: markMatches(hit.Snippet)}
		switch hit.Kind {
		case "client":
			v.URL = base + "/clients/" + hit.ID
			v.Meta = "Client"
			if hit.Archived {
				v.Meta += " · archived"
			}
		case "case":
			v.URL = base + "/cases/" + hit.ID
			v.Meta = "Case · " + db.CaseStatusLabel(hit.CaseStatus) + " · " + hit.ClientName
		case "note":
			v.URL = base + "/cases/" + hit.CaseID + "#note-" + hit.ID
			v.Title = template.HTML(template.HTMLEscapeString("Note on " + db.CaseNumber(hit.CaseNumber) + " " + hit.CaseTitle))
			v.Meta = "Note · " + hit.ClientName
		}
		out = append(out, v)
	}
	return out
}

// markMatches turns text with db.MatchStart/db.MatchEnd markers into HTML:
// every character of the text is escaped (it is whatever people typed),
// and only the markers become <mark> and </mark>. Stray or unbalanced
// markers (a person can type those characters too) never leave a tag open.
func markMatches(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, db.MatchStart+db.MatchEnd)
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			break
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		switch {
		case s[i:i+1] == db.MatchStart && !open:
			b.WriteString("<mark>")
			open = true
		case s[i:i+1] == db.MatchEnd && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}
