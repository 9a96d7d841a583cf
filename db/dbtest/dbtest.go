// Package dbtest holds what the tests of the database packages share: the
// schemas at the repository's root, a fixed start time, a stand-in password
// hash, error checks and fresh PostgreSQL databases. Only tests import it.
package dbtest

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
)

// Start is the moment every test clock starts at.
var Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Hash stands in for a password hash: the stores keep it as given.
const Hash = "$argon2id$test-hash"

var (
	schemaMu sync.Mutex
	schemas  = map[string]string{}
)

// TenantSchema returns the agency database's schema, schema.sql at the
// repository's root, which the binary embeds.
func TenantSchema(t testing.TB) string { t.Helper(); return rootFile(t, "schema.sql") }

// ControlSchema returns the control database's schema, control.sql at the
// repository's root, which the binary embeds.
func ControlSchema(t testing.TB) string { t.Helper(); return rootFile(t, "control.sql") }

// rootFile reads a file at the repository's root, found from this file's
// own place in it (db/dbtest), whichever package's test asks.
func rootFile(t testing.TB, name string) string {
	t.Helper()
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemas[name]; ok {
		return s
	}
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("dbtest: cannot tell where the repository is")
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	schemas[name] = string(b)
	return string(b)
}

// DiscardLog is a logger that writes nowhere.
func DiscardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// WantCode fails the test unless err carries the apperr code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("got %s (%v), want %s", got, err, code)
	}
}
