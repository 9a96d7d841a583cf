package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// TestQuoteDocumentsMigration: migration 39 rebuilds documents so that a
// document may belong to a quote instead of a case. A database made before
// it keeps its documents (read as before), the indexes and the search
// index's triggers; a row then needs exactly one of a case and a quote.
func TestQuoteDocumentsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := tenant.PoolConfig{MaxOpen: 4, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	cut := strings.Index(schema, "-- migration: 39 ")
	if cut < 0 {
		t.Fatal("no migration 39 in the schema")
	}
	dir := t.TempDir()
	const agencyID = "agency-39"

	old := mustOpenPool(t, dir, schema[:cut], cfg, c)
	owner, err := old.CreateWithOwner(ctx, agencyID, "a39", tenant.NewOwner{Email: "o@a39.test", Name: "O", PasswordHash: dbtest.Hash})
	if err != nil {
		t.Fatal(err)
	}
	tn := mustAcquire(t, old, agencyID)
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Old Client", ""), Title: "Before 39"})
	if _, err := tn.Write().ExecContext(ctx, `INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, shared, uploader_id, uploader_name, created_at, active, note_id)
		VALUES ('doc-1', ?, 'lease.pdf', 'application/pdf', 10, 'abc', 'key-1', 1, ?, 'O', 1, 'unscanned', 'note-1')`, k.ID, owner.ID); err != nil {
		t.Fatal(err)
	}
	old.Close()

	tn = mustAcquire(t, mustOpenPool(t, dir, schema, cfg, c), agencyID)
	d, err := tn.Document(ctx, tenant.StaffDocumentAccess(everything(owner)), k.ID, "doc-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "lease.pdf" || d.StorageKey != "key-1" || !d.Shared || d.Active != "unscanned" || d.NoteID != "note-1" || d.QuoteID != "" {
		t.Fatalf("the document after the migration: %+v", d)
	}
	var objects string
	if err := tn.Read().QueryRowContext(ctx, `SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT type, name FROM sqlite_master WHERE tbl_name = 'documents' AND type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%' ORDER BY type, name)`).Scan(&objects); err != nil {
		t.Fatal(err)
	}
	if want := "index documents_case, index documents_note, index documents_quote, index documents_trash, trigger documents_search_delete, trigger documents_search_insert, trigger documents_search_rename, trigger documents_search_restore, trigger documents_search_trash"; objects != want {
		t.Fatalf("documents' indexes and triggers:\n got %s\nwant %s", objects, want)
	}
	if _, err := tn.Write().ExecContext(ctx, `UPDATE documents SET name = 'renamed-lease.pdf' WHERE id = 'doc-1'`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM search_index WHERE title = 'renamed-lease.pdf'`); n != 1 {
		t.Fatalf("the search index has %d entries of the renamed document, want 1: its trigger is gone", n)
	}
	for name, caseID := range map[string]any{"neither a case nor a quote": nil, "a case that does not exist": "no-such-case"} {
		if _, err := tn.Write().ExecContext(ctx, `INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, created_at) VALUES ('doc-2', ?, 'x', 'text/plain', 1, 'x', 'key-2', 1)`, caseID); err == nil {
			t.Errorf("a document on %s was stored", name)
		}
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM pragma_foreign_key_check`); n != 0 {
		t.Fatalf("%d foreign key violations after the migration", n)
	}
}
