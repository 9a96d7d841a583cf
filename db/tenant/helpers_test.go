package tenant_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// testStart is the moment every test clock starts at.
var testStart = dbtest.Start

// testTimeouts are the session limits the tests check against.
var testTimeouts = auth.SessionTimeouts{Idle: 2 * time.Hour, Absolute: 7 * 24 * time.Hour}

// testHash stands in for a password hash: the store keeps it as given.
const testHash = dbtest.Hash

// mustReadSchema returns the tenant schema the binary embeds.
func mustReadSchema(t testing.TB) string { t.Helper(); return dbtest.TenantSchema(t) }

func discardLog() *slog.Logger { return dbtest.DiscardLog() }

// mustOpenPool opens a tenant pool over dir with schema, closed when the test ends.
func mustOpenPool(t testing.TB, dir, schema string, cfg tenant.PoolConfig, c clock.Clock) *tenant.Pool {
	t.Helper()
	pool, err := tenant.NewPool(dir, schema, cfg, c, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// mustCreateTenant creates an empty tenant database (schema only, no users).
func mustCreateTenant(t testing.TB, pool *tenant.Pool, agencyID string) {
	t.Helper()
	if err := pool.Create(context.Background(), agencyID, func(*tenant.Store) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// mustAcquire acquires a tenant and releases it when the test ends.
func mustAcquire(t testing.TB, pool *tenant.Pool, agencyID string) *tenant.Store {
	t.Helper()
	tn, release, err := pool.Acquire(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn
}

// fixture is a tenant pool in a data directory, on a clock the test moves.
type fixture struct {
	dir   string
	clock *clock.Manual
	pool  *tenant.Pool
}

func mustOpenFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: clock.NewManual(testStart)}
	f.pool = mustOpenPool(t, f.dir, mustReadSchema(t), tenant.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, f.clock)
	return f
}

// mustOpenAgency creates an agency's database with its owner (as a
// sign-up does) and acquires it for the test.
func (f *fixture) mustOpenAgency(t testing.TB, slug string) (*tenant.Store, *tenant.User) {
	t.Helper()
	id := uuid.NewString()
	owner, err := f.pool.CreateWithOwner(context.Background(), id, slug, tenant.NewOwner{
		Email: "owner@" + slug + ".test", Name: "Owner of " + slug, PasswordHash: testHash,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mustAcquire(t, f.pool, id), owner
}

// mustAddUser adds a user of role through an accepted invite.
func mustAddUser(t testing.TB, tn *tenant.Store, email, role string) *tenant.User {
	t.Helper()
	ctx := context.Background()
	token, _, err := tn.CreateInvite(ctx, email, role, "", 24*time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tn.AcceptInvite(ctx, token, "User "+email, testHash, tenant.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// mustSignIn starts a session and returns its cookie token.
func mustSignIn(t testing.TB, tn *tenant.Store, u *tenant.User, timeouts auth.SessionTimeouts) (string, *auth.Session) {
	t.Helper()
	token, s, err := tn.SignIn(context.Background(), u, timeouts, tenant.Audit{ActorID: u.ID, Action: "session.signed_in"})
	if err != nil {
		t.Fatal(err)
	}
	return token, s
}

// wantCode fails the test unless err carries the apperr code.
func wantCode(t testing.TB, err error, code string) { t.Helper(); dbtest.WantCode(t, err, code) }

// queryInt runs a single-value query on the tenant's readers.
func queryInt(t testing.TB, tn *tenant.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
