package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestCaseEditorStaleSave: the case edit form carries the case's version;
// saving it after someone else saved the case (within the same second) is
// 409 with a message in the page, the form as typed (and now the case's
// current version), and the case as the other person left it. Saving that
// form again stores it; a quick control, which posts one field and no
// version, still saves.
func TestCaseEditorStaleSave(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	id := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Shared case"}})
	form := func(title, version string) url.Values {
		return url.Values{"client_id": {f.acme}, "title": {title}, "description": {""}, "priority": {"normal"},
			"assignee_id": {""}, "due_date": {""}, "labels": {""}, "version": {version}}
	}
	editor := owner.get(f.url("/" + id + "/edit"))
	wantStatus(t, editor, http.StatusOK)
	opened := formVersion(editor.Body)
	if opened == "" || opened != f.e.caseQuery(t, f.a, `SELECT version FROM cases WHERE id = ?`, id) {
		t.Fatalf("the editor carries version %q, the case has %s", opened, f.e.caseQuery(t, f.a, `SELECT version FROM cases WHERE id = ?`, id))
	}

	other := f.staff
	wantStatus(t, other.post(f.url("/"+id), form("Saved by staff", formVersion(other.get(f.url("/"+id+"/edit")).Body))), http.StatusSeeOther)
	state := func() string {
		return f.e.caseQuery(t, f.a, `SELECT title || '|' || version || '|' || (SELECT count(*) FROM case_events WHERE case_id = ?) FROM cases WHERE id = ?`, id, id)
	}
	before := state()

	res := owner.post(f.url("/"+id), form("Typed by the owner", opened))
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "Someone else changed this case since you opened it.")
	wantContains(t, res, `value="Typed by the owner"`)
	if after := state(); after != before {
		t.Fatalf("a stale save changed the case: %s, then %s", before, after)
	}
	current := formVersion(res.Body)
	if current == "" || current == opened {
		t.Fatalf("the refused form carries version %q (opened at %s): want the case's current one", current, opened)
	}

	t.Run("the kept form saved again is stored", func(t *testing.T) {
		wantStatus(t, owner.post(f.url("/"+id), form("Typed by the owner", current)), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT title FROM cases WHERE id = ?`, id); got != "Typed by the owner" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("a quick control without a version saves", func(t *testing.T) {
		wantStatus(t, owner.post(f.url("/"+id), url.Values{"assignee_id": {f.staffID}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT assignee_id FROM cases WHERE id = ?`, id); got != f.staffID {
			t.Fatalf("assignee %q", got)
		}
	})
}
