package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// updateTexts is every text the portal home's updates carry: the events'
// values and the current bodies of the notes among them.
func updateTexts(updates []tenant.PortalUpdate) string {
	var sb strings.Builder
	for _, u := range updates {
		sb.WriteString(u.NewValue + "\n" + u.OldValue + "\n")
		if u.Note != nil {
			sb.WriteString(u.Note.Body + "\n")
		}
	}
	return sb.String()
}

// A note shared with the client, edited while shared and later made
// internal (with new text) leaves the portal home's latest updates: none of
// its three texts reaches the contact, while a note still shared is listed
// with its current text.
func TestPortalUpdatesDropANoteMadeInternal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "updates-internal")
	x := mustCaseClient(t, tn, "Xylo Ltd", "")
	contact := tenant.NewViewer(mustPortalContact(t, tn, owner, x, "xena@xylo.test"), tenant.Settings{})
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: x, Title: "Website"})
	const (
		sharedText, editedText, internalText = "The draft is ready for review", "The second draft is ready", "Client pays late: ask for a deposit"
		keptText, keptEdited                 = "Hosting renewed for a year", "Hosting renewed for two years"
	)
	kept, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, keptText, true)
	if err != nil {
		t.Fatal(err)
	}
	n, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, sharedText, true)
	if err != nil {
		t.Fatal(err)
	}
	updates := func(t *testing.T) []tenant.PortalUpdate {
		t.Helper()
		u, err := tn.PortalUpdates(ctx, contact, 100)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	noteUpdate := func(t *testing.T, noteID string) *tenant.PortalUpdate {
		t.Helper()
		for _, u := range updates(t) {
			if u.NoteID == noteID && u.Kind == tenant.EventNote {
				return &u
			}
		}
		return nil
	}

	t.Run("while shared the contact's updates list the note", func(t *testing.T) {
		if u := noteUpdate(t, n.ID); u == nil || u.Note == nil || u.Note.Body != sharedText {
			t.Fatalf("the shared note's update: %+v", u)
		}
	})

	for _, e := range []struct {
		id, body string
		shared   bool
	}{{n.ID, editedText, true}, {kept.ID, keptEdited, true}, {n.ID, internalText, false}} {
		f.clock.Advance(time.Minute)
		if changed, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, e.id, e.body, e.shared); err != nil || !changed {
			t.Fatalf("edit %q: changed %v, %v", e.body, changed, err)
		}
	}

	t.Run("made internal, its events and all its texts are gone from the updates", func(t *testing.T) {
		list := updates(t)
		for _, u := range list {
			if u.NoteID == n.ID {
				t.Errorf("update %d (%s %s) of the note made internal is listed (note %+v)", u.ID, u.Kind, u.Field, u.Note)
			}
		}
		text := updateTexts(list)
		for _, s := range []string{sharedText, editedText, internalText} {
			if strings.Contains(text, s) {
				t.Errorf("the updates hold %q:\n%s", s, text)
			}
		}
	})

	t.Run("a note still shared is listed with its current text", func(t *testing.T) {
		u := noteUpdate(t, kept.ID)
		if u == nil || u.Note == nil || u.Note.Body != keptEdited {
			t.Fatalf("the kept note's update: %+v", u)
		}
	})

	t.Run("the case's other updates stay", func(t *testing.T) {
		found := false
		for _, u := range updates(t) {
			found = found || u.Kind == tenant.EventCreated
		}
		if !found {
			t.Error("the case's opening is gone from the updates")
		}
	})
}

// The portal home's latest updates hold client-visible events only: an
// internal note, a document not shared and a change of title or assignee
// (internal events) are not listed.
func TestPortalUpdatesLeaveOutInternalEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "updates-events")
	x := mustCaseClient(t, tn, "Xylo Ltd", "")
	contact := tenant.NewViewer(mustPortalContact(t, tn, owner, x, "xena@xylo.test"), tenant.Settings{})
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: x, Title: "Website"})
	const internalNote, internalFile, internalTitle = "Client pays late: ask for a deposit", "margin-calculation.xlsx", "Website (cheap client)"
	if _, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, internalNote, false); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddDocuments(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, false, 1<<30,
		[]tenant.DocumentFile{docFile(internalFile, 10)}, sizeText); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Title: ptr(internalTitle), AssigneeID: ptr(owner.ID)}); err != nil {
		t.Fatal(err)
	}
	updates, err := tn.PortalUpdates(ctx, contact, 100)
	if err != nil {
		t.Fatal(err)
	}
	internal := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND visible_to_client = 0`, k.ID)
	if internal < 3 {
		t.Fatalf("the case has %d internal events, want at least 3", internal)
	}
	for _, u := range updates {
		if u.Kind != tenant.EventCreated {
			t.Errorf("update %d (%s %s %q) is listed; only the case's opening is client-visible", u.ID, u.Kind, u.Field, u.NewValue)
		}
	}
	text := updateTexts(updates)
	for _, s := range []string{internalNote, internalFile, internalTitle} {
		if strings.Contains(text, s) {
			t.Errorf("the updates hold %q", s)
		}
	}
}
