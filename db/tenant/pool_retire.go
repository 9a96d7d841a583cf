package tenant

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Taking an agency out of service: the pool lets go of its database and,
// when the retention policy says so, its data is deleted. Its archive (a
// tar.gz, see package archive) is kept at ArchivePath.

// ArchivePath is where the retention job keeps an archived agency.
func (p *Pool) ArchivePath(agencyID string) string {
	return filepath.Join(p.dataDir, "archive", agencyID+".tar.gz")
}

// Evict closes an agency's database and takes it out of the pool, waiting
// (until ctx ends) for requests that use it to finish. The agency must
// already be refused to new requests (archived or deleted status).
func (p *Pool) Evict(ctx context.Context, agencyID string) error {
	for {
		done, t := p.tryEvict(agencyID)
		if done {
			if t != nil {
				return t.Close()
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("db: agency %s still in use: %w", agencyID, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// tryEvict takes the agency's unused, opened database out of the pool and
// returns it for closing; done is false while it is in use or opening.
func (p *Pool) tryEvict(agencyID string) (done bool, t *Store) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[agencyID]
	if !ok {
		return true, nil
	}
	if e.refs > 0 {
		return false, nil
	}
	select {
	case <-e.ready:
	default:
		return false, nil
	}
	p.removeLocked(e)
	t, e.tenant = e.tenant, nil
	return true, t
}

// DeleteTenantData removes everything an agency left on disk: its live
// database with -wal and -shm, its files and its archive.
func (p *Pool) DeleteTenantData(ctx context.Context, agencyID string) error {
	if err := p.Evict(ctx, agencyID); err != nil {
		return err
	}
	dir := p.TenantDir(agencyID)
	return errors.Join(os.RemoveAll(dir), os.RemoveAll(dir+".restoring"), removeIfExists(p.ArchivePath(agencyID)), removeIfExists(p.ArchivePath(agencyID)+".tmp"))
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
