package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/dbtest"
)

func mustOpenGroupDB(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "group.db"), true, clock.NewManual(dbtest.Start))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Write().Exec(`CREATE TABLE rows (n INTEGER PRIMARY KEY); CREATE TABLE counter (v INTEGER NOT NULL); INSERT INTO counter VALUES (0)`); err != nil {
		t.Fatal(err)
	}
	return d
}

// Writes that wait while another runs share the next transaction, one
// savepoint each: a failing one is undone alone, the others are written,
// and a number drawn inside a failed write is given again (gapless).
func TestGroupTxSharesACommitAndUndoesOnlyTheFailedWrite(t *testing.T) {
	t.Parallel()
	d := mustOpenGroupDB(t)
	ctx := context.Background()
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- d.GroupTx(ctx, func(tx *sql.Tx) error {
			close(held)
			<-hold // the writer is busy: the writes below queue up
			_, err := tx.Exec(`INSERT INTO rows (n) VALUES (0)`)
			return err
		})
	}()
	<-held
	var mu sync.Mutex
	txs := map[*sql.Tx]int{}
	numbers := map[int]int64{}
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.GroupTx(ctx, func(tx *sql.Tx) error {
				var v int64
				if err := tx.QueryRow(`UPDATE counter SET v = v + 1 RETURNING v`).Scan(&v); err != nil {
					return err
				}
				if _, err := tx.Exec(`INSERT INTO rows (n) VALUES (?)`, 100+i); err != nil {
					return err
				}
				mu.Lock()
				txs[tx]++
				numbers[i] = v
				mu.Unlock()
				if i%3 == 0 {
					return fmt.Errorf("write %d refused", i)
				}
				return nil
			})
		}()
	}
	for db.GroupQueued(d) < 10 { // let them queue
		runtime.Gosched()
	}
	close(hold)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if (err != nil) != (i%3 == 0) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if len(txs) != 1 {
		t.Errorf("the ten waiting writes ran in %d transactions, want one", len(txs))
	}
	var n, v int
	if err := d.Read().QueryRow(`SELECT COUNT(*), (SELECT v FROM counter) FROM rows WHERE n >= 100`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != 6 || v != 6 {
		t.Errorf("%d grouped rows written and the counter at %d, want 6 and 6 (the refused writes 0, 3, 6 and 9 undone)", n, v)
	}
	var bad int
	if err := d.Read().QueryRow(`SELECT COUNT(*) FROM rows WHERE n IN (100, 103, 106, 109)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d refused writes stored (%v)", bad, err)
	}
}

// A write whose caller gave up before its turn is not written; a write
// alone is a plain transaction.
func TestGroupTxAbandonedAndAlone(t *testing.T) {
	t.Parallel()
	d := mustOpenGroupDB(t)
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- d.GroupTx(context.Background(), func(tx *sql.Tx) error {
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := d.GroupTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO rows (n) VALUES (1)`)
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("abandoned write: %v, want the deadline", err)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := d.GroupTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO rows (n) VALUES (2)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var got []int
	rows, err := d.Read().Query(`SELECT n FROM rows ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		rows.Scan(&n)
		got = append(got, n)
	}
	if fmt.Sprint(got) != "[2]" {
		t.Errorf("rows %v, want [2]: the abandoned write is not written", got)
	}
}

// A group whose commit fails reports the failure to every write in it, the
// ones that succeeded in their savepoints too: none was written. (A
// deferred foreign key is checked only at COMMIT, so one write's orphan row
// fails the commit of all.)
func TestGroupTxFailedCommitFailsEveryWrite(t *testing.T) {
	t.Parallel()
	d := mustOpenGroupDB(t)
	if _, err := d.Write().Exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- d.GroupTx(ctx, func(tx *sql.Tx) error {
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.GroupTx(ctx, func(tx *sql.Tx) error {
				if i == 1 {
					_, err := tx.Exec(`INSERT INTO child (p) VALUES (42)`) // no parent 42
					return err
				}
				_, err := tx.Exec(`INSERT INTO rows (n) VALUES (?)`, 200+i)
				return err
			})
		}()
	}
	for db.GroupQueued(d) < 3 {
		runtime.Gosched()
	}
	close(hold)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	d.Write().Exec(`ROLLBACK`) // SQLite keeps a transaction whose COMMIT failed a constraint open
	for i, err := range errs {
		if err == nil {
			t.Errorf("write %d reported done, but its group's commit failed", i)
		}
	}
	var n int
	if err := d.Read().QueryRow(`SELECT (SELECT COUNT(*) FROM rows WHERE n >= 200) + (SELECT COUNT(*) FROM child)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows of the failed group stored (%v), want 0", n, err)
	}
}
