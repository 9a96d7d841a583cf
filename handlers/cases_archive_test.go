package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"
)

// Cases the retention job archived leave the lists for the Archived view,
// and say so on their page; reopening brings them back.
func TestArchivedCases(t *testing.T) {
	t.Parallel()
	f := mustCaseFixture(t)
	owner := f.a.Owner
	old := mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Finished years ago"}})
	mustCreateCase(t, owner, f.a, url.Values{"client_id": {f.acme}, "title": {"Current work"}})
	wantStatus(t, owner.post(f.url("/"+old+"/status"), url.Values{"status": {"closed"}}), http.StatusSeeOther)
	// What the retention job does to it (jobs/subscriptions_test.go runs the job itself).
	if err := f.e.mustTenant(t, f.a.ID).Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE cases SET archived_at = 1 WHERE id = ?`, old)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	list := owner.get(f.url(""))
	wantContains(t, list, "Current work")
	wantLacks(t, list, "Finished years ago")
	wantContains(t, list, `href="`+f.url("")+`?view=archived"`)
	archived := owner.get(f.url("?view=archived"))
	wantContains(t, archived, "Finished years ago")
	wantLacks(t, archived, "Current work")
	wantContains(t, owner.get(f.url("/"+old)), "out of the lists until reopened")

	wantStatus(t, owner.post(f.url("/"+old+"/status"), url.Values{"status": {"in_progress"}}), http.StatusSeeOther)
	wantContains(t, owner.get(f.url("")), "Finished years ago")
	wantLacks(t, owner.get(f.url("?view=archived")), "Finished years ago")

	t.Run("the agency chooses what happens to their documents", func(t *testing.T) {
		settings := "/a/" + f.a.Slug + "/settings"
		res := owner.post(settings, url.Values{"staff_visibility": {"all"}, "archived_documents": {"shred"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose whether to keep the documents of archived cases.")
		wantStatus(t, owner.post(settings, url.Values{"staff_visibility": {"all"}, "archived_documents": {"purge"}}), http.StatusSeeOther)
		wantContains(t, owner.get(settings), `value="purge" checked`)
	})
}
