// Package archive writes and reads the files an agency's data leaves the
// server in: an agency's archive (a tar.gz of a snapshot of its database and
// its uploaded files), which the retention job keeps in DATA/archive/ and
// owners and operators download, and the ZIP of a privacy export. The
// stores hand it their data; they write no archive themselves.
package archive

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
)

// Retire writes the agency's archive to pool.ArchivePath and removes its
// live database (with -wal and -shm) and files. It is idempotent: when the
// archive exists and the live directory is gone it does nothing.
//
// An agency's archive is one tar.gz: "tenant.db", a consistent snapshot of
// its database, and "files/…", its uploaded files. The owner's download,
// the operator's download and the retention job's archive in DATA/archive/
// are all this format, so an archive restores the agency exactly.
func Retire(ctx context.Context, p *tenant.Pool, agencyID string) error {
	dir, dest := p.TenantDir(agencyID), p.ArchivePath(agencyID)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(dest); err == nil {
			return nil
		}
		return fmt.Errorf("archive: retire %s: neither live data nor an archive", agencyID)
	}
	if err := p.Evict(ctx, agencyID); err != nil {
		return err
	}
	d, err := db.Open(filepath.Join(dir, "tenant.db"), false, clock.System{}) // a snapshot reads no time
	if err != nil {
		return err
	}
	werr := writeArchiveFile(ctx, d, filepath.Join(dir, "files"), dest)
	if err := errors.Join(werr, d.Close()); err != nil {
		return fmt.Errorf("archive: retire %s: %w", agencyID, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("archive: retire %s: remove live data: %w", agencyID, err)
	}
	return nil
}

// writeArchiveFile writes d's archive to dest through a temporary file,
// synced and renamed into place, so dest is either whole or absent.
func writeArchiveFile(ctx context.Context, d *db.DB, filesDir, dest string) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return err
	}
	tmp := dest + ".tmp"
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	err = Write(ctx, d, filesDir, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dest)
}

// Write writes a tar.gz of a snapshot of d (as "tenant.db") and
// every regular file under filesDir (as "files/…") to w.
func Write(ctx context.Context, d *db.DB, filesDir string, w io.Writer) error {
	snapDir, err := os.MkdirTemp(filepath.Dir(d.Path), ".snapshot-")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer os.RemoveAll(snapDir)
	snap := filepath.Join(snapDir, "tenant.db")
	if err := d.SnapshotTo(ctx, snap); err != nil {
		return err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if err := addTarFile(tw, snap, "tenant.db"); err != nil {
		return err
	}
	err = filepath.WalkDir(filesDir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == filesDir {
				return nil
			}
			return err
		}
		if !de.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(filesDir, path)
		if err != nil {
			return err
		}
		return addTarFile(tw, path, "files/"+filepath.ToSlash(rel))
	})
	if err != nil {
		return fmt.Errorf("archive: files: %w", err)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func addTarFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// Restore unpacks an archived agency back into its live directory and
// removes the archive. An agency with live data is a conflict.
func Restore(p *tenant.Pool, agencyID string) error {
	dir, src := p.TenantDir(agencyID), p.ArchivePath(agencyID)
	if _, err := os.Stat(dir); err == nil {
		return apperr.New(apperr.Conflict, "This agency's data is already live.")
	}
	f, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return apperr.New(apperr.NotFound, "This agency has no archive to restore.")
	}
	if err != nil {
		return fmt.Errorf("archive: restore %s: %w", agencyID, err)
	}
	defer f.Close()
	tmp := dir + ".restoring"
	os.RemoveAll(tmp)
	if err := extractArchive(f, tmp); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("archive: restore %s: %w", agencyID, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("archive: restore %s: %w", agencyID, err)
	}
	f.Close()
	return os.Remove(src)
}

func extractArchive(r io.Reader, dir string) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o700); err != nil {
		return err
	}
	sawDB := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(h.Name)
		if h.Typeflag != tar.TypeReg || !filepath.IsLocal(name) || (name != "tenant.db" && !strings.HasPrefix(name, "files"+string(filepath.Separator))) {
			return fmt.Errorf("unexpected archive entry %q", h.Name)
		}
		sawDB = sawDB || name == "tenant.db"
		dest := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
			return err
		}
		out, err := os.OpenFile(dest, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, tr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if !sawDB {
		return errors.New("archive holds no tenant.db")
	}
	return nil
}
