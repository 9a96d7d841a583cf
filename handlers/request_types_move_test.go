package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRequestTypesReorder: owners and admins put the request types in the
// order the portal offers them, by the up/down buttons or a position;
// staff, another agency, an archived type and a bad position change
// nothing.
func TestRequestTypesReorder(t *testing.T) {
	t.Parallel()
	f := mustRequestFixture(t)
	base := "/a/" + f.a.Slug + "/settings/requests"
	for _, name := range []string{"Alpha", "Beta"} {
		wantStatus(t, f.a.Owner.post(base, url.Values{"name": {name}}), http.StatusSeeOther)
	}
	id := func(name string) string {
		return f.e.caseQuery(t, f.a, `SELECT id FROM request_types WHERE name = ?`, name)
	}
	order := func() string {
		return f.e.caseQuery(t, f.a, `SELECT GROUP_CONCAT(name, ',') FROM (SELECT name FROM request_types WHERE archived_at IS NULL ORDER BY position, name)`)
	}
	// portalOrder is the order of the types on the portal's New request page.
	portalOrder := func() string {
		body := f.contact.get(f.portal("/requests/new")).Body
		var got []string
		for _, n := range []string{"Website change", "Alpha", "Beta"} {
			if strings.Contains(body, n) {
				got = append(got, n)
			}
		}
		for i := range got {
			for j := i + 1; j < len(got); j++ {
				if strings.Index(body, got[j]) < strings.Index(body, got[i]) {
					got[i], got[j] = got[j], got[i]
				}
			}
		}
		return strings.Join(got, ",")
	}
	if got := order(); got != "Website change,Alpha,Beta" {
		t.Fatalf("order %q", got)
	}

	t.Run("the settings page offers up and down, not past the ends", func(t *testing.T) {
		res := f.a.Owner.get(base)
		wantContains(t, res, `aria-label="Move Beta up"`)
		wantLacks(t, res, `aria-label="Move Beta down"`)
		wantLacks(t, res, `aria-label="Move Website change up"`)
	})
	t.Run("up, and to a position; the portal follows; audited", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(base+"/"+id("Beta")+"/move", url.Values{"dir": {"up"}}), http.StatusSeeOther)
		if got := order(); got != "Website change,Beta,Alpha" {
			t.Fatalf("order %q", got)
		}
		wantStatus(t, f.a.Owner.post(base+"/"+id("Website change")+"/move", url.Values{"to": {"3"}}), http.StatusSeeOther)
		if got := order(); got != "Beta,Alpha,Website change" {
			t.Fatalf("order %q", got)
		}
		if got := portalOrder(); got != "Beta,Alpha,Website change" {
			t.Fatalf("portal order %q", got)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "request_type.moved")) != 2 {
			t.Fatal("moves not audited")
		}
		wantContains(t, f.a.Owner.get("/a/"+f.a.Slug+"/audit"), "moved a request type: Website change → position 3")
	})
	t.Run("past the ends stays put", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(base+"/"+id("Beta")+"/move", url.Values{"dir": {"up"}}), http.StatusSeeOther)
		wantStatus(t, f.a.Owner.post(base+"/"+id("Website change")+"/move", url.Values{"to": {"99"}}), http.StatusSeeOther)
		if got := order(); got != "Beta,Alpha,Website change" {
			t.Fatalf("order %q", got)
		}
	})
	t.Run("refused: bad position, staff, a contact, another agency, an archived or unknown type", func(t *testing.T) {
		before := order()
		for _, form := range []url.Values{{"to": {"0"}}, {"to": {"first"}}, {"dir": {"sideways"}}, {}} {
			res := f.a.Owner.post(base+"/"+id("Alpha")+"/move", form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "Moving “Alpha”: choose a position from 1, or up or down.")
		}
		wantStatus(t, f.staff.post(base+"/"+id("Alpha")+"/move", url.Values{"dir": {"up"}}), http.StatusNotFound)
		wantStatus(t, f.contact.post(base+"/"+id("Alpha")+"/move", url.Values{"dir": {"up"}}), http.StatusNotFound)
		other := f.e.mustSignup(t, "reorder-other")
		wantStatus(t, other.Owner.post("/a/"+other.Slug+"/settings/requests/"+id("Alpha")+"/move", url.Values{"dir": {"up"}}), http.StatusNotFound)
		wantStatus(t, f.a.Owner.post(base+"/no-such-type/move", url.Values{"dir": {"up"}}), http.StatusNotFound)
		wantStatus(t, f.a.Owner.post(base+"/"+id("Beta")+"/archive", nil), http.StatusSeeOther)
		before = strings.TrimPrefix(before, "Beta,")
		wantStatus(t, f.a.Owner.post(base+"/"+id("Beta")+"/move", url.Values{"dir": {"down"}}), http.StatusNotFound)
		if got := order(); got != before {
			t.Fatalf("order %q, want %q", got, before)
		}
	})
}
