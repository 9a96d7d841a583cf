package handlers_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// dashCount is one figure of the dashboard: its link and its number.
var dashCount = regexp.MustCompile(`<li><a href="([^"]+)"[^>]*><span class="big">(\d+)</span> ([^<]+)</a></li>`)

// caseRow is a row of the case list (views/partials/cases/row.html).
var caseRow = regexp.MustCompile(`<input type="checkbox" name="ids" value="`)

// teamRow is a person on the Team page.
var teamRow = regexp.MustCompile(`<td data-label="Name">`)

// loadMore is the case list's next page.
var loadMore = regexp.MustCompile(`<tr class="load-more"><td colspan="8"><a href="([^"]+)"`)

// TestDashboardCountsMatchTheirPages follows each figure of the dashboard
// to the list it links to and counts the rows there.
func TestDashboardCountsMatchTheirPages(t *testing.T) {
	f := mustCaseFixture(t)
	owner := f.a.Owner
	ownerID := f.e.mustUserID(t, f.a, f.a.OwnerEmail)
	// The clock says 2 November 2026 (a Monday).
	for _, c := range []url.Values{
		{"title": {"Mine, open"}, "assignee_id": {ownerID}},
		{"title": {"Mine, overdue"}, "assignee_id": {ownerID}, "due_date": {"2026-10-30"}},
		{"title": {"Mine, due Thursday"}, "assignee_id": {ownerID}, "due_date": {"2026-11-05"}},
		{"title": {"Staff's, due Sunday"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-08"}},
		{"title": {"Nobody's, due next month"}, "due_date": {"2026-12-01"}},
		{"title": {"Nobody's"}},
		{"title": {"Nobody's, overdue"}, "due_date": {"2026-10-01"}},
	} {
		c.Set("client_id", f.acme)
		mustCreateCase(t, owner, f.a, c)
	}
	closed := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.globex}, "title": {"Mine, closed"}, "assignee_id": {ownerID}, "due_date": {"2026-10-02"}})
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/cases/"+closed+"/status", url.Values{"status": {"closed"}}), http.StatusSeeOther)
	f.e.mustAddUser(t, f.a, "client") // a contact: not on the Team page

	want := map[string]int{"My open cases": 3, "My overdue cases": 1, "Unassigned": 3, "Due this week": 2}
	for _, who := range []struct {
		name string
		b    *browser
	}{{"owner", owner}, {"staff", f.staff}} {
		t.Run("each of the "+who.name+"'s figures is the number of rows its link lists", func(t *testing.T) {
			res := who.b.get("/a/" + f.a.Slug)
			wantStatus(t, res, http.StatusOK)
			got := dashCount.FindAllStringSubmatch(res.Body, -1)
			if len(got) < 4 {
				t.Fatalf("found %d figures on the dashboard, want the four case lists:\n%s", len(got), res.Body)
			}
			if team := strings.Contains(res.Body, "</span> Team</a>"); team != (who.name == "owner") {
				t.Errorf("the Team figure shown: %v; want it only for those who may open the Team page", team)
			}
			for _, m := range got {
				link, label := html.UnescapeString(m[1]), strings.TrimSpace(m[3])
				n, _ := strconv.Atoi(m[2])
				rows := countRows(t, who.b, link, label)
				if rows != n {
					t.Errorf("%s: the dashboard says %d, %s lists %d", label, n, link, rows)
				}
				if w, ok := want[label]; ok && who.name == "owner" && n != w {
					t.Errorf("%s: %d, want %d", label, n, w)
				}
			}
		})
	}
}

// countRows counts the rows of the list at link: the people of the Team
// page, or the cases of a case list across its pages.
func countRows(t *testing.T, b *browser, link, label string) int {
	t.Helper()
	res := b.get(link)
	wantStatus(t, res, http.StatusOK)
	if label == "Team" {
		return len(teamRow.FindAllString(res.Body, -1))
	}
	if _, section, ok := strings.Cut(link, "/inbox#"); ok {
		// The inbox's section that the figure links to, up to the next one.
		_, rest, found := strings.Cut(res.Body, `id="`+section+`"`)
		if !found {
			t.Fatalf("%s: no section %s on the inbox", label, section)
		}
		rest, _, _ = strings.Cut(rest, "</section>")
		return strings.Count(rest, `<li><a href=`)
	}
	n := len(caseRow.FindAllString(res.Body, -1))
	for m := loadMore.FindStringSubmatch(res.Body); m != nil; m = loadMore.FindStringSubmatch(res.Body) {
		res = b.get(html.UnescapeString(m[1]))
		n += len(caseRow.FindAllString(res.Body, -1))
	}
	return n
}

