package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A note shared with the client and then made internal through the note
// edit route, with new text, leaves the contact's portal case page: neither
// the text the client was shown nor the new, internal one appears.
func TestPortalCasePageDropsANoteMadeInternal(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	caseURL := "/a/" + f.a.Slug + "/cases/" + f.caseX
	const sharedText, internalText, keptText = "The draft is ready for review", "Client pays late so ask for a deposit", "Hosting renewed for a year"
	for _, body := range []string{keptText, sharedText} {
		wantStatus(t, f.staff.post(caseURL+"/notes", url.Values{"body": {body}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	}
	noteID := f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE case_id = ? AND body = ?`, f.caseX, sharedText)

	t.Run("while shared the contact sees the note", func(t *testing.T) {
		wantContains(t, f.contact.get(f.portal("/cases/"+f.caseX)), sharedText)
	})

	wantStatus(t, f.staff.get(caseURL+"/notes/"+noteID+"/edit"), http.StatusOK)
	wantStatus(t, f.staff.post(caseURL+"/notes/"+noteID, url.Values{"body": {internalText}}), http.StatusSeeOther)
	if got := f.e.caseQuery(t, f.a, `SELECT body || '|' || visible_to_client FROM notes WHERE id = ?`, noteID); got != internalText+"|0" {
		t.Fatalf("the edit stored %q", got)
	}

	t.Run("made internal, neither its old nor its new text is on the portal case page", func(t *testing.T) {
		res := f.contact.get(f.portal("/cases/" + f.caseX))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, keptText)
		wantLacks(t, res, sharedText)
		wantLacks(t, res, internalText)
	})
	t.Run("the staff case page shows the new text", func(t *testing.T) {
		wantContains(t, f.staff.get(caseURL), internalText)
	})
}
