package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// portalTexts is every text of a case's portal history: the events' values
// and the current bodies of the notes among them.
func portalTexts(events []tenant.Event) string {
	var sb strings.Builder
	for _, e := range events {
		sb.WriteString(e.NewValue + "\n" + e.OldValue + "\n")
		if e.Note != nil {
			sb.WriteString(e.Note.Body + "\n")
		}
	}
	return sb.String()
}

// A note shared with the client and later made internal (with new text)
// leaves the portal's case history: neither its shared text nor its new,
// internal one reaches the contact, while the case's other shared notes stay.
func TestPortalCaseEventsDropANoteMadeInternal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "notes-internal")
	x := mustCaseClient(t, tn, "Xylo Ltd", "")
	contact := tenant.NewViewer(mustPortalContact(t, tn, owner, x, "xena@xylo.test"), tenant.Settings{})
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: x, Title: "Website"})
	const sharedText, internalText, keptText = "The draft is ready for review", "Client pays late: ask for a deposit", "Hosting renewed for a year"
	kept, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, keptText, true)
	if err != nil {
		t.Fatal(err)
	}
	n, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, sharedText, true)
	if err != nil {
		t.Fatal(err)
	}
	noteEvents := func(t *testing.T) map[string]tenant.Event {
		t.Helper()
		events, err := tn.PortalCaseEvents(ctx, contact, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]tenant.Event{}
		for _, e := range events {
			if e.NoteID != "" {
				out[e.NoteID] = e
			}
		}
		return out
	}

	t.Run("while shared the contact sees the note", func(t *testing.T) {
		e, ok := noteEvents(t)[n.ID]
		if !ok || e.Note == nil || e.Note.Body != sharedText {
			t.Fatalf("the shared note's event: %+v (note %+v)", e, e.Note)
		}
	})

	f.clock.Advance(time.Minute)
	if changed, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, n.ID, internalText, false); err != nil || !changed {
		t.Fatalf("edit: changed %v, %v", changed, err)
	}

	t.Run("made internal, it and both its texts are gone from the portal history", func(t *testing.T) {
		events, err := tn.PortalCaseEvents(ctx, contact, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.NoteID == n.ID {
				t.Errorf("event %d (%s %s) of the note made internal is in the portal history (note %+v)", e.ID, e.Kind, e.Field, e.Note)
			}
		}
		text := portalTexts(events)
		for _, s := range []string{sharedText, internalText} {
			if strings.Contains(text, s) {
				t.Errorf("the portal history holds %q", s)
			}
		}
		if !strings.Contains(text, keptText) {
			t.Errorf("the note still shared, %q, is gone too", keptText)
		}
		if e, ok := noteEvents(t)[kept.ID]; !ok || e.Note == nil || e.Note.Body != keptText {
			t.Errorf("the note still shared: %+v", e)
		}
	})

	t.Run("the staff history keeps the note with its new text", func(t *testing.T) {
		events, err := tn.CaseEvents(ctx, everything(owner), k.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if text := portalTexts(events); !strings.Contains(text, internalText) {
			t.Fatalf("staff history lacks %q", internalText)
		}
	})

	t.Run("made shared again, the contact sees its current text", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		if _, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, n.ID, "Deposit invoice attached", true); err != nil {
			t.Fatal(err)
		}
		e, ok := noteEvents(t)[n.ID]
		if !ok || e.Note == nil || e.Note.Body != "Deposit invoice attached" {
			t.Fatalf("note event %+v (note %+v)", e, e.Note)
		}
	})
}
