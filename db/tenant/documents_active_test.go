package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/tenant"
)

func TestPDFsStoredBeforeTheActiveContentCheckAreMarkedUnscanned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema := mustReadSchema(t)
	i := strings.Index(schema, "\n-- migration: 15 ")
	if i < 0 {
		t.Fatal("no migration 15 in the schema")
	}
	dir, c, cfg := t.TempDir(), clock.NewManual(testStart), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	const agencyID = "agency-unscanned"

	old := mustOpenPool(t, dir, schema[:i], cfg, c)
	owner, err := old.CreateWithOwner(ctx, agencyID, "unscanned", tenant.NewOwner{Email: "owner@unscanned.test", Name: "Olive", PasswordHash: testHash})
	if err != nil {
		t.Fatal(err)
	}
	tn := mustAcquire(t, old, agencyID)
	clientID := mustCaseClient(t, tn, "Acme", "")
	old.Close()
	// The rows as the code of that version stored them, written directly:
	// today's store writes columns later migrations add.
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", agencyID, "tenant.db"))
	if err != nil {
		t.Fatal(err)
	}
	k := struct{ ID string }{"case-old-files"} // written directly too: today's case history queues webhooks, a later table
	if _, err := conn.Exec(`INSERT INTO cases (id, number, client_id, title, created_at, updated_at) VALUES (?, 1, ?, 'Old files', ?, ?)`,
		k.ID, clientID, testStart.Unix(), testStart.Unix()); err != nil {
		t.Fatal(err)
	}
	docs := []struct{ ID, Name, Type, Active string }{
		{"doc-old-pdf", "old.pdf", "application/pdf", ""},
		{"doc-photo", "photo.jpg", "image/jpeg", ""},
		{"doc-checked-pdf", "checked.pdf", "application/pdf", "javascript"},
	}
	for i, d := range docs {
		if _, err := conn.Exec(`INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, created_at, active)
			VALUES (?, ?, ?, ?, 10, ?, ?, ?, ?)`, d.ID, k.ID, d.Name, d.Type, fmt.Sprint(i), fmt.Sprint("k", i), testStart.Unix(), d.Active); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()

	tn = mustAcquire(t, mustOpenPool(t, dir, schema, cfg, c), agencyID)
	active := func(id string) string {
		t.Helper()
		d, err := tn.Document(ctx, tenant.StaffDocumentAccess(everything(owner)), k.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Active
	}
	if got := active(docs[0].ID); got != tenant.DocumentUnscanned {
		t.Errorf("a PDF from before: %q, want unscanned", got)
	}
	if got := active(docs[1].ID); got != "" {
		t.Errorf("a photo: %q", got)
	}
	if got := active(docs[2].ID); got != "javascript" {
		t.Errorf("a PDF checked at upload: %q", got)
	}

	t.Run("what a scan finds is recorded once; a checked PDF is left alone", func(t *testing.T) {
		if err := tn.SetDocumentActive(ctx, docs[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := tn.SetDocumentActive(ctx, docs[2].ID, ""); err != nil {
			t.Fatal(err)
		}
		if a, b := active(docs[0].ID), active(docs[2].ID); a != "" || b != "javascript" {
			t.Fatalf("after: %q and %q", a, b)
		}
	})
}
