package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"
)

// Group commit. An agency's writes go through its one writer connection,
// one transaction after another, and on a busy agency most of a small
// write's cost is its commit: every page it touched written to the WAL
// with a system call each, and the locks around it. GroupTx lets the
// writes that arrive while a transaction runs share the next one: each
// write runs inside its own savepoint (undone alone if it fails), and one
// commit makes them all durable together. Nobody is told their write is
// done before that commit has returned, so what was acknowledged survives
// a kill -9 as with Tx; a crash before it loses the whole group, none of
// which was acknowledged. A write alone (no other waiting) is a plain Tx.

// groupSavepoint names the savepoint around each grouped write.
const groupSavepoint = "SAVEPOINT mm_grouped"

type groupReq struct {
	ctx   context.Context
	fn    func(tx *sql.Tx) error
	state atomic.Int32 // groupQueued, groupTaken or groupAbandoned
	done  chan error
}

const (
	groupQueued int32 = iota
	groupTaken
	groupAbandoned
)

// groupQueue is a database's waiting writes; turn holds one token, which
// the goroutine running the next group takes.
type groupQueue struct {
	mu    sync.Mutex
	queue []*groupReq
	turn  chan struct{}
}

// groups maps a database (weakly: a closed and forgotten database's entry
// goes with it) to its queue.
var groups sync.Map // weak.Pointer[DB] -> *groupQueue

func (d *DB) groupQueue() *groupQueue {
	key := weak.Make(d)
	if g, ok := groups.Load(key); ok {
		return g.(*groupQueue)
	}
	g := &groupQueue{turn: make(chan struct{}, 1)}
	g.turn <- struct{}{}
	actual, loaded := groups.LoadOrStore(key, g)
	if !loaded {
		runtime.AddCleanup(d, func(k weak.Pointer[DB]) { groups.Delete(k) }, key)
	}
	return actual.(*groupQueue)
}

// GroupTx runs fn in a write transaction like Tx, possibly together with
// other GroupTx writes to the same database (see above). fn must be one
// write that is all or nothing by itself: it may run inside a savepoint of
// a transaction that others share, so it must not commit, and its error
// undoes what it wrote and nothing else. A failure that ends the whole
// transaction (the savepoint cannot be undone, or the commit fails) fails
// every write of the group.
func (d *DB) GroupTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	g := d.groupQueue()
	r := &groupReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, r)
	g.mu.Unlock()
	select {
	case err := <-r.done:
		return err
	case <-g.turn:
		select {
		case err := <-r.done: // written by the group before ours
			g.turn <- struct{}{}
			return err
		default:
		}
		g.mu.Lock()
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		func() {
			defer func() { g.turn <- struct{}{} }()
			d.runGroup(batch)
		}()
		return <-r.done
	case <-ctx.Done():
		if r.state.CompareAndSwap(groupQueued, groupAbandoned) {
			return fmt.Errorf("db: begin: %w", ctx.Err())
		}
		return <-r.done // already being written: its outcome is the answer
	}
}

// runGroup writes the batch's writes in one transaction, one savepoint
// each, and answers each.
func (d *DB) runGroup(batch []*groupReq) {
	var live []*groupReq
	for _, r := range batch {
		if r.state.CompareAndSwap(groupQueued, groupTaken) {
			live = append(live, r)
		}
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- d.Tx(live[0].ctx, live[0].fn)
		return
	}
	// No one write's context: one caller giving up must not undo the others.
	tx, err := d.writer().BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range live {
			r.done <- fmt.Errorf("db: begin: %w", err)
		}
		return
	}
	errs := make([]error, len(live))
	answered := false
	defer func() {
		if answered {
			return
		}
		tx.Rollback()
		for _, r := range live {
			r.done <- errors.New("db: a write grouped with this one failed; nothing was written")
		}
	}()
	c := d.Cached(tx)
	for i, r := range live {
		if err := r.ctx.Err(); err != nil {
			errs[i] = fmt.Errorf("db: begin: %w", err)
			continue
		}
		if _, err := c.ExecContext(context.Background(), groupSavepoint); err != nil {
			return
		}
		if errs[i] = r.fn(tx); errs[i] != nil {
			if _, err := c.ExecContext(context.Background(), "ROLLBACK TO mm_grouped"); err != nil {
				return
			}
		}
		if _, err := c.ExecContext(context.Background(), "RELEASE mm_grouped"); err != nil {
			return
		}
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("db: commit: %w", err)
			}
		}
	}
	answered = true
	for i, r := range live {
		r.done <- errs[i]
	}
}
