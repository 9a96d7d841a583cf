package db

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"mintedmind/clock"
)

// images holds, per set of migrations, the bytes of an empty database file
// that has all of them: built once per process by the first
// CreateMigrated, copied by every later one.
var images struct {
	sync.Mutex
	byKey map[[sha256.Size]byte][]byte
}

// CreateMigrated makes a new database file at path (which must not exist)
// at the newest version of migrations, and opens it. Applying a whole
// schema means parsing and running every statement of it, and each ALTER
// TABLE re-checks every trigger and view: most of the database work of a
// sign-up, and most of the CPU of test suites that make an agency per test.
// So the schema is applied once per process to a scratch file, and each new
// database is a copy of that file's bytes. Migrations therefore must not
// write values that differ per database (random secrets, ids): two new
// databases are identical until their first write. Migrate on the copy
// then finds nothing to do, and checks that it is at the newest version.
func CreateMigrated(ctx context.Context, path string, migrations []Migration, c clock.Clock) (*DB, error) {
	image, err := migratedImage(ctx, migrations, c)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("db: create dir for %s: %w", path, err)
	}
	if err := writeNew(path, image); err != nil {
		return nil, err
	}
	d, err := Open(path, false, c)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, migrations); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// migratedImage returns the bytes of an empty database with migrations
// applied, building it on first use. A set that fails to apply is not
// kept, so the next call tries again and reports its error.
func migratedImage(ctx context.Context, migrations []Migration, c clock.Clock) ([]byte, error) {
	h := sha256.New()
	for _, m := range migrations {
		h.Write([]byte(strconv.Itoa(m.Version) + "\x00" + m.Name + "\x00" + m.SQL + "\x00"))
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])

	images.Lock()
	defer images.Unlock()
	if image := images.byKey[key]; image != nil {
		return image, nil
	}
	dir, err := os.MkdirTemp("", "mintedmind-schema-")
	if err != nil {
		return nil, fmt.Errorf("db: scratch dir for the schema: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "schema.db")
	d, err := Open(path, true, c)
	if err != nil {
		return nil, err
	}
	err = d.Migrate(ctx, migrations)
	if err == nil {
		// Everything into the main file, so that its bytes alone are the
		// database (closing the last connection would do it too).
		_, err = d.writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return nil, fmt.Errorf("db: the migrated schema's WAL still holds %d bytes after closing", wal.Size())
	}
	image, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("db: read the migrated schema: %w", err)
	}
	if images.byKey == nil {
		images.byKey = map[[sha256.Size]byte][]byte{}
	}
	images.byKey[key] = image
	return image, nil
}

// writeNew writes data to a file that must not exist yet, synced to disk.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("db: create %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("db: write %s: %w", path, err)
	}
	return nil
}
