package db_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/dbtest"
)

func TestDataDirWithURICharacters(t *testing.T) {
	t.Parallel()
	// SQLite reads the DSN as a URI: an unescaped '#' or '?' cuts the path
	// short (every database would land in one file), a '%' is decoded.
	for _, name := range []string{"with space", "hash#1", "percent%41", "question?mode=ro"} {
		t.Run(name+" opens the file it names", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			ctx := context.Background()
			c := clock.NewManual(dbtest.Start)
			for _, file := range []string{"control.db", filepath.Join("tenants", "agency-1", "tenant.db")} {
				d, err := db.Open(filepath.Join(dir, file), true, c)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if _, err := d.Write().ExecContext(ctx, `CREATE TABLE users (id TEXT PRIMARY KEY)`); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
					t.Fatal(err)
				}
				var n int
				if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'`).Scan(&n); err != nil || n != 1 {
					t.Fatalf("the readers of %s see no users table (%d, %v)", file, n, err)
				}
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("%d entries beside the data directory, want only it", len(entries))
			}
		})
	}
}
