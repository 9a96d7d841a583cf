package db

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
)

// Tenant is one agency's open database.
type Tenant struct {
	*DB
	AgencyID string
	Dir      string // DATA/tenants/<id>; files live in Dir/files
}

// PoolConfig sets the size and idle time of the tenant pool.
type PoolConfig struct {
	MaxOpen     int           // open databases kept at most (LRU beyond that)
	IdleTimeout time.Duration // an unused database is closed after this
}

// TenantPool keeps agency databases open between requests: opened on first
// use, least recently used closed beyond MaxOpen, idle ones closed after
// IdleTimeout. A database in use (acquired and not yet released) is never
// closed under its user.
type TenantPool struct {
	dataDir    string
	cfg        PoolConfig
	clock      clock.Clock
	migrations []Migration
	log        *slog.Logger

	mu      sync.Mutex
	entries map[string]*poolEntry
	lru     *list.List // front = most recently used; values are *poolEntry
	closed  bool
	stop    chan struct{}
	done    chan struct{}
}

type poolEntry struct {
	id      string
	tenant  *Tenant
	err     error
	ready   chan struct{} // closed when opening finished
	refs    int
	lastUse time.Time
	elem    *list.Element
}

// NewTenantPool returns a pool over DATA/tenants, creating tenants from schema.
func NewTenantPool(dataDir, schema string, cfg PoolConfig, c clock.Clock, log *slog.Logger) (*TenantPool, error) {
	migrations, err := ParseMigrations(schema)
	if err != nil {
		return nil, err
	}
	if cfg.MaxOpen <= 0 {
		cfg.MaxOpen = 200
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	p := &TenantPool{
		dataDir: dataDir, cfg: cfg, clock: c, migrations: migrations, log: log,
		entries: map[string]*poolEntry{}, lru: list.New(),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	go p.closeIdleLoop()
	return p, nil
}

// TenantDir is where an agency's database and files live.
func (p *TenantPool) TenantDir(agencyID string) string {
	return filepath.Join(p.dataDir, "tenants", agencyID)
}

// Create makes a new agency database from the schema and runs setup in a
// transaction on it. On any failure the directory is removed again.
func (p *TenantPool) Create(ctx context.Context, agencyID string, setup func(t *Tenant) error) (err error) {
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
	d, err := Open(filepath.Join(dir, "tenant.db"), true, p.clock)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, p.migrations); err != nil {
		return err
	}
	return setup(&Tenant{DB: d, AgencyID: agencyID, Dir: dir})
}

// Acquire returns the open database of an agency, opening it if needed.
// Call the returned release function when done with it.
func (p *TenantPool) Acquire(ctx context.Context, agencyID string) (*Tenant, func(), error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, nil, apperr.New(apperr.Unavailable, "The server is shutting down.")
	}
	e, ok := p.entries[agencyID]
	if ok {
		e.refs++
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
		return e.tenant, func() { p.release(e) }, nil
	}
	e = &poolEntry{id: agencyID, ready: make(chan struct{}), refs: 1}
	e.elem = p.lru.PushFront(e)
	p.entries[agencyID] = e
	evicted := p.evictLocked()
	p.mu.Unlock()
	p.closeAll(evicted)

	e.tenant, e.err = p.open(ctx, agencyID)
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

func (p *TenantPool) open(ctx context.Context, agencyID string) (*Tenant, error) {
	dir := p.TenantDir(agencyID)
	d, err := Open(filepath.Join(dir, "tenant.db"), false, p.clock)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, p.migrations); err != nil {
		d.Close()
		return nil, err
	}
	return &Tenant{DB: d, AgencyID: agencyID, Dir: dir}, nil
}

func (p *TenantPool) release(e *poolEntry) {
	p.mu.Lock()
	e.refs--
	e.lastUse = p.clock.Now()
	var toClose []*Tenant
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
func (p *TenantPool) evictLocked() []*Tenant {
	var out []*Tenant
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

func (p *TenantPool) removeLocked(e *poolEntry) {
	if p.entries[e.id] == e {
		delete(p.entries, e.id)
		p.lru.Remove(e.elem)
	}
}

func (p *TenantPool) closeAll(tenants []*Tenant) {
	for _, t := range tenants {
		if err := t.Close(); err != nil {
			p.log.Error("close tenant database", "agency", t.AgencyID, "err", err)
		}
	}
}

func (p *TenantPool) closeIdleLoop() {
	defer close(p.done)
	t := time.NewTicker(p.cfg.IdleTimeout / 4)
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

// CloseIdle closes every unused database idle for longer than IdleTimeout.
func (p *TenantPool) CloseIdle() {
	p.mu.Lock()
	var idle []*Tenant
	cutoff := p.clock.Now().Add(-p.cfg.IdleTimeout)
	for el := p.lru.Back(); el != nil; {
		prev := el.Prev()
		e := el.Value.(*poolEntry)
		if e.refs == 0 && e.lastUse.Before(cutoff) {
			p.removeLocked(e)
			if e.tenant != nil {
				idle = append(idle, e.tenant)
				e.tenant = nil
			}
		}
		el = prev
	}
	p.mu.Unlock()
	p.closeAll(idle)
}

// OpenCount returns the number of open agency databases.
func (p *TenantPool) OpenCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lru.Len()
}

// Close closes every database; Acquire fails afterwards. Databases still in
// use are closed by their last release.
func (p *TenantPool) Close() error {
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
