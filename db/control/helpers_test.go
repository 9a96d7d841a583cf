package control_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
)

// testStart is the moment every test clock starts at.
var testStart = dbtest.Start

// engine is a database engine the tests run on.
type engine struct {
	name string
	// fresh is where a new, empty control database lives, for as long as
	// the test runs: a directory, or a postgres:// URL.
	fresh func(t testing.TB) string
}

// onEachEngine runs test once per engine, as a subtest named by it:
// SQLite, and PostgreSQL when CONTROL_TEST_POSTGRES is set.
func onEachEngine(t *testing.T, test func(t *testing.T, e engine)) {
	t.Helper()
	engines := []engine{{name: "sqlite", fresh: func(t testing.TB) string { return t.TempDir() }}}
	if server := dbtest.PostgresServer(); server != "" {
		engines = append(engines, engine{name: "postgres", fresh: func(t testing.TB) string { return dbtest.FreshPostgres(t, server) }})
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			test(t, e)
		})
	}
}

// openControl opens the control database at where, a directory or a
// postgres:// URL.
func openControl(t testing.TB, where string, c clock.Clock) (*control.Store, error) {
	t.Helper()
	if db.IsPostgresURL(where) {
		return control.OpenPostgres(context.Background(), where, dbtest.ControlSchema(t), c)
	}
	return control.Open(context.Background(), where, dbtest.ControlSchema(t), c)
}

// mustOpenControl opens the control database at where (engine.fresh),
// closed when the test ends.
func mustOpenControl(t testing.TB, where string, c clock.Clock) *control.Store {
	t.Helper()
	ctl, err := openControl(t, where, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	return ctl
}

// fixture is a control database on a clock the test moves.
type fixture struct {
	where   string
	clock   *clock.Manual
	control *control.Store
}

func mustOpenFixture(t testing.TB, e engine) *fixture {
	t.Helper()
	f := &fixture{where: e.fresh(t), clock: clock.NewManual(testStart)}
	f.control = mustOpenControl(t, f.where, f.clock)
	return f
}

// mustCreateAgency records an agency (its database is the tenant
// package's business) with its owner in the login directory.
func (f *fixture) mustCreateAgency(t testing.TB, slug string) *control.Agency {
	t.Helper()
	a, err := f.control.RecordAgency(context.Background(), uuid.NewString(), slug, "Agency "+slug, "owner@"+slug+".test")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wantCode fails the test unless err carries the apperr code.
func wantCode(t testing.TB, err error, code string) { t.Helper(); dbtest.WantCode(t, err, code) }
