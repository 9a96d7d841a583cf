package control_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
)

// testStart is the moment every test clock starts at.
var testStart = dbtest.Start

// mustOpenControl opens the control database in dir, closed when the test ends.
func mustOpenControl(t testing.TB, dir string, c clock.Clock) *control.Store {
	t.Helper()
	ctl, err := control.Open(context.Background(), dir, dbtest.ControlSchema(t), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	return ctl
}

// fixture is a control database on a clock the test moves.
type fixture struct {
	dir     string
	clock   *clock.Manual
	control *control.Store
}

func mustOpenFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: clock.NewManual(testStart)}
	f.control = mustOpenControl(t, f.dir, f.clock)
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
