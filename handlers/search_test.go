package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"mintedmind/db/tenant"
)

// searchRows inserts clients, cases and notes straight into an agency's
// tables; the search triggers index them as for any other write.
type searchRows struct {
	t  *testing.T
	tn *tenant.Store
	n  int
}

func (r *searchRows) exec(query string, args ...any) {
	r.t.Helper()
	err := r.tn.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	})
	if err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
}

func (r *searchRows) client(name, responsible string) string {
	r.t.Helper()
	id := uuid.NewString()
	r.exec(`INSERT INTO clients (id, name, kind, responsible_id, created_at, updated_at) VALUES (?, ?, 'person', NULLIF(?, ''), 1, 1)`, id, name, responsible)
	return id
}

func (r *searchRows) kase(clientID, title, assignee string) string {
	r.t.Helper()
	id := uuid.NewString()
	r.n++
	r.exec(`INSERT INTO cases (id, number, client_id, title, assignee_id, created_at, updated_at) VALUES (?, ?, ?, ?, NULLIF(?, ''), 1, 1)`, id, r.n, clientID, title, assignee)
	return id
}

func (r *searchRows) note(caseID, body string) string {
	r.t.Helper()
	id := uuid.NewString()
	r.exec(`INSERT INTO notes (id, case_id, author_name, body, created_at, updated_at) VALUES (?, ?, 'Ann', ?, 1, 1)`, id, caseID, body)
	return id
}

func (c *browser) searchFragment(path string, headers ...string) *response {
	c.e.t.Helper()
	c.headers["HX-Request"] = "true"
	for i := 0; i+1 < len(headers); i += 2 {
		c.headers[headers[i]] = headers[i+1]
	}
	defer func() {
		delete(c.headers, "HX-Request")
		for i := 0; i+1 < len(headers); i += 2 {
			delete(c.headers, headers[i])
		}
	}()
	return c.get(path)
}

func searchPath(slug, q string) string { return "/a/" + slug + "/search?q=" + url.QueryEscape(q) }

func TestSearchPage(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "search")
	rows := &searchRows{t: t, tn: e.mustTenant(t, a.ID)}
	garcia := rows.client("Marta Garcia", "")
	evil := rows.client(`<script>alert(1)</script> & "quotes"`, "")
	taxCase := rows.kase(garcia, "Annual tax return", "")
	note := rows.note(taxCase, "Garcia sent the <b>payslips</b>")

	t.Run("the page has the search box and tips", func(t *testing.T) {
		res := a.Owner.get("/a/" + a.Slug + "/search")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<input type="search" id="search-q" name="q"`)
		wantContains(t, res, `hx-trigger="input changed delay:200ms, search"`)
		wantContains(t, res, `hx-push-url="true"`)
		wantContains(t, res, "Type a few letters")
		wantContains(t, res, `href="/a/`+a.Slug+`/search" aria-current="page"`)
		if res.Header.Get("Vary") == "" || !strings.Contains(res.Header.Get("Vary"), "HX-Request") {
			t.Errorf("Vary %q", res.Header.Get("Vary"))
		}
	})

	t.Run("results link to the client, the case and the note", func(t *testing.T) {
		res := a.Owner.get(searchPath(a.Slug, "garc"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `value="garc"`)
		wantContains(t, res, `<a href="/a/`+a.Slug+`/clients/`+garcia+`" class="search-title">Marta <mark>Garcia</mark></a>`)
		wantContains(t, res, `href="/a/`+a.Slug+`/cases/`+taxCase+`#note-`+note+`"`)
		wantContains(t, res, `<mark>Garcia</mark> sent the &lt;b&gt;payslips&lt;/b&gt;`)
		res = a.Owner.get(searchPath(a.Slug, "tax"))
		wantContains(t, res, `<a href="/a/`+a.Slug+`/cases/`+taxCase+`" class="search-title">C-0001 Annual <mark>tax</mark> return</a>`)
		wantContains(t, res, "Case · New · Marta Garcia")
	})

	t.Run("indexed text is escaped, only the highlight is markup", func(t *testing.T) {
		res := a.Owner.get(searchPath(a.Slug, "script"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `/clients/`+evil+`" class="search-title">&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &amp; &#34;quotes&#34;</a>`)
		if strings.Contains(res.Body, "<script>alert") {
			t.Fatal("the client's name reached the page as markup")
		}
	})

	t.Run("as-you-type requests get the results alone", func(t *testing.T) {
		res := a.Owner.searchFragment(searchPath(a.Slug, "garcia"))
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.Body, "<html") || strings.Contains(res.Body, `id="search-q"`) {
			t.Fatalf("fragment holds the page:\n%s", res.Body)
		}
		wantContains(t, res, `<ol class="search-results">`)
		for _, h := range []string{"HX-Boosted", "HX-History-Restore-Request"} {
			res := a.Owner.searchFragment(searchPath(a.Slug, "garcia"), h, "true")
			wantContains(t, res, `id="search-q"`)
		}
	})

	t.Run("query syntax characters are plain text", func(t *testing.T) {
		for _, q := range []string{`"`, `*`, `(`, `NEAR(garcia tax)`, `-garcia`, `garcia:`, `title:garcia`, `"garcia`, `^`, `AND OR NOT`} {
			res := a.Owner.get(searchPath(a.Slug, q))
			wantStatus(t, res, http.StatusOK)
		}
		wantContains(t, a.Owner.get(searchPath(a.Slug, `"garcia*`)), "Marta <mark>Garcia</mark>")
		wantContains(t, a.Owner.get(searchPath(a.Slug, `-(garcia)`)), "Marta <mark>Garcia</mark>")
	})

	t.Run("nothing found and too short say so", func(t *testing.T) {
		wantContains(t, a.Owner.get(searchPath(a.Slug, "zzzz")), "Nothing matches “zzzz”")
		wantContains(t, a.Owner.get(searchPath(a.Slug, "g")), "at least two letters")
	})

	t.Run("a query over 200 characters is refused with a message", func(t *testing.T) {
		long := strings.Repeat("a", 201)
		res := a.Owner.get(searchPath(a.Slug, long))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "at most 200 characters")
		wantContains(t, res, `id="search-q"`)
		res = a.Owner.searchFragment(searchPath(a.Slug, long))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "at most 200 characters")
		wantStatus(t, a.Owner.get(searchPath(a.Slug, strings.Repeat("é", 200))), http.StatusOK)
	})
}