// TestDashboardChecklist: a new agency's checklist ticks each step as it
// is done, and goes away once all are.
func TestDashboardChecklist(t *testing.T) {
	e := mustNewEnv(t)
	a := e.mustSignup(t, "checklist")
	done := func(t *testing.T) []string {
		t.Helper()
		res := a.Owner.get("/a/" + a.Slug)
		wantStatus(t, res, http.StatusOK)
		return regexp.MustCompile(`(?s)<li class="step-done">.*?<a href="[^"]+">([^<]+)</a>`).FindAllString(res.Body, -1)
	}
	if got := done(t); len(got) != 0 {
		t.Fatalf("a new agency has steps done: %q", got)
	}
	tn := e.mustTenant(t, a.ID)
	steps := []struct {
		name string
		do   func(t *testing.T)
	}{
		{"Add your billing details", func(t *testing.T) {
			mustExec(t, tn, `INSERT OR REPLACE INTO settings (key, value) VALUES ('billing.legal_name', 'Checklist UAB'), ('billing.address', 'Vilnius')`)
		}},
		{"Brand your portal", func(t *testing.T) {
			mustExec(t, tn, `INSERT OR REPLACE INTO settings (key, value) VALUES ('brand_accent', '#336699')`)
		}},
		{"Invite your team", func(t *testing.T) { e.mustAddUser(t, a, "staff") }},
		{"Add your first client", func(t *testing.T) { e.mustCaseClient(t, a, "First Client", "") }},
		{"Invite a client to the portal", func(t *testing.T) { e.mustAddUser(t, a, "client") }},
		{"Take payments with Paysera", func(t *testing.T) {
			mustExec(t, tn, `INSERT OR REPLACE INTO settings (key, value) VALUES ('billing.paysera_project_id', '123456')`)
		}},
	}
	for i, s := range steps {
		t.Run(s.name+" ticks its step", func(t *testing.T) {
			s.do(t)
			got := done(t)
			if i == len(steps)-1 {
				res := a.Owner.get("/a/" + a.Slug)
				wantLacks(t, res, `class="checklist"`)
				return
			}
			if len(got) != i+1 || !strings.Contains(got[i], s.name) {
				t.Fatalf("steps done: %q, want the first %d through %q", got, i+1, s.name)
			}
		})
	}
}

func mustExec(t *testing.T, tn interface {
	Tx(context.Context, func(*sql.Tx) error) error
}, query string, args ...any) {
	t.Helper()
	if err := tn.Tx(context.Background(), func(tx *sql.Tx) error { _, err := tx.Exec(query, args...); return err }); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestDashboardCountsWhatClientsSent: the dashboard's "New requests" and
// "New from clients" are the inbox's unassigned requests and unread client
// messages, and each figure's link lists that many.
func TestDashboardCountsWhatClientsSent(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Here are the new texts."}}), http.StatusSeeOther)
	wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"And the logo."}}), http.StatusSeeOther)
	res := f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"A new page"}, "body": {"Could you add a careers page?"}})
	wantStatus(t, res, http.StatusSeeOther)
	figures := func(b *browser) map[string]int {
		t.Helper()
		res := b.get("/a/" + f.a.Slug)
		wantStatus(t, res, http.StatusOK)
		got := map[string]int{}
		for _, m := range dashCount.FindAllStringSubmatch(res.Body, -1) {
			link, label := html.UnescapeString(m[1]), strings.TrimSpace(m[3])
			n, _ := strconv.Atoi(m[2])
			if rows := countRows(t, b, link, label); rows != n {
				t.Errorf("%s: the dashboard says %d, %s lists %d", label, n, link, rows)
			}
			got[label] = n
		}
		return got
	}
	got := figures(f.a.Owner)
	// The two messages, and the request's own message on the case it opened.
	if got["New from clients"] != 3 || got["New requests"] != 1 {
		t.Errorf("owner's figures %v: want 3 new from clients and 1 new request", got)
	}
	// Once the owner has read the case, its messages are no longer new to them.
	wantStatus(t, f.a.Owner.get("/a/"+f.a.Slug+"/cases/"+f.caseX), http.StatusOK)
	if got := figures(f.a.Owner); got["New from clients"] != 1 {
		t.Errorf("after reading the case, %d new from clients, want the request's 1", got["New from clients"])
	}
}
