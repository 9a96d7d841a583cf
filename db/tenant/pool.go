// Package tenant is an agency's own database, DATA/tenants/<id>/tenant.db,
// and the pool that keeps those databases open: users and their sessions,
// clients, cases and their history, documents, invoices and payments, the
// audit log and the agency's settings. Each Store reaches one agency's file
// only; the control database is package control. Methods take and return
// plain values; no provider, PDF, archive or mail code is imported.
package tenant

import (
	"container/list"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db"
)

// Store is one agency's open database.
type Store struct {
	*db.DB
	AgencyID string
	Dir      string // DATA/tenants/<id>; files live in Dir/files
}

// PoolConfig sets the size and idle time of the tenant pool.
type PoolConfig struct {
	MaxOpen     int           // open databases kept at most (LRU beyond that)
	IdleTimeout time.Duration // an unused database is closed after this
}

// Pool keeps agency databases open between requests: opened on first
// use, least recently used closed beyond MaxOpen, idle ones closed after
// IdleTimeout. A database in use (acquired and not yet released) is never
// closed under its user.
type Pool struct {
	dataDir    string
	cfg        PoolConfig
	clock      clock.Clock
	migrations []db.Migration
	log        *slog.Logger

	mu      sync.Mutex
	entries map[string]*poolEntry
	lru     *list.List // front = most recently used; values are *poolEntry
	closed  bool
	stop    chan struct{}
	done    chan struct{}
	faults  poolFaults // damaged, refused and vanished databases (pool_faults.go)
}

type poolEntry struct {
	id      string
	tenant  *Store
	err     error
	ready   chan struct{} // closed when opening finished
	refs    int
	lastUse time.Time
	elem    *list.Element
	info    os.FileInfo // the file opened, to tell when it vanishes or is replaced
	moved   atomic.Bool // the file vanished: writes are turned away
	shrunk  bool        // idle connections closed since its last use (Pool.mu)
}

// shrinkAfter is how long an open agency goes unused before its idle
// connections beyond one reader are closed (db.DB.Shrink): an agency busy
// for a moment does not keep five connections for as long as it is open.
const shrinkAfter = time.Minute

// NewPool returns a pool over DATA/tenants, creating tenants from schema.
func NewPool(dataDir, schema string, cfg PoolConfig, c clock.Clock, log *slog.Logger) (*Pool, error) {
	migrations, err := db.ParseMigrations(schema)
	if err != nil {
		return nil, err
	}
	if cfg.MaxOpen <= 0 {
		cfg.MaxOpen = 200
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	p := &Pool{
		dataDir: dataDir, cfg: cfg, clock: c, migrations: migrations, log: log,
		entries: map[string]*poolEntry{}, lru: list.New(),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	go p.closeIdleLoop()
	return p, nil
}

// TenantDir is where an agency's database and files live.
func (p *Pool) TenantDir(agencyID string) string {
	return filepath.Join(p.dataDir, "tenants", agencyID)
}

// Create makes a new agency database at the newest schema (a copy of the
// migrated schema built once per process: db.CreateMigrated) and runs setup in a
// transaction on it. On any failure the directory is removed again.
func (p *Pool) Create(ctx context.Context, agencyID string, setup func(t *Store) error) (err error) {
	dir := p.TenantDir(agencyID)
	if _, statErr := os.Stat(dir); statErr == nil {
		return fmt.Errorf("db: tenant dir %s already exists", dir)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o700); err != nil {
		return fmt.Errorf("db: create tenant dir: %w", err)
	}
	d, err := db.CreateMigrated(ctx, filepath.Join(dir, "tenant.db"), p.migrations, p.clock)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := setup(&Store{DB: d, AgencyID: agencyID, Dir: dir}); err != nil {
		return err
	}
	p.setVerified(agencyID)
	return nil
}

// NewOwner is a new agency's first user, its owner.
type NewOwner struct {
	Email string
	Name  string
	// PasswordHash is already hashed: hashing is slow and happens before
	// any database work.
	PasswordHash string
}

// CreateWithOwner makes a new agency's database with its owner, and records
// the agency's creation (under its slug) in the audit log.
func (p *Pool) CreateWithOwner(ctx context.Context, agencyID, slug string, o NewOwner) (*User, error) {
	var owner *User
	err := p.Create(ctx, agencyID, func(t *Store) error {
		return t.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			owner, err = t.insertUser(ctx, tx, o.Email, o.Name, RoleOwner, o.PasswordHash)
			if err != nil {
				return err
			}
			return t.auditTx(ctx, tx, Audit{ActorID: owner.ID, ActorName: owner.Name, Action: "agency.created", Target: slug})
		})
	})
	if err != nil {
		return nil, err
	}
	return owner, nil
}

// Discard removes the directory of an agency database just created, when
// the agency could not be recorded in the control database after all.
func (p *Pool) Discard(agencyID string) error {
	return os.RemoveAll(p.TenantDir(agencyID))
}

