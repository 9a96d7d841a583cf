package handlers_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// TestEventSentences writes an event of every registered kind and field
// (tenant.EventKinds) on a case, shown to the client, and reads the four
// pages that tell a case's history: the staff case page, the client's
// Activity tab, the portal's case page and its home. No page shows a code
// (a kind, or a field with an underscore) or the fallback sentence of an
// unknown kind; the staff page names every event by its value.
func TestEventSentences(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	tn := f.e.mustTenant(t, f.a.ID)
	var codes []string
	var pairs [][2]string
	for k, fields := range tenant.EventKinds {
		if strings.Contains(k, "_") { // a plain word ("note", "time") is also just a word
			codes = append(codes, k)
		}
		for _, fl := range fields {
			pairs = append(pairs, [2]string{k, fl})
			if strings.Contains(fl, "_") {
				codes = append(codes, fl)
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0]+pairs[i][1] < pairs[j][0]+pairs[j][1] })
	for i, p := range pairs {
		old := "before"
		if p[0] == tenant.EventDocRequest && p[1] == tenant.DocRequestReminded {
			old = tenant.ReminderAfter
		}
		if _, err := tn.Write().ExecContext(context.Background(), `INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id, visible_to_client)
			VALUES (?, ?, '', 'Ann Actor', ?, ?, ?, ?, '', 1)`, f.caseX, 1767225600+i, p[0], p[1], old, "value-"+p[0]+"-"+p[1]); err != nil {
			t.Fatal(err)
		}
	}
	pages := map[string]string{
		"staff case page": "/a/" + f.a.Slug + "/cases/" + f.caseX,
		"activity tab":    "/a/" + f.a.Slug + "/clients/" + f.x + "?tab=activity",
	}
	bodies := map[string]string{}
	for name, path := range pages {
		res := f.a.Owner.get(path)
		wantStatus(t, res, http.StatusOK)
		bodies[name] = res.Body
	}
	for name, path := range map[string]string{"portal case page": f.portal("/cases/" + f.caseX), "portal home": f.portal("")} {
		res := f.contact.get(path)
		wantStatus(t, res, http.StatusOK)
		bodies[name] = res.Body
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	for name, body := range bodies {
		text := html.UnescapeString(tags.ReplaceAllString(body, " "))
		for _, c := range codes {
			if regexp.MustCompile(`(^|[\s(>])` + regexp.QuoteMeta(c) + `($|[\s<:)])`).MatchString(text) {
				t.Errorf("%s shows the code %q", name, c)
			}
		}
		for _, fallback := range []string{"changed the case", "updated the case", "Case changed"} {
			if strings.Contains(text, fallback) {
				t.Errorf("%s has an event without its sentence (%q)", name, fallback)
			}
		}
	}
	staff := html.UnescapeString(bodies["staff case page"])
	activity := html.UnescapeString(bodies["activity tab"])
	portal := html.UnescapeString(bodies["portal case page"])
	for _, p := range pairs {
		v := "value-" + p[0] + "-" + p[1]
		if p[0] == tenant.EventInvoicePaid || p[0] == tenant.EventNote || p[0] == tenant.EventCreated || p[0] == tenant.EventRequestOpened || (p[0] == tenant.EventField && p[1] == tenant.FieldDescription) {
			continue // the value is the sentence, or folded under it
		}
		if !strings.Contains(staff, v) && !(p[0] == tenant.EventField || p[0] == tenant.EventNoteEdited) {
			t.Errorf("the staff page lacks the %s/%s event", p[0], p[1])
		}
		if !strings.Contains(activity, "Ann Actor") {
			t.Fatal("the activity tab lacks the events")
		}
	}
	for _, want := range []string{"asked you for “value-document_request-asked”", "sent “value-document_request-returned” back", "Ann Actor opened the request",
		"Ann Actor issued value-invoice_issued-", "voided invoice value-invoice_void-"} {
		if !strings.Contains(portal, want) {
			t.Errorf("the portal case page lacks %q", want)
		}
	}
	for _, want := range []string{"Document asked for", "Document sent back", "Invoice issued", "Payment recorded", "Request opened", "Task completed", "Time recorded"} {
		if !strings.Contains(activity, want) {
			t.Errorf("the activity tab lacks %q", want)
		}
	}
}
