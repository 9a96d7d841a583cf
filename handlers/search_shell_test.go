package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// firstHit is the address of the first result of the search page or the
// shell's dropdown.
var firstHit = regexp.MustCompile(`(?s)<li[^>]*>\s*<a [^>]*href="([^"]+)"`)

// TestSearchFindsInvoiceNumberFirst: typing an invoice's number into the
// shell's search box puts that invoice first in the dropdown and on the
// full results page, ahead of a client and a case whose names hold the
// same number and of the invoices whose numbers are near it.
func TestSearchFindsInvoiceNumberFirst(t *testing.T) {
	f := mustBillingFixture(t)
	owner := f.a.Owner
	var first string
	for i := 0; i < 11; i++ {
		id := f.mustCreateDraft(t, owner, f.invoiceForm())
		inv := f.mustIssue(t, owner, id)
		if i == 0 {
			first = id
			if inv.Number != "INV-2026-0001" {
				t.Fatalf("the first invoice is numbered %q, want INV-2026-0001", inv.Number)
			}
		}
	}
	rows := &searchRows{t: t, tn: f.tn}
	rival := rows.client("INV-2026-0001 Holdings", "")
	rows.kase(rival, "Dispute over INV-2026-0001", "")

	want := "/a/" + f.a.Slug + "/invoices/" + first
	t.Run("the dropdown lists the invoice first", func(t *testing.T) {
		res := owner.searchFragment("/a/" + f.a.Slug + "/search/suggest?q=INV-2026-0001")
		wantStatus(t, res, http.StatusOK)
		m := firstHit.FindStringSubmatch(res.Body)
		if m == nil || m[1] != want {
			t.Fatalf("first hit %v, want %s:\n%s", m, want, res.Body)
		}
		wantContains(t, res, "Žalia UAB")
		wantContains(t, res, "All results for")
	})
	t.Run("the results page lists the invoice first", func(t *testing.T) {
		res := owner.get(searchPath(f.a.Slug, "INV-2026-0001"))
		wantStatus(t, res, http.StatusOK)
		i := strings.Index(res.Body, `id="search-results"`)
		if i < 0 {
			t.Fatalf("no results on the page:\n%s", res.Body)
		}
		m := firstHit.FindStringSubmatch(res.Body[i:])
		if m == nil || m[1] != want {
			t.Fatalf("first hit %v, want %s", m, want)
		}
	})
	t.Run("the dropdown opened as a page goes to the results page", func(t *testing.T) {
		res := owner.get("/a/" + f.a.Slug + "/search/suggest?q=INV-2026-0001")
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != searchPath(f.a.Slug, "INV-2026-0001") {
			t.Fatalf("redirects to %q", loc)
		}
	})
}
