package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestMessageWithDocumentsIsOneStep: a message and its attachments are
// written together or not at all: over the storage limit there is no
// message, and a case the sender may not see gets neither.
func TestMessageWithDocumentsIsOneStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "msg-files")
	acme := mustCaseClient(t, tn, "Acme", "")
	globex := mustCaseClient(t, tn, "Globex", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme, Title: "Acme's"})
	state := func() [3]int {
		return [3]int{queryInt(t, tn, `SELECT COUNT(*) FROM documents`), queryInt(t, tn, `SELECT COUNT(*) FROM notes`), queryInt(t, tn, `SELECT COUNT(*) FROM case_events`)}
	}
	client := tenant.Actor{Name: "Ann Client"}
	send := func(clientID string, l tenant.Limits, body string) ([]*tenant.Document, *tenant.MessageDraft, error) {
		m := &tenant.MessageDraft{Viewer: tenant.Viewer{ClientID: clientID}, Body: body, FromClient: true}
		docs, err := tn.AddMessageWithDocuments(ctx, tenant.ClientDocumentAccess(clientID), client, k.ID, m, l, []tenant.DocumentFile{docFile("a.pdf", 5), docFile("b.pdf", 5)}, sizeText)
		return docs, m, err
	}

	t.Run("refused: over the limit, an empty message, another client's case", func(t *testing.T) {
		before := state()
		if _, _, err := send(acme, tenant.Limits{StorageBytes: 6}, "Here they are"); err == nil {
			t.Fatal("stored over the limit")
		}
		_, _, err := send(acme, tenant.Limits{}, "  ")
		wantCode(t, err, apperr.Invalid)
		_, _, err = send(globex, tenant.Limits{}, "Not mine")
		wantCode(t, err, apperr.NotFound)
		if after := state(); after != before {
			t.Fatalf("%v → %v", before, after)
		}
	})
	t.Run("the message with both files", func(t *testing.T) {
		docs, m, err := send(acme, tenant.Limits{}, "Here they are")
		if err != nil || m.Note == nil || len(docs) != 2 {
			t.Fatalf("%v %+v %v", docs, m.Note, err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM documents WHERE note_id = ? AND shared = 1 AND from_client = 1`, m.Note.ID); n != 2 {
			t.Fatalf("%d attached", n)
		}
	})
}
