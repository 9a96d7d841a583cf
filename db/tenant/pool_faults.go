package tenant

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"mintedmind/db"
)

// What the pool does about damaged, refused and vanished agency databases
// (README "When storage fails"). Deciding what a fault means (degraded,
// which page, whom to tell) is package health's; the pool reports what it
// finds opening a database and refuses the agencies it is told to.

// ErrMissing is an agency database that is not on disk although the agency
// lives here: its directory was deleted or its volume is gone.
var ErrMissing = errors.New("db: the agency's database file is missing")

// FaultHandler is told of a database that could not be opened because it
// is damaged (a corruption error, a failed quick_check) or because a
// migration failed on it.
type FaultHandler func(agencyID string, err error)

// poolFaults is the pool's state about faults, guarded by Pool.mu.
type poolFaults struct {
	onFault  FaultHandler
	refused  map[string]error // agencies Acquire refuses, with the error it returns
	verified map[string]bool  // quick_check passed since this process opened it first
	missing  map[string]bool  // agencies whose database file vanished
}

// SetFaultHandler sets the function told of damaged databases and failed
// migrations found opening them; call it before the pool is used.
func (p *Pool) SetFaultHandler(h FaultHandler) {
	p.mu.Lock()
	p.faults.onFault = h
	p.mu.Unlock()
}

// Refuse makes Acquire return err for the agency without opening its
// database, until Admit. A degraded agency is refused so.
func (p *Pool) Refuse(agencyID string, err error) {
	p.mu.Lock()
	if p.faults.refused == nil {
		p.faults.refused = map[string]error{}
	}
	p.faults.refused[agencyID] = err
	p.mu.Unlock()
}

// Admit lifts Refuse, and makes the next open check the database again.
func (p *Pool) Admit(agencyID string) {
	p.mu.Lock()
	delete(p.faults.refused, agencyID)
	delete(p.faults.verified, agencyID)
	p.mu.Unlock()
}

// MissingAgencies lists the agencies whose database file vanished while
// this process served them (and has not come back).
func (p *Pool) MissingAgencies() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.faults.missing))
	for id := range p.faults.missing {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Missing reports whether the agency's database file vanished.
func (p *Pool) Missing(agencyID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults.missing[agencyID]
}

func (p *Pool) setMissing(agencyID string, missing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !missing {
		delete(p.faults.missing, agencyID)
		return
	}
	if p.faults.missing == nil {
		p.faults.missing = map[string]bool{}
	}
	if !p.faults.missing[agencyID] {
		p.log.Error("agency database file missing", "agency", agencyID, "path", filepath.Join(p.TenantDir(agencyID), "tenant.db"))
	}
	p.faults.missing[agencyID] = true
}

// refusalLocked is the error Acquire returns for a refused agency.
func (p *Pool) refusalLocked(agencyID string) error { return p.faults.refused[agencyID] }

func (p *Pool) verifiedAlready(agencyID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults.verified[agencyID]
}

func (p *Pool) setVerified(agencyID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.faults.verified == nil {
		p.faults.verified = map[string]bool{}
	}
	p.faults.verified[agencyID] = true
}

// openChecked opens an agency's database, migrates it and, the first time
// this process opens it, runs quick_check on it. A damaged database or a
// failed migration is reported to the fault handler.
func (p *Pool) openChecked(ctx context.Context, agencyID string) (*Store, os.FileInfo, error) {
	dir := p.TenantDir(agencyID)
	path := filepath.Join(dir, "tenant.db")
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		p.setMissing(agencyID, true)
		return nil, nil, fmt.Errorf("%w: %w", ErrMissing, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	d, err := db.Open(path, false, p.clock)
	if err == nil {
		err = d.Migrate(ctx, p.migrations)
		if err == nil && !p.verifiedAlready(agencyID) {
			err = d.QuickCheckOpened(ctx)
		}
		if err != nil {
			d.Close()
		}
	}
	if err != nil {
		p.reportOpenFault(agencyID, err)
		return nil, nil, err
	}
	p.setVerified(agencyID)
	p.setMissing(agencyID, false)
	return &Store{DB: d, AgencyID: agencyID, Dir: dir}, info, nil
}

// reportOpenFault tells the fault handler of a damaged database or a
// migration that failed for a reason of its own (not a full disk, not a
// cancelled request).
func (p *Pool) reportOpenFault(agencyID string, err error) {
	var me *db.MigrationError
	damaged := db.FaultOf(err) == db.Corrupt || errors.As(err, &me) && db.FaultOf(me.Err) == db.NoFault && ctxAlive(err)
	p.mu.Lock()
	h := p.faults.onFault
	p.mu.Unlock()
	if damaged && h != nil {
		h(agencyID, err)
	}
}

func ctxAlive(err error) bool {
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// fileChanged checks an open entry's file on disk: vanished (the writer is
// turned read-only, reads of the open file go on) or replaced by another
// file (a restore: the entry must be opened again).
func (p *Pool) fileChanged(ctx context.Context, e *poolEntry) (replaced bool) {
	path := filepath.Join(e.tenant.Dir, "tenant.db")
	now, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !e.moved.Swap(true) {
			p.setMissing(e.id, true)
			if err := e.tenant.SetWritable(ctx, false); err != nil {
				p.log.Error("turn away writes to a vanished database", "agency", e.id, "err", err)
			}
		}
		return false
	case err != nil:
		return false // unreadable for now: keep what is open
	case e.info != nil && !os.SameFile(e.info, now):
		return true
	}
	if e.moved.Swap(false) {
		p.setMissing(e.id, false)
		_ = e.tenant.SetWritable(ctx, true)
	}
	return false
}

// retire takes an entry out of the pool if it is still there: its last
// user closes it, and the next Acquire opens the file afresh.
func (p *Pool) retire(e *poolEntry) {
	p.mu.Lock()
	p.removeLocked(e)
	p.mu.Unlock()
}

// Refused reports whether Acquire refuses the agency (it is degraded):
// jobs skip such agencies instead of failing on them.
func (p *Pool) Refused(agencyID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults.refused[agencyID] != nil
}
