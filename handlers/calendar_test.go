package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// icsEvent is one VEVENT as read by parseICS: property name (parameters
// kept, "DTSTART;VALUE=DATE") → value, TEXT values unescaped.
type icsEvent map[string]string

// parseICS reads an iCalendar file the way RFC 5545 says, written here
// apart from the server's generator: lines end in CRLF, a line starting
// with a space or tab continues the one before (section 3.1), and TEXT
// escapes \\ \; \, \n are undone (3.3.11).
func parseICS(t *testing.T, body string) (map[string]string, []icsEvent) {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("feed does not end in CRLF")
	}
	var lines []string
	for _, raw := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(raw) > 75 {
			t.Errorf("line longer than 75 octets: %q", raw)
		}
		if strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t") {
			if len(lines) == 0 {
				t.Fatalf("continuation before any line")
			}
			lines[len(lines)-1] += raw[1:]
			continue
		}
		lines = append(lines, raw)
	}
	unescape := strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n")
	cal := map[string]string{}
	var events []icsEvent
	var cur icsEvent
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("line without a colon: %q", l)
		}
		switch {
		case name == "BEGIN" && value == "VEVENT":
			cur = icsEvent{}
		case name == "END" && value == "VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			cur[name] = unescape.Replace(value)
		default:
			cal[name] = unescape.Replace(value)
		}
	}
	return cal, events
}

var feedURL = regexp.MustCompile(`value="http://mm\.test(/a/[^"]+/calendar/feed/[^"]+\.ics)"`)

// mustNewFeed turns on (or renews) a feed of scope and returns its path.
func mustNewFeed(t *testing.T, b *browser, slug, scope string) string {
	t.Helper()
	res := b.post("/a/"+slug+"/calendar/"+scope, nil)
	wantStatus(t, res, http.StatusOK)
	m := feedURL.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no feed address on the page:\n%s", res.Body)
	}
	return m[1]
}

func TestCalendarFeeds(t *testing.T) {
	f := mustTaskFixture(t)
	owner := f.a.Owner
	long := "Review the contract, clauses 1; 2 and the annex with the client's lawyer before we sign anything at all"
	f.mustAddTask(t, owner, f.caseID, url.Values{"title": {long}, "assignee_id": {f.staffID}, "due_date": {"2026-11-05"}, "due_time": {"14:30"}})
	f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Owner's all-day task"}, "assignee_id": {f.ownerID}, "due_date": {"2026-11-06"}})
	f.mustAddTask(t, owner, f.caseID, url.Values{"title": {"Undated"}, "assignee_id": {f.staffID}})
	anon := f.e.newClient()

	personal := mustNewFeed(t, f.staff, f.a.Slug, "person")

	t.Run("the person's feed lists their due tasks, timed and all-day", func(t *testing.T) {
		res := anon.get(personal)
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %s", ct)
		}
		cal, events := parseICS(t, res.Body)
		if cal["VERSION"] != "2.0" || !strings.Contains(cal["X-WR-CALNAME"], "Staff Person") {
			t.Fatalf("calendar %v", cal)
		}
		if len(events) != 1 {
			t.Fatalf("%d events, want the staff member's one dated task: %v", len(events), events)
		}
		ev := events[0]
		if !strings.HasPrefix(ev["SUMMARY"], long+" · C-") {
			t.Errorf("summary %q", ev["SUMMARY"])
		}
		if ev["DTSTART"] != "20261105T143000Z" || ev["DTEND"] != "20261105T150000Z" || ev["UID"] == "" || ev["DTSTAMP"] == "" {
			t.Errorf("event %v", ev)
		}
		if !strings.Contains(ev["URL"], "/cases/"+f.caseID+"#task-") || !strings.Contains(ev["DESCRIPTION"], "\n") {
			t.Errorf("event %v", ev)
		}
	})

	t.Run("the agency's feed is for owners and admins, with every due date", func(t *testing.T) {
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/calendar/agency", nil), http.StatusNotFound)
		agencyFeed := mustNewFeed(t, owner, f.a.Slug, "agency")
		_, events := parseICS(t, anon.get(agencyFeed).Body)
		var allDay icsEvent
		for _, ev := range events {
			if strings.HasPrefix(ev["SUMMARY"], "Owner's all-day task") {
				allDay = ev
			}
		}
		if len(events) != 2 || allDay == nil {
			t.Fatalf("events %v", events)
		}
		if allDay["DTSTART;VALUE=DATE"] != "20261106" || allDay["DTEND;VALUE=DATE"] != "20261107" {
			t.Fatalf("all-day event %v", allDay)
		}
	})

	t.Run("a new address turns the old one off; revoking turns it off", func(t *testing.T) {
		renewed := mustNewFeed(t, f.staff, f.a.Slug, "person")
		wantStatus(t, anon.get(personal), http.StatusNotFound)
		wantStatus(t, anon.get(renewed), http.StatusOK)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/calendar/person/revoke", nil), http.StatusSeeOther)
		wantStatus(t, anon.get(renewed), http.StatusNotFound)
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "calendar.feed_revoked")) != 1 {
			t.Fatal("revocation not audited")
		}
	})

	t.Run("a feed's address under another agency is 404", func(t *testing.T) {
		feed := mustNewFeed(t, f.staff, f.a.Slug, "person")
		wantStatus(t, anon.get(strings.Replace(feed, "/a/"+f.a.Slug+"/", "/a/"+f.b.Slug+"/", 1)), http.StatusNotFound)
	})
}
