package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/files/filestest"
)

// mustDocument stores a real file and its row on a new case of tn.
func mustDocument(t *testing.T, tn *tenant.Store, caseID, name string) *tenant.Document {
	t.Helper()
	ctx := context.Background()
	st, err := files.NewStore(files.Config{}).Stage(ctx, tn.FilesDir(), name, bytes.NewReader(filestest.Photo(40, 30, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	docs, err := tn.AddDocuments(ctx, tenant.StaffDocumentAccess(tenant.Viewer{}), tenant.Actor{Name: "Olive"}, caseID, false, 1<<30,
		[]tenant.DocumentFile{{Name: st.Name, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256, StorageKey: st.Key, ThumbKey: st.ThumbKey}}, files.ByteSize)
	if err != nil {
		t.Fatal(err)
	}
	return docs[0]
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func TestDocumentJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, "a long password")
	a, _, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "A", Slug: "agency-a", OwnerName: "O", OwnerEmail: "o@example.test", OwnerPasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO clients (id, name, kind, created_at, updated_at) VALUES ('c1', 'Acme', 'company', 1, 1)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, tenant.Viewer{}, tenant.Actor{Name: "Olive"}, tenant.CaseInput{ClientID: "c1", Title: "Files"})
	if err != nil {
		t.Fatal(err)
	}
	kept := mustDocument(t, tn, k.ID, "kept.jpg")
	trashed := mustDocument(t, tn, k.ID, "trashed.jpg")
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	dir := tn.FilesDir()

	t.Run("the clean-up removes old leftovers and nothing else", func(t *testing.T) {
		old := clk.Now().Add(-2 * time.Hour)
		for _, n := range []string{files.TempPrefix + "dead-upload", "99999999-9999-9999-9999-999999999999", "99999999-9999-9999-9999-999999999999.thumb.jpg"} {
			p := filepath.Join(dir, n)
			os.WriteFile(p, []byte("x"), 0o600)
			os.Chtimes(p, old, old)
		}
		// Known files are old too: age alone never removes a document.
		for _, key := range []string{kept.StorageKey, kept.ThumbKey, trashed.StorageKey, trashed.ThumbKey} {
			os.Chtimes(filepath.Join(dir, key), old, old)
		}
		fresh := filepath.Join(dir, files.TempPrefix+"in-progress")
		os.WriteFile(fresh, []byte("x"), 0o600)
		os.Chtimes(fresh, clk.Now(), clk.Now())

		run, err := r.Run(ctx, "documents-cleanup")
		if err != nil || run.Counts["files_removed"] != 3 {
			t.Fatalf("counts %v, %v", run.Counts, err)
		}
		want := []string{kept.StorageKey, kept.ThumbKey, trashed.StorageKey, trashed.ThumbKey, files.TempPrefix + "in-progress"}
		sort.Strings(want)
		if got := listDir(t, dir); got != strings.Join(want, ",") {
			t.Fatalf("left %s", got)
		}
		again, err := r.Run(ctx, "documents-cleanup")
		if err != nil || again.Counts["files_removed"] != 0 {
			t.Fatalf("second run %v, %v", again.Counts, err)
		}
		os.Remove(fresh)
	})

	if _, err := tn.TrashDocument(ctx, tenant.StaffDocumentAccess(tenant.Viewer{}), tenant.Actor{Name: "Olive"}, k.ID, trashed.ID, tenant.Audit{Action: "document.deleted"}); err != nil {
		t.Fatal(err)
	}
	t.Run("the trash is kept for 30 days", func(t *testing.T) {
		clk.Advance(29 * 24 * time.Hour)
		run, err := r.Run(ctx, "documents-trash-purge")
		if err != nil || run.Counts["documents"] != 0 {
			t.Fatalf("counts %v, %v", run.Counts, err)
		}
		if _, err := os.Stat(filepath.Join(dir, trashed.StorageKey)); err != nil {
			t.Fatal("purged early")
		}
	})
	t.Run("then purged: row and files, once", func(t *testing.T) {
		clk.Advance(2 * 24 * time.Hour)
		run, err := r.Run(ctx, "documents-trash-purge")
		if err != nil || run.Counts["documents"] != 1 {
			t.Fatalf("counts %v, %v", run.Counts, err)
		}
		want := []string{kept.StorageKey, kept.ThumbKey}
		sort.Strings(want)
		if got := listDir(t, dir); got != strings.Join(want, ",") {
			t.Fatalf("left %s", got)
		}
		if _, err := tn.Document(ctx, tenant.StaffDocumentAccess(tenant.Viewer{}), k.ID, kept.ID); err != nil {
			t.Fatalf("the kept document went too: %v", err)
		}
		again, err := r.Run(ctx, "documents-trash-purge")
		if err != nil || again.Counts["documents"] != 0 {
			t.Fatalf("second run %v, %v", again.Counts, err)
		}
	})
}
