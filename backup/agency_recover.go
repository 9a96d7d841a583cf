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
)

// Putting back one damaged agency from the latest backup, while the server
// serves every other agency (the console's "restore from the latest
// backup", README "When storage fails").

// Found is a backup that holds an agency.
type Found struct {
	Dir       string
	CreatedAt time.Time
}

// LatestWithAgency returns the newest complete backup directly under root
// (a whole backup or the agency's export, by its manifest's time) that
// holds the agency's database. Unfinished backups (no manifest) are
// passed over.
func LatestWithAgency(root, agencyID string) (*Found, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("backup: list backups in %s: %w", root, err)
	}
	want := "tenants/" + agencyID + "/tenant.db"
	var found []*Found
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		m, err := ReadManifest(dir)
		if err != nil {
			continue
		}
		for _, f := range m.Files {
			if f.Path == want && f.Database {
				found = append(found, &Found{Dir: dir, CreatedAt: m.CreatedAt})
				break
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("backup: no complete backup in %s holds agency %s", root, agencyID)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].CreatedAt.After(found[j].CreatedAt) })
	return found[0], nil
}

// ReplaceAgency puts the agency's database and files from the backup in
// backupDir in place of tenantDir (DATA/tenants/<id>): every file of the
// agency is checked against the manifest and the database with
// integrity_check in a directory beside it first; then the damaged
// directory is moved aside to <tenantDir>.damaged-<time> (kept for a look,
// removed by hand) and the restored one renamed into place. The agency's
// database must be closed. It returns where the damaged copy went.
func ReplaceAgency(ctx context.Context, backupDir, agencyID, tenantDir string, now time.Time) (kept string, err error) {
	m, err := ReadManifest(backupDir)
	if err != nil {
		return "", err
	}
	prefix := "tenants/" + agencyID + "/"
	parent := filepath.Dir(tenantDir)
	tmp, err := os.MkdirTemp(parent, "."+agencyID+".restoring-")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	n := 0
	for _, want := range m.Files {
		rel, ok := strings.CutPrefix(want.Path, prefix)
		if !ok || rel == "" {
			continue
		}
		dst := filepath.Join(tmp, filepath.FromSlash(rel))
		got, err := copyFile(filepath.Join(backupDir, filepath.FromSlash(want.Path)), dst, want.Path)
		if err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return "", fmt.Errorf("restore: %s does not match the backup's manifest: the backup is damaged", want.Path)
		}
		if want.Database {
			if err := IntegrityCheck(ctx, dst); err != nil {
				return "", fmt.Errorf("restore: %w", err)
			}
		}
		n++
	}
	if _, err := os.Stat(filepath.Join(tmp, "tenant.db")); err != nil {
		return "", fmt.Errorf("restore: the backup in %s has no database of agency %s", backupDir, agencyID)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "files"), 0o700); err != nil {
		return "", err
	}
	kept = fmt.Sprintf("%s.damaged-%s", tenantDir, now.UTC().Format("20060102T150405Z"))
	if err := os.Rename(tenantDir, kept); errors.Is(err, fs.ErrNotExist) {
		kept = "" // nothing left to keep: the directory was gone
	} else if err != nil {
		return "", fmt.Errorf("restore: move the damaged directory aside: %w", err)
	}
	if err := os.Rename(tmp, tenantDir); err != nil {
		if kept != "" {
			os.Rename(kept, tenantDir) // put it back as it was
		}
		return "", fmt.Errorf("restore: move into place: %w", err)
	}
	return kept, syncFile(parent)
}
