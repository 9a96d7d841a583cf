package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// A client contact whose client is gone (no client id) sees nothing: not
// the agency's clients, cases, portal lists or documents, which a viewer
// without a client id would otherwise see as the owner does.
func TestContactWithoutClientSeesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "orphan")
	x := mustCaseClient(t, tn, "Xylo Ltd", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: x, Title: "Website"})
	docs, err := tn.AddDocuments(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, true, 1<<30,
		[]tenant.DocumentFile{docFile("brief.pdf", 10)}, sizeText)
	if err != nil {
		t.Fatal(err)
	}
	v := tenant.NewViewer(&tenant.User{ID: "orphan-contact", Role: tenant.RoleClient}, tenant.Settings{})

	t.Run("no case is listed", func(t *testing.T) {
		rows, _, err := tn.Cases(ctx, v, tenant.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 0 {
			t.Errorf("%d cases listed, want none", len(rows))
		}
	})
	t.Run("the case and its client are not found", func(t *testing.T) {
		if _, err := tn.Case(ctx, v, k.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("case: %v, want not found", err)
		}
		if _, err := tn.Client(ctx, v, x); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("client: %v, want not found", err)
		}
	})
	t.Run("the portal lists nothing", func(t *testing.T) {
		cases, err := tn.PortalCases(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		updates, err := tn.PortalUpdates(ctx, v, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(cases)+len(updates) != 0 {
			t.Errorf("%d portal cases and %d updates, want none", len(cases), len(updates))
		}
	})
	t.Run("a document access without a client reaches no case", func(t *testing.T) {
		a := tenant.ClientDocumentAccess("")
		if err := tn.CheckDocumentCase(ctx, a, k.ID); err == nil {
			t.Error("the case is open to documents")
		}
		if _, err := tn.Document(ctx, a, k.ID, docs[0].ID); err == nil {
			t.Error("the shared document is found")
		}
		if list, err := tn.CaseDocuments(ctx, a, k.ID); err == nil && len(list) != 0 {
			t.Errorf("%d documents listed, want none", len(list))
		}
		if list, err := tn.ClientDocuments(ctx, a, x); err == nil && len(list) != 0 {
			t.Errorf("%d client documents listed, want none", len(list))
		}
	})
}
