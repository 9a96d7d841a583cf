package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"mintedmind/app"
	"mintedmind/db/tenant"
)

func TestEraseClientDeletesDocumentFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "erase")
	tn := mustAcquire(t, f.pool, a.ID)
	v := tenant.Viewer{UserID: owner.ID}
	actor := tenant.Actor{ID: owner.ID, Name: owner.Name}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Erin Erased", Kind: "person"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: c.ID, Title: "Passport copy"})
	if err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	if err := os.WriteFile(filepath.Join(tn.FilesDir(), key), []byte("%PDF-1.4 her passport"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = tn.AddDocuments(ctx, tenant.StaffDocumentAccess(v), actor, k.ID, false, 1<<30,
		[]tenant.DocumentFile{{Name: "passport.pdf", ContentType: "application/pdf", Size: 21, StorageKey: key}}, func(int64) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	er, err := app.EraseClient(ctx, tn, v, c.ID, "Erin Erased", tenant.Audit{Action: "client.erased"})
	if err != nil {
		t.Fatal(err)
	}
	if len(er.Files) != 1 || er.Files[0] != key {
		t.Fatalf("erased files %q, want the document's", er.Files)
	}
	if _, err := os.Stat(filepath.Join(tn.FilesDir(), key)); !os.IsNotExist(err) {
		t.Fatalf("the document's file is still there (%v)", err)
	}
}
