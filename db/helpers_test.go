package db_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db"
)

// testStart is the moment every test clock starts at.
var testStart = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// testTimeouts are the session limits the tests check against.
var testTimeouts = db.SessionTimeouts{Idle: 2 * time.Hour, Absolute: 7 * 24 * time.Hour}

// testHash stands in for a password hash: the db package stores it as given.
const testHash = "$argon2id$test-hash"

var (
	schemaOnce sync.Once
	schemaText string
	schemaErr  error
)

// mustReadSchema returns the tenant schema the binary embeds.
func mustReadSchema(t testing.TB) string {
	t.Helper()
	schemaOnce.Do(func() {
		var b []byte
		b, schemaErr = os.ReadFile("../schema.sql")
		schemaText = string(b)
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return schemaText
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mustOpenControl opens the control database in dir, closed when the test ends.
func mustOpenControl(t testing.TB, dir string, c clock.Clock) *db.Control {
	t.Helper()
	ctl, err := db.OpenControl(context.Background(), dir, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	return ctl
}

// mustOpenPool opens a tenant pool over dir with schema, closed when the test ends.
func mustOpenPool(t testing.TB, dir, schema string, cfg db.PoolConfig, c clock.Clock) *db.TenantPool {
	t.Helper()
	pool, err := db.NewTenantPool(dir, schema, cfg, c, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// mustCreateTenant creates an empty tenant database (schema only, no users).
func mustCreateTenant(t testing.TB, pool *db.TenantPool, agencyID string) {
	t.Helper()
	if err := pool.Create(context.Background(), agencyID, func(*db.Tenant) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// mustAcquire acquires a tenant and releases it when the test ends.
func mustAcquire(t testing.TB, pool *db.TenantPool, agencyID string) *db.Tenant {
	t.Helper()
	tenant, release, err := pool.Acquire(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tenant
}

// fixture is a control database and a tenant pool in one data directory,
// on a clock the test moves.
type fixture struct {
	dir     string
	clock   *clock.Manual
	control *db.Control
	pool    *db.TenantPool
}

func mustOpenFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: clock.NewManual(testStart)}
	f.control = mustOpenControl(t, f.dir, f.clock)
	f.pool = mustOpenPool(t, f.dir, mustReadSchema(t), db.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, f.clock)
	return f
}

// mustCreateAgency signs up an agency and returns it with its owner.
func (f *fixture) mustCreateAgency(t testing.TB, slug string) (*db.Agency, *db.User) {
	t.Helper()
	a, owner, err := f.control.CreateAgency(context.Background(), f.pool, db.NewAgency{
		Name: "Agency " + slug, Slug: slug, OwnerName: "Owner of " + slug,
		OwnerEmail: "owner@" + slug + ".test", OwnerPasswordHash: testHash,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, owner
}

// mustOpenAgency signs up an agency and acquires its database for the test.
func (f *fixture) mustOpenAgency(t testing.TB, slug string) (*db.Tenant, *db.User) {
	t.Helper()
	a, owner := f.mustCreateAgency(t, slug)
	return mustAcquire(t, f.pool, a.ID), owner
}

// mustAddUser adds a user of role through an accepted invite.
func mustAddUser(t testing.TB, tenant *db.Tenant, email, role string) *db.User {
	t.Helper()
	ctx := context.Background()
	token, _, err := tenant.CreateInvite(ctx, email, role, "", 24*time.Hour, db.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tenant.AcceptInvite(ctx, token, "User "+email, testHash, db.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// mustSignIn starts a session and returns its cookie token.
func mustSignIn(t testing.TB, tenant *db.Tenant, u *db.User, timeouts db.SessionTimeouts) (string, *db.Session) {
	t.Helper()
	token, s, err := tenant.SignIn(context.Background(), u, timeouts, db.Audit{ActorID: u.ID, Action: "session.signed_in"})
	if err != nil {
		t.Fatal(err)
	}
	return token, s
}

// wantCode fails the test unless err carries the apperr code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("got %s (%v), want %s", got, err, code)
	}
}

// queryInt runs a single-value query on the tenant's readers.
func queryInt(t testing.TB, tenant *db.Tenant, query string, args ...any) int {
	t.Helper()
	var n int
	if err := tenant.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
