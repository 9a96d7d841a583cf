package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"mintedmind/db/tenant"
)

// mustCaseClient inserts a client row into the agency's database with SQL:
// the clients API is not what these tests are about.
func (e *env) mustCaseClient(t *testing.T, a *agency, name, responsibleID string) string {
	t.Helper()
	id := uuid.NewString()
	var resp any
	if responsibleID != "" {
		resp = responsibleID
	}
	err := e.mustTenant(t, a.ID).Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO clients (id, name, kind, responsible_id, created_at, updated_at) VALUES (?, ?, 'company', ?, 1, 1)`, id, name, resp)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// mustUserID returns the id of the agency's user with email.
func (e *env) mustUserID(t *testing.T, a *agency, email string) string {
	t.Helper()
	u, err := e.mustTenant(t, a.ID).UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// mustCreateCase opens a case through the form and returns its id.
func mustCreateCase(t *testing.T, c *browser, a *agency, form url.Values) string {
	t.Helper()
	res := c.post("/a/"+a.Slug+"/cases", form)
	wantStatus(t, res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	prefix := "/a/" + a.Slug + "/cases/"
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("created case redirects to %q", loc)
	}
	return strings.TrimPrefix(loc, prefix)
}

// caseQuery reads one value about a case straight from the database.
func (e *env) caseQuery(t *testing.T, a *agency, query string, args ...any) string {
	t.Helper()
	var s sql.NullString
	if err := e.mustTenant(t, a.ID).Read().QueryRowContext(context.Background(), query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s.String
}

func wantLacks(t *testing.T, res *response, s string) {
	t.Helper()
	if strings.Contains(res.Body, s) {
		t.Fatalf("body contains %q:\n%s", s, res.Body)
	}
}

// caseFixture is an agency with two clients and a staff member, and a
// second agency with a client and a case of its own.
type caseFixture struct {
	e              *env
	a, b           *agency
	acme, globex   string // clients of A
	staffID        string
	staff          *browser
	staffEmail     string
	foreignClient  string // B's client
	foreignCase    string // B's case
	foreignStaffID string // B's owner
}

func mustCaseFixture(t *testing.T) *caseFixture {
	t.Helper()
	f := &caseFixture{e: mustNewEnv(t)}
	f.a, f.b = f.e.mustSignup(t, "cases-a"), f.e.mustSignup(t, "cases-b")
	f.acme, f.globex = f.e.mustCaseClient(t, f.a, "Acme Ltd", ""), f.e.mustCaseClient(t, f.a, "Globex", "")
	f.staff, f.staffEmail = f.e.mustAddUser(t, f.a, "staff")
	f.staffID = f.e.mustUserID(t, f.a, f.staffEmail)
	f.foreignClient = f.e.mustCaseClient(t, f.b, "Foreign Co", "")
	f.foreignCase = mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {f.foreignClient}, "title": {"B's case"}})
	f.foreignStaffID = f.e.mustUserID(t, f.b, f.b.OwnerEmail)
	return f
}

func (f *caseFixture) url(path string) string { return "/a/" + f.a.Slug + "/cases" + path }

func TestCaseCreate(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	first := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Broken printer"}, "labels": {"Hardware, URGENT, hardware"},
		"priority": {"high"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-20"}, "description": {"See https://example.test/ticket?id=1"}})

	t.Run("the case page shows what was typed", func(t *testing.T) {
		res := owner.get(f.url("/" + first))
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{"C-0001", "Broken printer", "Acme Ltd", "Staff Person", "2026-11-20", "hardware", "urgent", "High priority",
			`<a href="https://example.test/ticket?id=1" rel="noopener noreferrer nofollow" target="_blank">`, "opened the case"} {
			wantContains(t, res, s)
		}
	})

	bad := []struct {
		name, field, value, message string
	}{
		{"an empty title is refused", "title", "", "Enter a title."},
		{"a title over 200 characters is refused", "title", strings.Repeat("x", 201), "at most 200 characters for the title"},
		{"a description over 20000 characters is refused", "description", strings.Repeat("x", 20001), "at most 20000 characters for the description"},
		{"february 30 is refused", "due_date", "2026-02-30", "&#34;2026-02-30&#34; is not a real date: use YYYY-MM-DD"},
		{"an unknown priority is refused", "priority", "asap", "Unknown priority &#34;asap&#34;"},
		{"21 labels are refused", "labels", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "at most 20 labels (this has 21)"},
		{"a label over 40 characters is refused", "labels", strings.Repeat("y", 41), "at most 40 characters"},
		{"another agency's client is refused", "client_id", "", "Choose one of your clients"},
		{"a client id that does not exist is refused", "client_id", uuid.NewString(), "Choose one of your clients"},
		{"another agency's person as assignee is refused", "assignee_id", "", "Choose an active member of your team"},
		{"a client contact as assignee is refused", "assignee_id", "client-user", "Choose an active member of your team"},
	}
	_, clientEmail := f.e.mustAddUser(t, f.a, "client")
	clientUser := f.e.mustUserID(t, f.a, clientEmail)
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"client_id": {f.acme}, "title": {"Valid title"}}
			form.Set(tt.field, tt.value)
			switch {
			case tt.field == "client_id" && tt.value == "":
				form.Set("client_id", f.foreignClient)
			case tt.field == "assignee_id" && tt.value == "":
				form.Set("assignee_id", f.foreignStaffID)
			case tt.value == "client-user":
				form.Set("assignee_id", clientUser)
			}
			res := owner.post(f.url(""), form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, tt.message)
			wantContains(t, res, `aria-invalid="true"`)
		})
	}

	t.Run("numbers stay gapless after refused forms", func(t *testing.T) {
		second := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.globex}, "title": {"Second"}})
		if n := f.e.caseQuery(t, f.a, `SELECT number FROM cases WHERE id = ?`, second); n != "2" {
			t.Fatalf("second case is number %s", n)
		}
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM cases`); n != "2" {
			t.Fatalf("%s cases stored", n)
		}
	})
	t.Run("a refused form keeps what was typed", func(t *testing.T) {
		res := owner.post(f.url(""), url.Values{"client_id": {f.acme}, "title": {"Keep <me>"}, "due_date": {"2026-13-01"}, "labels": {"one, two"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `value="Keep &lt;me&gt;"`)
		wantContains(t, res, `value="one, two"`)
	})
	t.Run("an htmx form post gets the form alone", func(t *testing.T) {
		owner.headers["HX-Request"] = "true"
		defer delete(owner.headers, "HX-Request")
		res := owner.post(f.url(""), url.Values{"client_id": {f.acme}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<form method="post" action="/a/`+f.a.Slug+`/cases" class="case-form"`)
		wantLacks(t, res, "<html")
	})
	t.Run("the new-case form narrows the client menu by name", func(t *testing.T) {
		res := owner.get(f.url("/new?client_q=glob"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Globex")
		wantLacks(t, res, "Acme Ltd")
		for _, q := range []string{"client_id", "client"} {
			res = owner.get(f.url("/new?" + q + "=" + f.acme))
			wantContains(t, res, `<option value="`+f.acme+`" selected>Acme Ltd</option>`)
		}
	})
}

func TestCaseOtherAgencyIsNotFound(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	id := f.foreignCase
	requests := []struct {
		name string
		do   func() *response
	}{
		{"the case page", func() *response { return owner.get(f.url("/" + id)) }},
		{"the edit form", func() *response { return owner.get(f.url("/" + id + "/edit")) }},
		{"an update", func() *response { return owner.post(f.url("/"+id), url.Values{"title": {"Hijacked"}}) }},
		{"a status change", func() *response { return owner.post(f.url("/"+id+"/status"), url.Values{"status": {"closed"}}) }},
		{"a note", func() *response { return owner.post(f.url("/"+id+"/notes"), url.Values{"body": {"hello"}}) }},
		{"a bulk change", func() *response {
			return owner.post(f.url("/bulk"), url.Values{"ids": {id}, "action": {"status:closed"}})
		}},
	}
	for _, r := range requests {
		t.Run(r.name+" of another agency's case is 404", func(t *testing.T) {
			wantStatus(t, r.do(), http.StatusNotFound)
		})
	}
	if got := f.e.caseQuery(t, f.b, `SELECT title || ' ' || status FROM cases WHERE id = ?`, id); got != "B's case new" {
		t.Fatalf("B's case became %q", got)
	}
	if n := f.e.caseQuery(t, f.b, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, id); n != "1" {
		t.Fatalf("B's case has %s events", n)
	}
}

func TestCaseStatus(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	id := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Move me"}})

	t.Run("an unknown status is 422 and changes nothing", func(t *testing.T) {
		res := owner.post(f.url("/"+id+"/status"), url.Values{"status": {"done"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Unknown status &#34;done&#34;")
		if s := f.e.caseQuery(t, f.a, `SELECT status FROM cases WHERE id = ?`, id); s != "new" {
			t.Fatalf("status %s", s)
		}
	})
	t.Run("a board move goes back to the board", func(t *testing.T) {
		board := f.url("/board?view=mine")
		res := owner.post(f.url("/"+id+"/status"), url.Values{"status": {"in_progress"}, "return": {board}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != board {
			t.Fatalf("went to %q", loc)
		}
		res = owner.get(f.url("/board"))
		wantStatus(t, res, http.StatusOK)
		col := res.Body[strings.Index(res.Body, `data-status="in_progress"`):]
		col = col[:strings.Index(col, "</section>")]
		if !strings.Contains(col, "Move me") {
			t.Fatalf("the card is not in the In progress column:\n%s", col)
		}
	})
	t.Run("a return address elsewhere is ignored", func(t *testing.T) {
		res := owner.post(f.url("/"+id+"/status"), url.Values{"status": {"waiting"}, "return": {"https://evil.test/a/" + f.a.Slug + "/cases"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.url("/"+id) {
			t.Fatalf("went to %q", loc)
		}
	})
	t.Run("closing sets closed_at and reopening clears it", func(t *testing.T) {
		wantStatus(t, owner.post(f.url("/"+id+"/status"), url.Values{"status": {"closed"}}), http.StatusSeeOther)
		if f.e.caseQuery(t, f.a, `SELECT closed_at FROM cases WHERE id = ?`, id) == "" {
			t.Fatal("closed case has no closed_at")
		}
		res := owner.get(f.url("/" + id))
		wantContains(t, res, "Reopen")
		wantStatus(t, owner.post(f.url("/"+id+"/status"), url.Values{"status": {"in_progress"}}), http.StatusSeeOther)
		if f.e.caseQuery(t, f.a, `SELECT closed_at FROM cases WHERE id = ?`, id) != "" {
			t.Fatal("reopened case keeps closed_at")
		}
	})
	t.Run("an htmx board move is answered with a redirect htmx follows", func(t *testing.T) {
		owner.headers["HX-Request"], owner.headers["HX-Boosted"] = "true", "true"
		defer func() { delete(owner.headers, "HX-Request"); delete(owner.headers, "HX-Boosted") }()
		res := owner.post(f.url("/"+id+"/status"), url.Values{"status": {"resolved"}, "return": {f.url("/board")}})
		wantStatus(t, res, http.StatusSeeOther)
	})
}

func TestCaseTimeline(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	id := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Old title"}, "description": {"old text"}, "labels": {"a"}, "due_date": {"2026-12-01"}})
	f.e.clock.Advance(60e9)
	res := owner.post(f.url("/"+id), url.Values{"client_id": {f.globex}, "title": {"New <b>title</b>"}, "description": {"new text https://x.test/"},
		"priority": {"urgent"}, "assignee_id": {f.staffID}, "due_date": {"2026-12-24"}, "labels": {"b, c"}})
	wantStatus(t, res, http.StatusSeeOther)
	wantStatus(t, f.staff.post(f.url("/"+id+"/status"), url.Values{"status": {"waiting"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(f.url("/"+id), url.Values{"assignee_id": {""}}), http.StatusSeeOther)

	res = owner.get(f.url("/" + id))
	wantStatus(t, res, http.StatusOK)
	changes := []struct{ name, want string }{
		{"creation", "<strong>Olive Owner</strong> opened the case"},
		{"client", "moved the case from Acme Ltd to Globex"},
		{"title", "changed the title"},
		{"title before", `<div class="case-text">Old title</div>`},
		{"title after escaped", `<div class="case-text">New &lt;b&gt;title&lt;/b&gt;</div>`},
		{"description", "edited the description"},
		{"description after linkified", `new text <a href="https://x.test/"`},
		{"priority", "changed the priority from Normal to Urgent"},
		{"due date", "moved the due date from 2026-12-01 to 2026-12-24"},
		{"labels before", `<div class="case-text">a</div>`},
		{"labels after", `<div class="case-text">b, c</div>`},
		{"assignment", "assigned the case to Staff Person"},
		{"status by staff", "<strong>Staff Person</strong> changed the status from New to Waiting on client"},
		{"unassignment", "took Staff Person off the case"},
	}
	for _, c := range changes {
		t.Run(c.name+" is on the timeline", func(t *testing.T) { wantContains(t, res, c.want) })
	}
	t.Run("the client sees creation and status events only", func(t *testing.T) {
		got := f.e.caseQuery(t, f.a, `SELECT group_concat(kind, ',') FROM (SELECT kind FROM case_events WHERE case_id = ? AND visible_to_client = 1 ORDER BY id)`, id)
		if got != "created,status" {
			t.Fatalf("client-visible events: %s", got)
		}
	})
	t.Run("the timeline shows 100 events and pages back through the rest", func(t *testing.T) {
		for i := 0; i < 205; i++ {
			s := []string{"in_progress", "waiting"}[i%2]
			wantStatus(t, owner.post(f.url("/"+id+"/status"), url.Values{"status": {s}}), http.StatusSeeOther)
		}
		total, _ := strconv.Atoi(f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, id))
		res := owner.get(f.url("/" + id))
		if n := strings.Count(res.Body, `<li class="ev `); n != 100 {
			t.Fatalf("%d events shown, want 100", n)
		}
		wantLacks(t, res, "opened the case")
		seen := 0
		for pages := 1; ; pages++ {
			seen += strings.Count(res.Body, `<li class="ev `)
			i := strings.Index(res.Body, `class="older"><a href="`)
			if i < 0 {
				wantContains(t, res, "opened the case")
				break
			}
			if pages > total/100+1 {
				t.Fatalf("more pages than events")
			}
			older := res.Body[i+len(`class="older"><a href="`):]
			older = older[:strings.Index(older, `"`)]
			owner.headers["HX-Request"] = "true"
			res = owner.get(strings.ReplaceAll(older, "&amp;", "&"))
			delete(owner.headers, "HX-Request")
			wantStatus(t, res, http.StatusOK)
			wantLacks(t, res, "<html")
		}
		if seen != total {
			t.Fatalf("the pages showed %d events, the case has %d", seen, total)
		}
	})
}

func TestCaseNotes(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	id := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Notes"}})
	noteID := func(body string) string {
		return f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE case_id = ? AND body = ?`, id, body)
	}

	wantStatus(t, f.staff.post(f.url("/"+id+"/notes"), url.Values{"body": {"internal <script>alert(1)</script> see https://x.test/a\"b"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(f.url("/"+id+"/notes"), url.Values{"body": {"Hello client"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	internal := noteID("internal <script>alert(1)</script> see https://x.test/a\"b")
	visible := noteID("Hello client")

	t.Run("internal and client-visible flags are stored on notes and events", func(t *testing.T) {
		for _, c := range []struct{ note, want string }{{internal, "0 0"}, {visible, "1 1"}} {
			got := f.e.caseQuery(t, f.a, `SELECT n.visible_to_client || ' ' || e.visible_to_client FROM notes n JOIN case_events e ON e.note_id = n.id AND e.kind = 'note' WHERE n.id = ?`, c.note)
			if got != c.want {
				t.Errorf("note %s flags %q, want %q", c.note, got, c.want)
			}
		}
	})
	t.Run("a note is shown escaped with its link clickable", func(t *testing.T) {
		res := owner.get(f.url("/" + id))
		wantContains(t, res, `internal &lt;script&gt;alert(1)&lt;/script&gt; see <a href="https://x.test/a" rel="noopener noreferrer nofollow" target="_blank">https://x.test/a</a>&#34;b`)
		wantLacks(t, res, "<script>alert(1)")
		wantContains(t, res, "Client sees this")
	})
	t.Run("an empty note is refused with a message", func(t *testing.T) {
		res := owner.post(f.url("/"+id+"/notes"), url.Values{"body": {"   "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Write something first.")
	})
	t.Run("a note over 20000 characters is refused", func(t *testing.T) {
		res := owner.post(f.url("/"+id+"/notes"), url.Values{"body": {strings.Repeat("n", 20001)}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "at most 20000 characters for the note")
	})
	t.Run("its author edits a note and the old text stays in the history", func(t *testing.T) {
		wantStatus(t, f.staff.get(f.url("/"+id+"/notes/"+internal+"/edit")), http.StatusOK)
		res := f.staff.post(f.url("/"+id+"/notes/"+internal), url.Values{"body": {"corrected text"}})
		wantStatus(t, res, http.StatusSeeOther)
		page := owner.get(f.url("/" + id))
		wantContains(t, page, "edited a note")
		wantContains(t, page, `<div class="case-text">internal &lt;script&gt;`)
		wantContains(t, page, `<div class="case-text">corrected text</div>`)
		wantContains(t, page, "(edited)")
	})
	t.Run("another staff member may not edit someone's note", func(t *testing.T) {
		other, _ := f.e.mustAddUser(t, f.a, "staff")
		wantStatus(t, other.get(f.url("/"+id+"/notes/"+visible+"/edit")), http.StatusForbidden)
		wantStatus(t, other.post(f.url("/"+id+"/notes/"+visible), url.Values{"body": {"mine now"}}), http.StatusForbidden)
		if got := f.e.caseQuery(t, f.a, `SELECT body FROM notes WHERE id = ?`, visible); got != "Hello client" {
			t.Fatalf("note became %q", got)
		}
	})
	t.Run("an admin may edit anyone's internal note but not someone's message to the client; its author takes it back, recorded", func(t *testing.T) {
		admin, _ := f.e.mustAddUser(t, f.a, "admin")
		wantStatus(t, admin.post(f.url("/"+id+"/notes/"+visible), url.Values{"body": {"Hello client"}}), http.StatusForbidden)
		wantStatus(t, admin.post(f.url("/"+id+"/notes/"+internal), url.Values{"body": {"corrected by an admin"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT body FROM notes WHERE id = ?`, internal); got != "corrected by an admin" {
			t.Fatalf("internal note = %q", got)
		}
		// Within its 15 minutes (messages_test.go), the author may make it internal.
		wantStatus(t, owner.post(f.url("/"+id+"/notes/"+visible), url.Values{"body": {"Hello client"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT visible_to_client FROM notes WHERE id = ?`, visible); got != "0" {
			t.Fatalf("visible_to_client = %s", got)
		}
		wantContains(t, owner.get(f.url("/"+id)), "made a note internal")
	})
	t.Run("a note of another case is not found", func(t *testing.T) {
		other := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Other"}})
		wantStatus(t, owner.get(f.url("/"+other+"/notes/"+visible+"/edit")), http.StatusNotFound)
	})
}

func TestCaseViews(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	// The test clock is at 2026-11-02 09:00 UTC.
	cases := []url.Values{
		{"title": {"Mine overdue"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-01"}},
		{"title": {"Mine due today"}, "assignee_id": {f.staffID}, "due_date": {"2026-11-02"}},
		{"title": {"Owner's overdue"}, "due_date": {"2026-10-01"}},
		{"title": {"Resolved overdue"}, "due_date": {"2026-10-01"}},
		{"title": {"No due date"}},
	}
	ids := map[string]string{}
	for _, form := range cases {
		form.Set("client_id", f.acme)
		ids[form.Get("title")] = mustCreateCase(t, owner, f.a, form)
	}
	wantStatus(t, owner.post(f.url("/"+ids["Resolved overdue"]+"/status"), url.Values{"status": {"resolved"}}), http.StatusSeeOther)

	views := []struct {
		name, query string
		want        []string
	}{
		{"all shows every case", "?sort=oldest", []string{"Mine overdue", "Mine due today", "Owner&#39;s overdue", "Resolved overdue", "No due date"}},
		{"mine shows the staff member's cases", "?view=mine&sort=oldest", []string{"Mine overdue", "Mine due today"}},
		{"overdue shows open cases due before today", "?view=overdue", []string{"Owner&#39;s overdue", "Mine overdue"}},
		{"a status filter narrows", "?status=resolved", []string{"Resolved overdue"}},
		{"open hides resolved and closed", "?status=open&sort=oldest", []string{"Mine overdue", "Mine due today", "Owner&#39;s overdue", "No due date"}},
		{"unassigned", "?assignee=none&sort=newest", []string{"No due date", "Resolved overdue", "Owner&#39;s overdue"}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			res := f.staff.get(f.url(v.query))
			wantStatus(t, res, http.StatusOK)
			if got := rowTitles(res.Body); strings.Join(got, "|") != strings.Join(v.want, "|") {
				t.Fatalf("rows %q, want %q", got, v.want)
			}
		})
	}
	t.Run("at a later clock time more cases are overdue", func(t *testing.T) {
		f.e.clock.Advance(24 * 3600e9)
		f.staff = f.e.mustLogin(t, f.a, f.staffEmail) // the old session timed out
		got := rowTitles(f.staff.get(f.url("?view=overdue")).Body)
		if len(got) != 3 {
			t.Fatalf("overdue tomorrow: %q", got)
		}
	})
	t.Run("a plain htmx request gets the results alone", func(t *testing.T) {
		f.staff.headers["HX-Request"] = "true"
		defer delete(f.staff.headers, "HX-Request")
		res := f.staff.get(f.url("?view=mine"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<tbody id="case-rows">`)
		wantLacks(t, res, "<html")
		if res.Header.Get("Vary") == "" || !strings.Contains(res.Header.Get("Vary"), "HX-Request") {
			t.Fatalf("Vary = %q", res.Header.Get("Vary"))
		}
	})
	t.Run("a history restore gets the full page", func(t *testing.T) {
		f.staff.headers["HX-Request"], f.staff.headers["HX-History-Restore-Request"] = "true", "true"
		defer func() { delete(f.staff.headers, "HX-Request"); delete(f.staff.headers, "HX-History-Restore-Request") }()
		wantContains(t, f.staff.get(f.url("?view=mine")), "<html")
	})
	bad := []struct{ name, query, msg string }{
		{"an unknown view is 422", "?view=everything", "Unknown view"},
		{"an unknown status is 422", "?status=done", "Unknown status"},
		{"an unknown order is 422", "?sort=random", "Unknown order"},
		{"a broken cursor is 422", "?after=zzz", "page link is broken"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			res := f.staff.get(f.url(b.query))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, b.msg)
		})
	}
}

// rowTitles returns the case titles of a list page, in order.
func rowTitles(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<td data-label="Title"><a href="`)[1:] {
		part = part[strings.Index(part, ">")+1:]
		out = append(out, part[:strings.Index(part, "</a>")])
	}
	return out
}

func TestCaseListPaging(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	tn := f.e.mustTenant(t, f.a.ID)
	ownerID := f.e.mustUserID(t, f.a, f.a.OwnerEmail)
	for i := 1; i <= 120; i++ {
		if _, err := tn.CreateCase(context.Background(), tenant.Viewer{UserID: ownerID}, tenant.Actor{ID: ownerID, Name: "Olive Owner"},
			tenant.CaseInput{ClientID: f.acme, Title: fmt.Sprintf("Case number %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	res := owner.get(f.url("?sort=newest"))
	if got := rowTitles(res.Body); len(got) != 50 || got[0] != "Case number 120" || got[49] != "Case number 71" {
		t.Fatalf("first page %d rows: %q…", len(got), got[:1])
	}
	var seen []string
	next := f.url("?sort=newest")
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("load more never ends")
		}
		owner.headers["HX-Request"] = "true"
		page := owner.get(next)
		delete(owner.headers, "HX-Request")
		wantStatus(t, page, http.StatusOK)
		seen = append(seen, rowTitles(page.Body)...)
		next = ""
		if i := strings.Index(page.Body, `<tr class="load-more"><td colspan="8"><a href="`); i >= 0 {
			rest := page.Body[i+len(`<tr class="load-more"><td colspan="8"><a href="`):]
			next = strings.ReplaceAll(rest[:strings.Index(rest, `"`)], "&amp;", "&")
			if !strings.Contains(next, "after=") || strings.Contains(next, "offset") {
				t.Fatalf("load more link %q", next)
			}
		}
	}
	if len(seen) != 120 || seen[119] != "Case number 1" {
		t.Fatalf("paged through %d cases, last %q", len(seen), seen[len(seen)-1])
	}
}

func TestCasesBulk(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	a := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"A"}})
	b := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"B"}})
	events := func() string { return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM case_events`) }

	refused := []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"an unknown case id changes nothing", url.Values{"ids": {a, uuid.NewString(), b}, "action": {"status:closed"}}, http.StatusNotFound, "nothing was changed"},
		{"another agency's case id changes nothing", url.Values{"ids": {a, f.foreignCase}, "action": {"assign:" + f.staffID}}, http.StatusNotFound, "nothing was changed"},
		{"another agency's assignee changes nothing", url.Values{"ids": {a, b}, "action": {"assign:" + f.foreignStaffID}}, http.StatusUnprocessableEntity, "Choose an active member"},
		{"an unknown status changes nothing", url.Values{"ids": {a, b}, "action": {"status:done"}}, http.StatusUnprocessableEntity, "Unknown status"},
		{"no selection is refused", url.Values{"action": {"status:closed"}}, http.StatusUnprocessableEntity, "Select at least one case"},
		{"no action is refused", url.Values{"ids": {a}}, http.StatusUnprocessableEntity, "Choose what to do"},
	}
	before := events()
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			res := owner.post(f.url("/bulk"), r.form)
			wantStatus(t, res, r.status)
			wantContains(t, res, r.msg)
			if got := events(); got != before {
				t.Fatalf("events %s → %s", before, got)
			}
		})
	}
	t.Run("bulk assign records an event per case", func(t *testing.T) {
		ret := f.url("?status=open")
		res := owner.post(f.url("/bulk"), url.Values{"ids": {a, b}, "action": {"assign:" + f.staffID}, "return": {ret}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != ret {
			t.Fatalf("went to %q", loc)
		}
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM case_events WHERE kind = 'assigned' AND new_value = 'Staff Person'`); n != "2" {
			t.Fatalf("%s assignment events", n)
		}
	})
	t.Run("bulk goes back to the list htmx shows, not elsewhere", func(t *testing.T) {
		for _, c := range []struct{ current, want string }{
			{"http://mm.test" + f.url("?view=mine"), f.url("?view=mine")},
			{"https://evil.test/x", f.url("")},
		} {
			owner.headers["HX-Current-URL"] = c.current
			res := owner.post(f.url("/bulk"), url.Values{"ids": {a}, "action": {"assign:"}})
			delete(owner.headers, "HX-Current-URL")
			wantStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != c.want {
				t.Fatalf("from %s went to %q, want %q", c.current, loc, c.want)
			}
		}
	})
	t.Run("bulk status records an event per case", func(t *testing.T) {
		wantStatus(t, owner.post(f.url("/bulk"), url.Values{"ids": {a, b}, "action": {"status:resolved"}}), http.StatusSeeOther)
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM cases WHERE status = 'resolved'`); n != "2" {
			t.Fatalf("%s resolved", n)
		}
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM case_events WHERE kind = 'status' AND new_value = 'resolved'`); n != "2" {
			t.Fatalf("%s status events", n)
		}
	})
}

func TestRestrictedStaffCases(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	ownerID := f.e.mustUserID(t, f.a, f.a.OwnerEmail)
	samsClient := f.e.mustCaseClient(t, f.a, "Sam's client", f.staffID)
	ofSamsClient := mustCreateCase(t, owner, f.a, url.Values{"client_id": {samsClient}, "title": {"Of Sam's client"}, "assignee_id": {ownerID}})
	assigned := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Assigned to Sam"}, "assignee_id": {f.staffID}})
	hidden := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Hidden from Sam"}})
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"own"}}), http.StatusSeeOther)

	t.Run("the list shows only their cases", func(t *testing.T) {
		got := rowTitles(f.staff.get(f.url("?sort=oldest")).Body)
		if strings.Join(got, "|") != "Of Sam&#39;s client|Assigned to Sam" {
			t.Fatalf("rows %q", got)
		}
	})
	for _, path := range []string{"/" + hidden, "/" + hidden + "/edit"} {
		t.Run("GET "+path+" of a hidden case is 404", func(t *testing.T) {
			wantStatus(t, f.staff.get(f.url(path)), http.StatusNotFound)
		})
	}
	t.Run("changes to a hidden case are 404", func(t *testing.T) {
		wantStatus(t, f.staff.post(f.url("/"+hidden+"/status"), url.Values{"status": {"closed"}}), http.StatusNotFound)
		wantStatus(t, f.staff.post(f.url("/"+hidden+"/notes"), url.Values{"body": {"x"}}), http.StatusNotFound)
		wantStatus(t, f.staff.post(f.url("/bulk"), url.Values{"ids": {assigned, hidden}, "action": {"status:closed"}}), http.StatusNotFound)
	})
	t.Run("the visible cases open", func(t *testing.T) {
		wantStatus(t, f.staff.get(f.url("/"+ofSamsClient)), http.StatusOK)
		wantStatus(t, f.staff.get(f.url("/"+assigned)), http.StatusOK)
	})
	t.Run("the export holds only their cases", func(t *testing.T) {
		res := f.staff.get(f.url("/export.csv"))
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, "Hidden from Sam")
		wantContains(t, res, "Assigned to Sam")
	})
	t.Run("the board counts only their cases", func(t *testing.T) {
		res := f.staff.get(f.url("/board"))
		wantContains(t, res, `New</span> <small>2</small>`)
		wantLacks(t, res, "Hidden from Sam")
	})
	t.Run("the owner still sees everything", func(t *testing.T) {
		if got := rowTitles(owner.get(f.url("")).Body); len(got) != 3 {
			t.Fatalf("owner sees %q", got)
		}
	})
}