// Acquire returns the open database of an agency, opening it if needed.
// Call the returned release function when done with it.
func (p *Pool) Acquire(ctx context.Context, agencyID string) (*Store, func(), error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, nil, apperr.New(apperr.Unavailable, "The server is shutting down.")
	}
	if err := p.refusalLocked(agencyID); err != nil {
		p.mu.Unlock()
		return nil, nil, err
	}
	e, ok := p.entries[agencyID]
	if ok {
		e.refs++
		e.shrunk = false
		p.lru.MoveToFront(e.elem)
		p.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			p.release(e)
			return nil, nil, ctx.Err()
		}
		if e.err != nil {
			p.release(e)
			return nil, nil, e.err
		}
		if p.fileChanged(ctx, e) { // restored under us: open the new file
			p.retire(e)
			p.release(e)
			return p.Acquire(ctx, agencyID)
		}
		return e.tenant, func() { p.release(e) }, nil
	}
	e = &poolEntry{id: agencyID, ready: make(chan struct{}), refs: 1}
	e.elem = p.lru.PushFront(e)
	p.entries[agencyID] = e
	evicted := p.evictLocked()
	p.mu.Unlock()
	p.closeAll(evicted)

	e.tenant, e.info, e.err = p.openChecked(ctx, agencyID)
	if e.err != nil {
		p.mu.Lock()
		p.removeLocked(e)
		p.mu.Unlock()
	}
	close(e.ready)
	if e.err != nil {
		p.release(e)
		return nil, nil, e.err
	}
	return e.tenant, func() { p.release(e) }, nil
}

func (p *Pool) release(e *poolEntry) {
	p.mu.Lock()
	e.refs--
	e.lastUse = p.clock.Now()
	var toClose []*Store
	if p.entries[e.id] != e && e.refs == 0 && e.tenant != nil {
		// Evicted while in use: the last user closes it.
		toClose = append(toClose, e.tenant)
		e.tenant = nil
	}
	toClose = append(toClose, p.evictLocked()...)
	p.mu.Unlock()
	p.closeAll(toClose)
}

// evictLocked takes least recently used, unused databases beyond MaxOpen
// out of the pool and returns them; the caller closes them after unlocking,
// so that a slow close never holds up other agencies' requests.
func (p *Pool) evictLocked() []*Store {
	var out []*Store
	for el := p.lru.Back(); el != nil && p.lru.Len() > p.cfg.MaxOpen; {
		prev := el.Prev()
		e := el.Value.(*poolEntry)
		if e.refs == 0 {
			p.removeLocked(e)
			if e.tenant != nil {
				out = append(out, e.tenant)
				e.tenant = nil
			}
		}
		el = prev
	}
	return out
}

func (p *Pool) removeLocked(e *poolEntry) {
	if p.entries[e.id] == e {
		delete(p.entries, e.id)
		p.lru.Remove(e.elem)
	}
}

func (p *Pool) closeAll(tenants []*Store) {
	for _, t := range tenants {
		if err := t.Close(); err != nil {
			p.log.Error("close tenant database", "agency", t.AgencyID, "err", err)
		}
	}
}

func (p *Pool) closeIdleLoop() {
	defer close(p.done)
	t := time.NewTicker(min(p.cfg.IdleTimeout/4, shrinkAfter))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.CloseIdle()
		}
	}
}

// CloseIdle closes every unused database idle for longer than IdleTimeout,
// and shrinks to one connection those unused for shrinkAfter.
func (p *Pool) CloseIdle() {
	p.mu.Lock()
	var idle, shrink []*Store
	now := p.clock.Now()
	cutoff, shrinkCutoff := now.Add(-p.cfg.IdleTimeout), now.Add(-shrinkAfter)
	for el := p.lru.Back(); el != nil; {
		prev := el.Prev()
		e := el.Value.(*poolEntry)
		switch {
		case e.refs != 0:
		case e.lastUse.Before(cutoff):
			p.removeLocked(e)
			if e.tenant != nil {
				idle = append(idle, e.tenant)
				e.tenant = nil
			}
		case e.tenant != nil && !e.shrunk && e.lastUse.Before(shrinkCutoff):
			e.shrunk = true
			shrink = append(shrink, e.tenant)
		}
		el = prev
	}
	p.mu.Unlock()
	for _, t := range shrink {
		t.Shrink()
	}
	p.closeAll(idle)
}

// OpenCount returns the number of open agency databases.
func (p *Pool) OpenCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lru.Len()
}

// Close closes every database; Acquire fails afterwards. Databases still in
// use are closed by their last release.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.stop)
	var errs []error
	for _, e := range p.entries {
		p.lru.Remove(e.elem)
		delete(p.entries, e.id)
		if e.refs == 0 && e.tenant != nil {
			errs = append(errs, e.tenant.Close())
			e.tenant = nil
		}
	}
	p.mu.Unlock()
	<-p.done
	return errors.Join(errs...)
}

// Holds reports whether this machine's data directory has the agency's
// database: with agencies spread over machines, jobs skip the others'.
func (p *Pool) Holds(agencyID string) bool {
	_, err := os.Stat(filepath.Join(p.TenantDir(agencyID), "tenant.db"))
	return err == nil
}