func TestSearchVisibilityAndIsolation(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "search-vis")
	b := e.mustSignup(t, "search-vis")
	staff, staffEmail := e.mustAddUser(t, a, "staff")
	tn := e.mustTenant(t, a.ID)
	me, err := tn.UserByEmail(context.Background(), staffEmail)
	if err != nil {
		t.Fatal(err)
	}
	rows := &searchRows{t: t, tn: tn}
	mine := rows.client("Quimby Mine", me.ID)
	theirs := rows.client("Quimby Theirs", "")
	theirCase := rows.kase(theirs, "Quimby their case", "")
	assigned := rows.kase(theirs, "Quimby assigned case", me.ID)
	theirNote := rows.note(theirCase, "Quimby note on their case")

	t.Run("staff see everything by default", func(t *testing.T) {
		res := staff.get(searchPath(a.Slug, "quimby"))
		for _, id := range []string{mine, theirs, theirCase, assigned, theirNote} {
			wantContains(t, res, id)
		}
	})

	t.Run("with the own-only setting, staff find only theirs", func(t *testing.T) {
		a.Owner.get("/a/" + a.Slug + "/settings")
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/settings", url.Values{"staff_visibility": {"own"}}), http.StatusSeeOther)
		res := staff.get(searchPath(a.Slug, "quimby"))
		wantContains(t, res, mine)
		wantContains(t, res, assigned)
		for _, id := range []string{theirs, theirCase, theirNote} {
			if strings.Contains(res.Body, id) {
				t.Errorf("staff find %s", id)
			}
		}
		res = a.Owner.get(searchPath(a.Slug, "quimby"))
		for _, id := range []string{mine, theirs, theirCase, assigned, theirNote} {
			wantContains(t, res, id)
		}
	})

	t.Run("another agency's data never appears", func(t *testing.T) {
		res := b.Owner.get(searchPath(b.Slug, "quimby"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Nothing matches")
		wantStatus(t, b.Owner.get(searchPath(a.Slug, "quimby")), http.StatusNotFound)
	})
}