func TestCasesExport(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"=cmd|' /C calc'!A0"}, "description": {"line one\nline \"two\""}, "labels": {"x, y"}})
	mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.globex}, "title": {"Plain, with comma"}, "priority": {"urgent"}})

	res := owner.get(f.url("/export.csv"))
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="`+f.a.Slug+`-cases-2026-11-02.csv"`) {
		t.Fatalf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
	}
	checks := []struct{ name, want string }{
		{"starts with a byte-order mark and the header", "\ufeffNumber,Title,Client,Status,Priority,Assignee,Due date,Labels,Description,Created,Updated,Closed\r\n"},
		{"a formula is defused", `C-0001,'=cmd|' /C calc'!A0,Acme Ltd,New,Normal,,,"x, y","line one` + "\r\n" + `line ""two""",`},
		{"a comma is quoted", `C-0002,"Plain, with comma",Globex,New,Urgent,`},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { wantContains(t, res, c.want) })
	}
	t.Run("the list's filters apply", func(t *testing.T) {
		res := owner.get(f.url("/export.csv?client=" + f.globex))
		wantLacks(t, res, "cmd")
		wantContains(t, res, "Plain, with comma")
	})
}

func TestCaseListURLs(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	t.Run("the filter form pushes the canonical URL", func(t *testing.T) {
		owner.headers["HX-Request"], owner.headers["HX-Target"] = "true", "case-results"
		defer func() { delete(owner.headers, "HX-Request"); delete(owner.headers, "HX-Target") }()
		res := owner.get(f.url("?status=waiting&assignee=&label=&sort=updated"))
		wantStatus(t, res, http.StatusOK)
		if got := res.Header.Get("HX-Push-Url"); got != f.url("?status=waiting") {
			t.Fatalf("HX-Push-Url %q", got)
		}
	})
	t.Run("load more pushes nothing", func(t *testing.T) {
		owner.headers["HX-Request"] = "true"
		defer delete(owner.headers, "HX-Request")
		if got := owner.get(f.url("?sort=newest")).Header.Get("HX-Push-Url"); got != "" {
			t.Fatalf("HX-Push-Url %q", got)
		}
	})
	t.Run("a filtered list's new-case button presets the client", func(t *testing.T) {
		wantContains(t, owner.get(f.url("?client="+f.acme)), `href="/a/`+f.a.Slug+`/cases/new?client=`+f.acme+`" role="button"`)
	})
}
