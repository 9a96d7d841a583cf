package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/files/filestest"
)

// mustMessageOfY is a message the agency sent on client Y's case.
func (f *portalFixture) mustMessageOfY(t *testing.T) string {
	t.Helper()
	wantStatus(t, f.staff.postFiles("/a/"+f.a.Slug+"/cases/"+f.caseY+"/messages", url.Values{"body": {"For Yarrow only"}}), http.StatusSeeOther)
	return f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE body = 'For Yarrow only'`)
}

func TestConversation(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	portalCase := f.portal("/cases/" + f.caseX)
	notes := func() string {
		return f.e.caseQuery(t, f.a, `SELECT group_concat(id || ':' || body || ':' || visible_to_client || ':' || COALESCE(hidden_at, ''), ';') FROM notes`)
	}

	var staffMsg string
	t.Run("staff reply with a picture: the client reads it in the thread with its thumbnail, marked New", func(t *testing.T) {
		res := f.staff.postFiles(staffCase+"/messages", url.Values{"body": {"Here is the mock-up."}}, namedFile{"file", "mockup.png", filestest.PNG(80, 60)})
		wantStatus(t, res, http.StatusSeeOther)
		staffMsg = f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE body = 'Here is the mock-up.'`)
		if got := f.e.caseQuery(t, f.a, `SELECT d.shared || d.name FROM documents d WHERE d.note_id = ?`, staffMsg); got != "1mockup.png" {
			t.Fatalf("attachment = %s", got)
		}
		res = f.contact.get(portalCase)
		wantContains(t, res, `id="msg-`+staffMsg+`"`)
		wantContains(t, res, "Here is the mock-up.")
		wantContains(t, res, `class="msg-new"`)
		wantContains(t, res, "/documents/")
		wantContains(t, res, "/thumb")
		wantContains(t, res, "UTC")
		wantLacks(t, res, "UTC UTC")
		thumb := f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE note_id = ?`, staffMsg)
		wantStatus(t, f.contact.get(portalCase+"/documents/"+thumb+"/thumb"), http.StatusOK)
		// Opened once: no longer new, and the staff see "seen".
		wantLacks(t, f.contact.get(portalCase+"/thread"), `class="msg-new"`)
		wantContains(t, f.staff.get(staffCase), "Seen by the client")
	})

	var clientMsg string
	t.Run("the client's message is in the staff inbox until they open the case; then the client sees seen", func(t *testing.T) {
		wantStatus(t, f.contact.postFiles(portalCase+"/messages", url.Values{"body": {"Looks great, one change."}}), http.StatusSeeOther)
		clientMsg = f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE body = 'Looks great, one change.'`)
		if f.e.caseQuery(t, f.a, `SELECT from_client FROM notes WHERE id = ?`, clientMsg) != "1" {
			t.Fatal("the client's message is not marked from the client")
		}
		wantLacks(t, f.contact.get(portalCase), "Seen by the agency")
		res := f.staff.get("/a/" + f.a.Slug + "/inbox")
		wantContains(t, res, "Looks great, one change.")
		wantContains(t, res, " UTC</time>")
		wantLacks(t, res, "UTC UTC")
		res = f.staff.get(staffCase)
		wantContains(t, res, `class="msg-new"`)
		wantLacks(t, f.staff.get("/a/"+f.a.Slug+"/inbox"), "Looks great, one change.")
		wantContains(t, f.contact.get(portalCase), "Seen by the agency")
	})

	t.Run("staff can never edit a client's message, an admin neither", func(t *testing.T) {
		before := notes()
		admin, _ := f.e.mustAddUser(t, f.a, "admin")
		for _, b := range []*browser{f.staff, f.a.Owner, admin} {
			res := b.post(staffCase+"/notes/"+clientMsg, url.Values{"body": {"Rewritten by staff"}, "visible_to_client": {"1"}})
			wantStatus(t, res, http.StatusForbidden)
			wantContains(t, res, "record")
			wantStatus(t, b.get(staffCase+"/notes/"+clientMsg+"/edit"), http.StatusForbidden)
		}
		if notes() != before {
			t.Fatal("a client's message changed")
		}
	})

	t.Run("hiding a client's message needs a reason: 422 then hidden, in the history and the audit log", func(t *testing.T) {
		before := notes()
		res := f.staff.post(staffCase+"/messages/"+clientMsg+"/hide", url.Values{"reason": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Say why the client should no longer see this message.")
		if notes() != before {
			t.Fatal("a refused hide changed the message")
		}
		wantStatus(t, f.staff.post(staffCase+"/messages/"+clientMsg+"/hide", url.Values{"reason": {"Posted on the wrong case"}}), http.StatusSeeOther)
		wantLacks(t, f.contact.get(portalCase), "Looks great, one change.")
		res = f.staff.get(staffCase)
		wantContains(t, res, "Hidden from the client")
		wantContains(t, res, "Posted on the wrong case")
		if got := f.e.caseQuery(t, f.a, `SELECT new_value FROM case_events WHERE kind = 'message_hidden' AND note_id = ?`, clientMsg); got != "Posted on the wrong case" {
			t.Fatalf("history = %q", got)
		}
		if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), "message.hidden")) != 1 {
			t.Fatal("no audit entry")
		}
		wantStatus(t, f.staff.post(staffCase+"/messages/"+clientMsg+"/hide", url.Values{"reason": {"again"}}), http.StatusConflict)
	})

	t.Run("staff correct their own message within 15 minutes; the client sees edited and the earlier text", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase+"/notes/"+staffMsg, url.Values{"body": {"Here is the corrected mock-up."}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		res := f.contact.get(portalCase)
		wantContains(t, res, "Here is the corrected mock-up.")
		wantContains(t, res, `class="msg-edited"`)
		wantContains(t, res, "Earlier text")
		wantContains(t, res, "Here is the mock-up.")
		other, _ := f.e.mustAddUser(t, f.a, "admin")
		wantStatus(t, other.post(staffCase+"/notes/"+staffMsg, url.Values{"body": {"Not mine"}, "visible_to_client": {"1"}}), http.StatusForbidden)
	})

	t.Run("the client corrects their own message within 15 minutes, not after", func(t *testing.T) {
		wantStatus(t, f.contact.postFiles(portalCase+"/messages", url.Values{"body": {"Meeting at 10"}}), http.StatusSeeOther)
		mine := f.e.caseQuery(t, f.a, `SELECT id FROM notes WHERE body = 'Meeting at 10'`)
		wantStatus(t, f.contact.get(portalCase+"/messages/"+mine+"/edit"), http.StatusOK)
		res := f.contact.post(portalCase+"/messages/"+mine, url.Values{"body": {""}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Write something first.")
		wantStatus(t, f.contact.post(portalCase+"/messages/"+mine, url.Values{"body": {"Meeting at 11"}}), http.StatusSeeOther)
		res = f.staff.get(staffCase)
		wantContains(t, res, "Meeting at 11")
		wantContains(t, res, "Earlier text")
		wantStatus(t, f.contact.post(portalCase+"/messages/"+staffMsg, url.Values{"body": {"Agency's words changed"}}), http.StatusForbidden)

		f.e.clock.Advance(16 * time.Minute)
		before := notes()
		res = f.contact.post(portalCase+"/messages/"+mine, url.Values{"body": {"Meeting at 12"}})
		wantStatus(t, res, http.StatusForbidden)
		wantContains(t, res, "within 15 minutes")
		res = f.staff.post(staffCase+"/notes/"+staffMsg, url.Values{"body": {"Too late"}, "visible_to_client": {"1"}})
		wantStatus(t, res, http.StatusForbidden)
		if notes() != before {
			t.Fatal("a message changed after the window")
		}
	})

	t.Run("a reply without text is 422 with the message in the page, nothing stored", func(t *testing.T) {
		before := notes()
		res := f.staff.postFiles(staffCase+"/messages", url.Values{"body": {"   "}}, namedFile{"file", "x.png", filestest.PNG(10, 10)})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Write something first.")
		res = f.contact.postFiles(portalCase+"/messages", url.Values{"body": {""}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `id="e-reply"`)
		if notes() != before || f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM documents WHERE name = 'x.png'`) != "0" {
			t.Fatal("a refused reply stored something")
		}
	})

	t.Run("the portal case page shows status, due date and who handles it; internal notes are marked on the staff side", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase+"/notes", url.Values{"body": {"Internal only: budget tight"}}), http.StatusSeeOther)
		res := f.contact.get(portalCase)
		wantContains(t, res, "Handled by")
		wantContains(t, res, "Staff Person")
		wantContains(t, res, "No due date")
		wantLacks(t, res, "budget tight")
		wantContains(t, f.staff.get(staffCase), `class="badge-internal"`)
	})

	t.Run("another client's and another agency's ids are 404 on every conversation route, nothing changed", func(t *testing.T) {
		before := notes()
		yCase := f.portal("/cases/" + f.caseY)
		wantStatus(t, f.contact.get(yCase+"/thread"), http.StatusNotFound)
		wantStatus(t, f.contact.postFiles(yCase+"/messages", url.Values{"body": {"hi"}}), http.StatusNotFound)
		yMsg := f.e.caseQuery(t, f.a, `SELECT COALESCE((SELECT id FROM notes WHERE case_id = ? LIMIT 1), 'none')`, f.caseY)
		wantStatus(t, f.contact.get(yCase+"/messages/"+yMsg+"/edit"), http.StatusNotFound)
		wantStatus(t, f.contact.post(portalCase+"/messages/"+yMsg, url.Values{"body": {"x"}}), http.StatusNotFound)
		wantStatus(t, f.contact.get(yCase+"/documents/"+f.docY+"/thumb"), http.StatusNotFound)
		other := f.e.mustSignup(t, "msgother")
		otherBase := "/a/" + other.Slug + "/cases/" + f.caseX
		wantStatus(t, other.Owner.get(otherBase+"/thread"), http.StatusNotFound)
		wantStatus(t, other.Owner.postFiles(otherBase+"/messages", url.Values{"body": {"hi"}}), http.StatusNotFound)
		wantStatus(t, other.Owner.post(otherBase+"/messages/"+clientMsg+"/hide", url.Values{"reason": {"x"}}), http.StatusNotFound)
		wantStatus(t, f.staff.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/messages/"+clientMsg+"/hide", url.Values{"reason": {"x"}}), http.StatusNotFound)
		wantStatus(t, f.staff.post(staffCase+"/messages/"+staffMsg+"/hide", url.Values{"reason": {"staff's own is not the client's"}}), http.StatusNotFound)
		if notes() != before {
			t.Fatal("a foreign id changed a message")
		}
		if !strings.Contains(f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseY), "0") {
			t.Fatal("a message landed on another client's case")
		}
	})
}
