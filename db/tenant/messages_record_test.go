package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestEditNoteKeepsMessagesRecords: the data layer's EditNote, whatever
// route calls it, refuses to change a client's message (text or
// visibility) and a staff message past its 15 minutes; the text stays.
func TestEditNoteKeepsMessagesRecords(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "records")
	client := mustCaseClient(t, tn, "Acme", "")
	ctx := context.Background()
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "t"})
	contact := mustPortalContact(t, tn, owner, client, "cara@acme.test")
	fromClient, err := tn.AddMessage(ctx, everything(owner), actorOf(contact), k.ID, "What the client wrote", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	own, err := tn.AddMessage(ctx, everything(owner), actorOf(owner), k.ID, "Staff reply", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := func(id string) string {
		t.Helper()
		n, err := tn.Note(ctx, everything(owner), k.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return n.Body + "|" + map[bool]string{true: "client", false: "internal"}[n.VisibleToClient]
	}
	for _, visible := range []bool{true, false} {
		if _, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, fromClient.ID, "Rewritten by staff", visible); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff edit of a client's message (visible %v): %v", visible, err)
		}
	}
	if got := body(fromClient.ID); got != "What the client wrote|client" {
		t.Fatalf("client's message = %s", got)
	}
	f.clock.Advance(tenant.MessageEditWindow + time.Second)
	if _, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, own.ID, "Late correction", true); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("late edit of a staff message: %v", err)
	}
	if got := body(own.ID); got != "Staff reply|client" {
		t.Fatalf("staff message = %s", got)
	}
}
