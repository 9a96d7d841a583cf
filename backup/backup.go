// Package backup makes and restores whole-installation backups: a
// consistent snapshot of the control database (unless it is on
// PostgreSQL) and of every agency database (VACUUM INTO, safe while the
// server runs), every other file of the data
// directory (agencies' documents, archives), and a manifest with each
// file's size and SHA-256, written last, so a backup without a manifest is
// an unfinished one.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver for integrity checks

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/health"
)

// ManifestName is the manifest's file name inside a backup directory.
const ManifestName = "manifest.json"

// formatVersion is the manifest format this code writes and reads.
const formatVersion = 1

// Manifest lists every file of a backup.
type Manifest struct {
	Format    int       `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	Agencies  int       `json:"agencies"`
	// AgencyID is set on one agency's export (agency export), empty on a
	// whole-installation backup.
	AgencyID string `json:"agency_id,omitempty"`
	Files    []File `json:"files"`
	// Skipped are the agencies left out because they are degraded (their
	// database is damaged): an earlier backup still holds them.
	Skipped []string `json:"skipped,omitempty"`
	// ControlPlane is the PostgreSQL database (postgres://host:port/name,
	// no password) the control data was in, which the backup does not
	// hold: PostgreSQL's own tools back it up. Empty: control.db is in it.
	ControlPlane string `json:"control_plane,omitempty"`
}

// File is one file of a backup, by its slash-separated path inside it.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Database marks an SQLite snapshot; restore checks its integrity.
	Database bool `json:"database,omitempty"`
}

// Source is what a backup reads: the open control database and the pool of
// agency databases over one data directory.
type Source struct {
	DataDir string
	Control *control.Store
	Pool    *tenant.Pool
	Log     *slog.Logger
	Now     func() time.Time
	Reserve *health.Reserve // the free space a backup leaves on its target's disk (-storage-reserve); nil: health.DefaultReserve
}

// Create writes a backup of src into dest, which must not exist or be
// empty; with the control database on PostgreSQL, of the agencies alone
// (Manifest.ControlPlane). Databases are snapshotted one at a time while writers go on: each
// snapshot is consistent in itself (agencies are independent, so that is
// the consistency that matters), and the control database is taken first,
// so an agency created during the backup is present as files only if its
// control row is too — restore ignores an agency directory without its
// database.
func Create(ctx context.Context, src Source, dest string) (*Manifest, error) {
	if err := emptyOrMissing(dest); err != nil {
		return nil, err
	}
	if err := roomFor(src.DataDir, dest, src.Reserve); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return nil, fmt.Errorf("backup: create %s: %w", dest, err)
	}
	now := time.Now
	if src.Now != nil {
		now = src.Now
	}
	m := &Manifest{Format: formatVersion, CreatedAt: now().UTC()}
	addSnapshot := func(rel string, snap func(path string) error) error {
		path := filepath.Join(dest, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := snap(path); err != nil {
			return err
		}
		f, err := describe(path, rel)
		if err != nil {
			return err
		}
		f.Database = true
		m.Files = append(m.Files, f)
		return nil
	}
	if src.Control.Postgres() {
		// Shared by every machine and backed up where PostgreSQL runs
		// (README "Backups and restore"); each machine's backup holds its
		// own agencies.
		m.ControlPlane = src.Control.Path
	} else if err := addSnapshot("control.db", func(p string) error { return src.Control.SnapshotTo(ctx, p) }); err != nil {
		return nil, fmt.Errorf("backup: control database: %w", err)
	}

	tenantsDir := filepath.Join(src.DataDir, "tenants")
	ids, err := tenantIDs(tenantsDir)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join(tenantsDir, id, "tenant.db")); err != nil {
			continue // a directory being created or removed right now
		}
		if src.Pool.Refused(id) {
			m.Skipped = append(m.Skipped, id)
			if src.Log != nil {
				src.Log.Warn("backup: agency left out: it is degraded (its database is damaged); earlier backups hold it", "agency", id)
			}
			continue
		}
		err := addSnapshot("tenants/"+id+"/tenant.db", func(p string) error {
			t, release, err := src.Pool.Acquire(ctx, id)
			if err != nil {
				return err
			}
			defer release()
			return t.SnapshotTo(ctx, p)
		})
		if err != nil {
			return nil, fmt.Errorf("backup: agency %s: %w", id, err)
		}
		m.Agencies++
		if src.Log != nil {
			src.Log.Info("backup: agency database copied", "agency", id)
		}
	}

	// Every other file: agencies' documents, archives. Live database
	// files are never copied as they are: they were snapshotted above.
	err = filepath.WalkDir(src.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked (a document deleted)
			}
			return err
		}
		rel, _ := filepath.Rel(src.DataDir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (isInside(dest, path) || strings.HasSuffix(d.Name(), "-litestream")) {
				return fs.SkipDir // a backup written into the data directory; Litestream's own state
			}
			return nil
		}
		if !d.Type().IsRegular() || liveDatabaseFile(rel) {
			return nil
		}
		f, err := copyFile(path, filepath.Join(dest, filepath.FromSlash(rel)), rel)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: copy files: %w", err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	if err := writeManifest(dest, m); err != nil {
		return nil, err
	}
	return m, nil
}

// liveDatabaseFile reports whether rel (relative to the data directory) is
// a live SQLite file or one of its journals: those are snapshotted, or
// (another database someone left there) useless copied while written.
func liveDatabaseFile(rel string) bool {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if strings.HasSuffix(rel, suffix) {
			return true
		}
	}
	if rel == "control.db" {
		return true
	}
	parts := strings.Split(rel, "/")
	return len(parts) == 3 && parts[0] == "tenants" && parts[2] == "tenant.db"
}

func tenantIDs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("backup: list agencies: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

func isInside(dir, path string) bool {
	a, err1 := filepath.Abs(dir)
	b, err2 := filepath.Abs(path)
	return err1 == nil && err2 == nil && a == b
}

// emptyOrMissing refuses a directory with anything in it.
func emptyOrMissing(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty: choose a new directory", dir)
	}
	return nil
}

// copyFile copies src to dst, hashing on the way.
func copyFile(src, dst, rel string) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return File{}, err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("copy %s: %w", rel, err)
	}
	return File{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// describe hashes a file already in place.
func describe(path, rel string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", rel, err)
	}
	return File{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("backup: write manifest: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return fmt.Errorf("backup: write manifest: %w", err)
	}
	return syncFile(dir)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ReadManifest reads and checks the manifest of the backup in dir.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("backup: %s has no %s: not a backup, or an unfinished one", dir, ManifestName)
	}
	if err != nil {
		return nil, fmt.Errorf("backup: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup: manifest of %s is damaged: %w", dir, err)
	}
	if m.Format != formatVersion {
		return nil, fmt.Errorf("backup: manifest format %d; this version reads %d", m.Format, formatVersion)
	}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || strings.Contains(f.Path, "\\") {
			return nil, fmt.Errorf("backup: manifest names a path outside the backup: %q", f.Path)
		}
	}
	return &m, nil
}

// Verify checks every file of the backup in dir against its manifest.
func Verify(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, want := range m.Files {
		got, err := describe(filepath.Join(dir, filepath.FromSlash(want.Path)), want.Path)
		if err != nil {
			return nil, fmt.Errorf("backup: %s: %w", want.Path, err)
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("backup: %s does not match the manifest (size %d, want %d; checksum %.12s…, want %.12s…): the backup is damaged", want.Path, got.Size, want.Size, got.SHA256, want.SHA256)
		}
	}
	return m, nil
}

// Restore checks the backup in src against its manifest and every database
// in it for integrity, then writes it as the data directory dataDir, which
// must not exist or be empty. It writes into a directory beside dataDir and
// renames it into place last, so a failed restore leaves nothing behind.
func Restore(ctx context.Context, src, dataDir string) (*Manifest, error) {
	if err := emptyOrMissing(dataDir); err != nil {
		return nil, fmt.Errorf("restore: %w (restore only into an empty data directory)", err)
	}
	m, err := Verify(src)
	if err != nil {
		return nil, err
	}
	if m.AgencyID != "" {
		return nil, fmt.Errorf("restore: %s is one agency's export, not a whole backup (use mintedmind agency import)", src)
	}
	parent := filepath.Dir(filepath.Clean(dataDir))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dataDir)+".restoring-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, want := range m.Files {
		got, err := copyFile(filepath.Join(src, filepath.FromSlash(want.Path)), filepath.Join(tmp, filepath.FromSlash(want.Path)), want.Path)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("restore: %s changed while it was copied", want.Path)
		}
		if want.Database {
			if err := IntegrityCheck(ctx, filepath.Join(tmp, filepath.FromSlash(want.Path))); err != nil {
				return nil, fmt.Errorf("restore: %w", err)
			}
		}
	}
	if err := os.Remove(dataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp, dataDir); err != nil {
		return nil, fmt.Errorf("restore: move into place: %w", err)
	}
	return m, syncFile(parent)
}

// IntegrityCheck runs PRAGMA integrity_check on the database file at path
// and returns an error unless SQLite answers "ok".
func IntegrityCheck(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s failed: %s", path, strings.Join(problems, "; "))
	}
	return nil
}

// roomFor refuses to start a backup of dataDir into dest when dest's
// filesystem has less free space than the data directory holds plus the
// reserve (r; nil: the default): a backup that fills the disk would stop half way and,
// on the server's own disk, take its room too.
func roomFor(dataDir, dest string, r *health.Reserve) error {
	var need uint64
	filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !isInside(dest, path) {
			if info, err := d.Info(); err == nil {
				need += uint64(info.Size())
			}
		}
		return nil
	})
	free, size, err := health.FreeSpace(dest)
	if err != nil {
		return nil // not known here: try
	}
	if r == nil {
		r = &health.DefaultReserve
	}
	reserve := r.For(size)
	if free < need+reserve {
		return fmt.Errorf("backup: %s has %s free; this backup needs about %s and leaves a reserve of %s: free space there or choose a directory on a disk with room",
			dest, files.ByteSize(int64(free)), files.ByteSize(int64(need)), files.ByteSize(int64(reserve)))
	}
	return nil
}
