package tenant_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

func sizeText(n int64) string { return fmt.Sprintf("%d bytes", n) }

// docFile is a document record whose file the test pretends is on disk.
func docFile(name string, size int64) tenant.DocumentFile {
	return tenant.DocumentFile{Name: name, ContentType: "application/pdf", Size: size, SHA256: "00", StorageKey: uuid.NewString()}
}

func TestDocumentAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "docs")
	other, otherOwner := f.mustOpenAgency(t, "docs-other")
	staff := mustAddUser(t, tn, "staff@docs.test", tenant.RoleStaff)
	acme := mustCaseClient(t, tn, "Acme", "")
	globex := mustCaseClient(t, tn, "Globex", "")
	acmeCase := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme, Title: "Acme's"})
	globexCase := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: globex, Title: "Globex's"})
	all := tenant.StaffDocumentAccess(everything(owner))

	internal, err := tn.AddDocuments(ctx, all, actorOf(owner), acmeCase.ID, false, 1<<30, []tenant.DocumentFile{docFile("internal.pdf", 10)}, sizeText)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := tn.AddDocuments(ctx, all, actorOf(owner), acmeCase.ID, true, 1<<30, []tenant.DocumentFile{docFile("shared.pdf", 10)}, sizeText)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("staff see every document of cases they see", func(t *testing.T) {
		docs, err := tn.CaseDocuments(ctx, all, acmeCase.ID)
		if err != nil || len(docs) != 2 {
			t.Fatalf("%d documents, %v", len(docs), err)
		}
	})
	t.Run("a client contact sees only their client's shared documents", func(t *testing.T) {
		acmeContact := tenant.ClientDocumentAccess(acme)
		docs, _ := tn.CaseDocuments(ctx, acmeContact, acmeCase.ID)
		if len(docs) != 1 || docs[0].Name != "shared.pdf" {
			t.Fatalf("%v", docs)
		}
		if _, err := tn.Document(ctx, acmeContact, acmeCase.ID, internal[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("internal document: %v", err)
		}
		if _, err := tn.Document(ctx, tenant.ClientDocumentAccess(globex), acmeCase.ID, shared[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another client's contact: %v", err)
		}
		if _, err := tn.SetDocumentShared(ctx, acmeContact, tenant.Actor{Name: "Client"}, acmeCase.ID, internal[0].ID, true, tenant.Audit{Action: "x"}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a client shared a document: %v", err)
		}
	})
	t.Run("a client contact's upload is shared and marked as theirs", func(t *testing.T) {
		docs, err := tn.AddDocuments(ctx, tenant.ClientDocumentAccess(acme), tenant.Actor{Name: "Ann Client"}, acmeCase.ID, false, 1<<30, []tenant.DocumentFile{docFile("from-client.pdf", 5)}, sizeText)
		if err != nil || !docs[0].Shared || !docs[0].FromClient {
			t.Fatalf("%+v %v", docs, err)
		}
		if _, err := tn.AddDocuments(ctx, tenant.ClientDocumentAccess(acme), tenant.Actor{Name: "Ann Client"}, globexCase.ID, false, 1<<30, []tenant.DocumentFile{docFile("x.pdf", 5)}, sizeText); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("upload into another client's case: %v", err)
		}
	})
	t.Run("staff limited to their own see nothing of others' cases", func(t *testing.T) {
		if err := tn.SaveSettings(ctx, tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
			t.Fatal(err)
		}
		own := tenant.StaffDocumentAccess(tenant.NewViewer(staff, tenant.Settings{StaffSeeOwnOnly: true}))
		if _, err := tn.Document(ctx, own, acmeCase.ID, shared[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("%v", err)
		}
		if docs, _ := tn.ClientDocuments(ctx, own, acme); len(docs) != 0 {
			t.Fatalf("%v", docs)
		}
		if _, err := tn.TrashDocument(ctx, own, actorOf(staff), acmeCase.ID, shared[0].ID, tenant.Audit{Action: "x"}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("another agency's database knows nothing of them", func(t *testing.T) {
		if _, err := other.Document(ctx, tenant.StaffDocumentAccess(everything(otherOwner)), acmeCase.ID, shared[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("%v", err)
		}
		if err := other.CheckDocumentCase(ctx, tenant.StaffDocumentAccess(everything(otherOwner)), acmeCase.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("%v", err)
		}
	})
}

func TestDocumentQuotaHoldsUnderConcurrentUploads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quota")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Q"})
	all := tenant.StaffDocumentAccess(everything(owner))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := tn.AddDocuments(ctx, all, actorOf(owner), k.ID, false, 1000, []tenant.DocumentFile{docFile(fmt.Sprintf("%d.pdf", i), 100)}, sizeText)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.Is(err, apperr.TooLarge):
				refused++
			default:
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	u, err := tn.StorageUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 10 || refused != 10 || u.Used != 1000 {
		t.Fatalf("%d stored, %d refused, %d bytes used", ok, refused, u.Used)
	}
}

func TestDocumentTrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "trash")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "T"})
	all := tenant.StaffDocumentAccess(everything(owner))
	docs, err := tn.AddDocuments(ctx, all, actorOf(owner), k.ID, true, 1<<30, []tenant.DocumentFile{docFile("a.pdf", 7)}, sizeText)
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if _, err := tn.TrashDocument(ctx, all, actorOf(owner), k.ID, d.ID, tenant.Audit{Action: "document.deleted"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.TrashDocument(ctx, all, actorOf(owner), k.ID, d.ID, tenant.Audit{Action: "document.deleted"}); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("trashed twice: %v", err)
	}
	trash, _ := tn.TrashedDocuments(ctx, everything(owner))
	u, _ := tn.StorageUsage(ctx)
	if len(trash) != 1 || u.Trash != 7 || u.Used != 7 {
		t.Fatalf("trash %v, usage %+v", trash, u)
	}
	if purged, _ := tn.PurgeTrash(ctx, testStart); len(purged) != 0 {
		t.Fatalf("purged a document deleted at the cut-off: %v", purged)
	}
	if _, err := tn.RestoreDocument(ctx, all, actorOf(owner), k.ID, d.ID, tenant.Audit{Action: "document.restored"}); err != nil {
		t.Fatal(err)
	}
	events, _ := tn.CaseEvents(ctx, everything(owner), k.ID, 0, 10)
	var fields []string
	for _, e := range events {
		if e.Kind == tenant.EventDocument {
			fields = append(fields, e.Field)
		}
	}
	if fmt.Sprint(fields) != "[restored deleted uploaded]" {
		t.Fatalf("document events %v", fields)
	}
}
