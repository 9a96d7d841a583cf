package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"mintedmind/db/tenant"
)

// CreateAgency writes one agency (its database snapshot and its files)
// into dest, which must not exist or be empty: the first half of moving an
// agency to another machine. The manifest names the agency.
func CreateAgency(ctx context.Context, pool *tenant.Pool, agencyID, dest string) (*Manifest, error) {
	if err := emptyOrMissing(dest); err != nil {
		return nil, err
	}
	tenantDir := pool.TenantDir(agencyID)
	m := &Manifest{Format: formatVersion, CreatedAt: time.Now().UTC(), Agencies: 1, AgencyID: agencyID}
	rel := "tenants/" + agencyID + "/tenant.db"
	snap := filepath.Join(dest, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(snap), 0o700); err != nil {
		return nil, err
	}
	t, release, err := pool.Acquire(ctx, agencyID)
	if err != nil {
		return nil, fmt.Errorf("backup: agency %s: %w", agencyID, err)
	}
	err = t.SnapshotTo(ctx, snap)
	release()
	if err != nil {
		return nil, err
	}
	f, err := describe(snap, rel)
	if err != nil {
		return nil, err
	}
	f.Database = true
	m.Files = append(m.Files, f)
	err = filepath.WalkDir(tenantDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(filepath.Dir(filepath.Dir(tenantDir)), path)
		r = filepath.ToSlash(r)
		if d.IsDir() && strings.HasSuffix(d.Name(), "-litestream") {
			return fs.SkipDir
		}
		if d.IsDir() || !d.Type().IsRegular() || liveDatabaseFile(r) {
			return nil
		}
		f, err := copyFile(path, filepath.Join(dest, filepath.FromSlash(r)), r)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: agency %s files: %w", agencyID, err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return m, writeManifest(dest, m)
}

// RestoreAgency checks an agency export in src and writes it into the data
// directory dataDir, next to the agencies already there; it refuses an
// agency whose directory exists. It returns the manifest (AgencyID says which).
func RestoreAgency(ctx context.Context, src, dataDir string) (*Manifest, error) {
	m, err := Verify(src)
	if err != nil {
		return nil, err
	}
	if m.AgencyID == "" {
		return nil, fmt.Errorf("restore: %s is a whole-installation backup, not one agency's export (use mintedmind restore)", src)
	}
	tenants := filepath.Join(dataDir, "tenants")
	final := filepath.Join(tenants, m.AgencyID)
	if _, err := os.Stat(final); err == nil {
		return nil, fmt.Errorf("restore: agency %s already has a directory here (%s): remove it first if it is a stale copy", m.AgencyID, final)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(tenants, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(tenants, ".importing-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	prefix := "tenants/" + m.AgencyID + "/"
	for _, want := range m.Files {
		if len(want.Path) <= len(prefix) || want.Path[:len(prefix)] != prefix {
			return nil, fmt.Errorf("restore: agency export holds %s, outside its agency", want.Path)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(want.Path[len(prefix):]))
		got, err := copyFile(filepath.Join(src, filepath.FromSlash(want.Path)), dst, want.Path)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("restore: %s changed while it was copied", want.Path)
		}
		if want.Database {
			if err := IntegrityCheck(ctx, dst); err != nil {
				return nil, fmt.Errorf("restore: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("restore: move into place: %w", err)
	}
	return m, syncFile(tenants)
}

// SetAsideMoved moves the directory of an agency exported to another
// machine out of the data directory's agencies, into
// DATA/moved/<id>-<time>: kept (the fallback until the new machine serves
// it and is backed up; removed by hand), but no longer this machine's
// agency, nor in its backups. It returns where the copy went.
func SetAsideMoved(dataDir, agencyID string, now time.Time) (string, error) {
	moved := filepath.Join(dataDir, "moved")
	if err := os.MkdirAll(moved, 0o700); err != nil {
		return "", fmt.Errorf("backup: set the moved copy aside: %w", err)
	}
	kept := filepath.Join(moved, agencyID+"-"+now.UTC().Format("20060102T150405Z"))
	if err := os.Rename(filepath.Join(dataDir, "tenants", agencyID), kept); err != nil {
		return "", fmt.Errorf("backup: set the moved copy aside: %w", err)
	}
	return kept, syncFile(moved)
}
