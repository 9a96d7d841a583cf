package control_test

import (
	"context"
	"testing"

	"mintedmind/clock"
)

// TestLeadsCluster: on SQLite every store leads; on PostgreSQL exactly one
// of two machines sharing the database does, the other takes over when the
// leader closes its store, and a leader whose session the server ended
// (a machine cut off or dead) loses the lead to the other.
func TestLeadsCluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, e engine) {
		where := e.fresh(t)
		clk := clock.NewManual(testStart)
		a := mustOpenControl(t, where, clk)
		b, err := openControl(t, where, clk)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		leads := func(name string, s interface {
			LeadsCluster(context.Context) (bool, error)
		}) bool {
			t.Helper()
			ok, err := s.LeadsCluster(ctx)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return ok
		}
		if e.name == "sqlite" {
			if !leads("a", a) || !leads("b", b) {
				t.Fatal("a SQLite store does not lead")
			}
			return
		}
		if !leads("a", a) {
			t.Fatal("the first machine to ask does not lead")
		}
		for i := 0; i < 3; i++ {
			if leads("b", b) {
				t.Fatal("two machines lead")
			}
			if !leads("a", a) {
				t.Fatal("the leader lost the lead while alive")
			}
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if !leads("b", b) {
			t.Fatal("the other machine did not take over when the leader closed")
		}

		// b's lock session ended by the server, as when its machine is cut
		// off: a third machine takes over, and b no longer leads.
		c := mustOpenControl(t, where, clk)
		if leads("c", c) {
			t.Fatal("c leads beside b")
		}
		if _, err := c.Write().ExecContext(ctx, `SELECT pg_terminate_backend(pid, 30000) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
			t.Fatal(err)
		}
		if !leads("c", c) {

			t.Fatal("c did not take over from a machine that lost its session")
		}
		if ok, _ := b.LeadsCluster(ctx); ok {
			t.Fatal("b still leads after losing its session")
		}
	})
}
