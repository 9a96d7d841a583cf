package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A note shared with the client and then made internal through the note
// edit route, with new text, leaves the portal home's recent updates:
// neither the text the client was shown nor the new, internal one appears,
// and a note still shared shows its current text.
func TestPortalHomeUpdatesDropANoteMadeInternal(t *testing.T) {
	f := mustPortalFixture(t)
	caseURL := "/a/" + f.a.Slug + "/cases/" + f.caseX
	const sharedText, internalText = "The draft is ready for review", "Client pays late so ask for a deposit"
	const keptText, keptEdited = "Hosting renewed for a year", "Hosting renewed for two years"
	for _, body := range []string{keptText, sharedText} {
		wantStatus(t, f.staff.post(caseURL+"/notes", url.Values{"body": {body}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	}
	noteID := f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE case_id = ? AND body = ?`, f.caseX, sharedText)
	keptID := f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE case_id = ? AND body = ?`, f.caseX, keptText)

	t.Run("while shared the contact's home lists the note", func(t *testing.T) {
		wantContains(t, f.contact.get(f.portal("")), sharedText)
	})

	wantStatus(t, f.staff.post(caseURL+"/notes/"+keptID, url.Values{"body": {keptEdited}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	wantStatus(t, f.staff.post(caseURL+"/notes/"+noteID, url.Values{"body": {internalText}}), http.StatusSeeOther)
	if got := f.e.caseQuery(t, f.a, `SELECT body || '|' || visible_to_client FROM notes WHERE id = ?`, noteID); got != internalText+"|0" {
		t.Fatalf("the edit stored %q", got)
	}

	res := f.contact.get(f.portal(""))
	wantStatus(t, res, http.StatusOK)
	t.Run("made internal, neither its old nor its new text is on the portal home", func(t *testing.T) {
		wantLacks(t, res, sharedText)
		wantLacks(t, res, internalText)
	})
	t.Run("a note still shared shows its current text", func(t *testing.T) {
		wantContains(t, res, keptEdited)
	})
}
