package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/archive"
	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// mustAgency makes an agency's database with its owner and one stored file.
func mustAgency(t *testing.T) (*tenant.Pool, string) {
	t.Helper()
	pool, err := tenant.NewPool(t.TempDir(), dbtest.TenantSchema(t), tenant.PoolConfig{MaxOpen: 4, IdleTimeout: time.Hour}, clock.NewManual(dbtest.Start), dbtest.DiscardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	const id = "agency-1"
	if _, err := pool.CreateWithOwner(context.Background(), id, "acme", tenant.NewOwner{Email: "o@acme.test", Name: "O", PasswordHash: dbtest.Hash}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pool.TenantDir(id), "files", "doc.pdf"), []byte("%PDF-1.4 a document"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pool, id
}

func TestRetireAndRestore(t *testing.T) {
	ctx := context.Background()
	pool, id := mustAgency(t)
	if err := archive.Retire(ctx, pool, id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pool.TenantDir(id)); !os.IsNotExist(err) {
		t.Fatalf("the live directory is still there (%v)", err)
	}
	if _, err := os.Stat(pool.ArchivePath(id)); err != nil {
		t.Fatal(err)
	}
	t.Run("retiring again does nothing", func(t *testing.T) {
		if err := archive.Retire(ctx, pool, id); err != nil {
			t.Fatal(err)
		}
	})
	if err := archive.Restore(pool, id); err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := tn.UserByEmail(ctx, "o@acme.test"); err != nil {
		t.Fatalf("the owner is not back: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(pool.TenantDir(id), "files", "doc.pdf")); err != nil || string(b) != "%PDF-1.4 a document" {
		t.Fatalf("the file is not back: %q, %v", b, err)
	}
	t.Run("restoring live data is a conflict", func(t *testing.T) {
		if err := archive.Restore(pool, id); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("got %v, want a conflict", err)
		}
	})
}

func TestExportWriter(t *testing.T) {
	var buf bytes.Buffer
	w := archive.NewExportWriter(&buf, dbtest.Start)
	if err := w.JSON("client.json", map[string]string{"name": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if err := w.File("documents/a.txt", bytes.NewReader([]byte("hello"))); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		got[f.Name] = string(b)
	}
	if got["documents/a.txt"] != "hello" || got["client.json"] != "{\n  \"name\": \"Ada\"\n}\n" {
		t.Fatalf("%q", got)
	}
}
