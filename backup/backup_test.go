package backup_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/backup"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

type installation struct {
	dir     string
	control *control.Store
	pool    *tenant.Pool
}

func mustOpen(t *testing.T, dir string) *installation {
	t.Helper()
	ctx := context.Background()
	c := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	control, err := control.Open(ctx, dir, string(controlSchema), c)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tenant.NewPool(dir, string(schema), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close(); control.Close() })
	return &installation{dir: dir, control: control, pool: pool}
}

func (in *installation) mustAgency(t *testing.T, slug string) *control.Agency {
	t.Helper()
	a, _, err := app.CreateAgency(context.Background(), in.control, in.pool, app.NewAgency{
		Name: "Agency " + slug, Slug: slug, OwnerName: "Olive", OwnerEmail: "owner@" + slug + ".test", OwnerPasswordHash: "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (in *installation) source() backup.Source {
	return backup.Source{DataDir: in.dir, Control: in.control, Pool: in.pool}
}

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	in := mustOpen(t, t.TempDir())
	a := in.mustAgency(t, "alpha")
	b := in.mustAgency(t, "beta")
	doc := filepath.Join(in.dir, "tenants", a.ID, "files", "ab", "doc-1")
	if err := os.MkdirAll(filepath.Dir(doc), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("the signed contract"), 0o600); err != nil {
		t.Fatal(err)
	}

	dest := filepath.Join(t.TempDir(), "backup")
	m, err := backup.Create(ctx, in.source(), dest)
	if err != nil {
		t.Fatal(err)
	}
	if m.Agencies != 2 {
		t.Fatalf("agencies = %d, want 2", m.Agencies)
	}
	paths := map[string]bool{}
	for _, f := range m.Files {
		paths[f.Path] = true
		if strings.HasSuffix(f.Path, "-wal") || strings.HasSuffix(f.Path, "-shm") {
			t.Errorf("backup holds a live journal %s", f.Path)
		}
	}
	for _, want := range []string{"control.db", "tenants/" + a.ID + "/tenant.db", "tenants/" + b.ID + "/tenant.db", "tenants/" + a.ID + "/files/ab/doc-1"} {
		if !paths[want] {
			t.Errorf("backup lacks %s (has %v)", want, paths)
		}
	}

	t.Run("a non-empty backup directory is refused", func(t *testing.T) {
		if _, err := backup.Create(ctx, in.source(), dest); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("restore into a non-empty data directory is refused and leaves it alone", func(t *testing.T) {
		target := t.TempDir()
		os.WriteFile(filepath.Join(target, "keep"), []byte("x"), 0o600)
		if _, err := backup.Restore(ctx, dest, target); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("err = %v", err)
		}
		if b, _ := os.ReadFile(filepath.Join(target, "keep")); string(b) != "x" {
			t.Fatal("target was touched")
		}
	})

	t.Run("restored installation has both agencies and the document", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "data")
		if _, err := backup.Restore(ctx, dest, target); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(target, "tenants", a.ID, "files", "ab", "doc-1"))
		if err != nil || string(got) != "the signed contract" {
			t.Fatalf("document = %q, %v", got, err)
		}
		r := mustOpen(t, target)
		for _, want := range []*control.Agency{a, b} {
			ag, err := r.control.AgencyBySlug(ctx, want.Slug)
			if err != nil || ag.ID != want.ID {
				t.Fatalf("agency %s: %v %v", want.Slug, ag, err)
			}
			tn, release, err := r.pool.Acquire(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := tn.UserByEmail(ctx, "owner@"+want.Slug+".test")
			release()
			if err != nil || u == nil {
				t.Fatalf("owner of %s: %v", want.Slug, err)
			}
		}
	})

	t.Run("a damaged file is found and nothing is restored", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		if err := os.CopyFS(bad, os.DirFS(dest)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(bad, "tenants", a.ID, "files", "ab", "doc-1")
		os.WriteFile(p, []byte("the forged contract"), 0o600)
		target := filepath.Join(t.TempDir(), "data")
		_, err := backup.Restore(ctx, bad, target)
		if err == nil || !strings.Contains(err.Error(), "does not match the manifest") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Fatalf("target exists after a refused restore: %v", err)
		}
	})

	t.Run("a backup without its manifest is refused", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		os.CopyFS(bad, os.DirFS(dest))
		os.Remove(filepath.Join(bad, backup.ManifestName))
		if _, err := backup.Restore(ctx, bad, filepath.Join(t.TempDir(), "data")); err == nil || !strings.Contains(err.Error(), "unfinished") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("a manifest naming a path outside the backup is refused", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		os.CopyFS(bad, os.DirFS(dest))
		mp := filepath.Join(bad, backup.ManifestName)
		b, _ := os.ReadFile(mp)
		os.WriteFile(mp, []byte(strings.Replace(string(b), `"control.db"`, `"../control.db"`, 1)), 0o600)
		if _, err := backup.Restore(ctx, bad, filepath.Join(t.TempDir(), "data")); err == nil || !strings.Contains(err.Error(), "outside") {
			t.Fatalf("err = %v", err)
		}
	})
}
