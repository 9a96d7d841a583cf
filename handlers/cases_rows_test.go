package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// TestCaseListRowsStayCurrent checks the case list's row cache: rows are
// cached by everything they show, so an edit to the case, its client's
// name or its assignee's name shows on the very next list view.
func TestCaseListRowsStayCurrent(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	b := f.a.Owner
	id := mustCreateCase(t, b, f.a, url.Values{"client_id": {f.acme}, "title": {"Roof repair"}, "assignee_id": {f.staffID}})
	row := func() string {
		t.Helper()
		res := b.get(f.url(""))
		wantStatus(t, res, http.StatusOK)
		i := strings.Index(res.Body, `value="`+id+`"`)
		if i < 0 {
			t.Fatalf("no row for the case:\n%s", res.Body)
		}
		start := strings.LastIndex(res.Body[:i], "<tr")
		return res.Body[start : i+strings.Index(res.Body[i:], "</tr>")]
	}
	first := row()
	for _, want := range []string{">Roof repair</a>", `<td data-label="Client">Acme Ltd</td>`, `<td data-label="Status"><span class="status s-new">`} {
		if !strings.Contains(first, want) {
			t.Fatalf("row lacks %q:\n%s", want, first)
		}
	}
	if row() != first {
		t.Fatal("the same case rendered twice differs")
	}

	t.Run("a new title and status show at once", func(t *testing.T) {
		wantStatus(t, b.post(f.url("/"+id), url.Values{"title": {"Roof & gutter repair"}}), http.StatusSeeOther)
		wantStatus(t, b.post(f.url("/"+id+"/status"), url.Values{"status": {"in_progress"}}), http.StatusSeeOther)
		got := row()
		if !strings.Contains(got, ">Roof &amp; gutter repair</a>") || !strings.Contains(got, "s-in_progress") {
			t.Fatalf("row after the edit:\n%s", got)
		}
	})
	t.Run("a renamed client shows at once", func(t *testing.T) {
		err := f.e.mustTenant(t, f.a.ID).Tx(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE clients SET name = 'Acme Holdings' WHERE id = ?`, f.acme)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := row(); !strings.Contains(got, `<td data-label="Client">Acme Holdings</td>`) {
			t.Fatalf("row after renaming the client:\n%s", got)
		}
	})
	t.Run("a renamed assignee shows at once", func(t *testing.T) {
		if err := f.e.mustTenant(t, f.a.ID).CorrectName(context.Background(), f.staffID, "Stella Renamed", tenant.Audit{}); err != nil {
			t.Fatal(err)
		}
		if got := row(); !strings.Contains(got, `<td data-label="Assignee">Stella Renamed</td>`) {
			t.Fatalf("row after renaming the assignee:\n%s", got)
		}
	})
	t.Run("markup typed into a title is shown as text", func(t *testing.T) {
		wantStatus(t, b.post(f.url("/"+id), url.Values{"title": {`<img src=x onerror="alert(1)">`}}), http.StatusSeeOther)
		got := row()
		if strings.Contains(got, "<img") || !strings.Contains(got, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") {
			t.Fatalf("row with markup in the title:\n%s", got)
		}
	})
}
