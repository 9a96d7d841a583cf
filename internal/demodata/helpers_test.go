package demodata_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// mustOpenAgency makes an agency's database with its owner in a pool of
// its own, closed when the test ends.
func mustOpenAgency(t *testing.T, slug string) (*tenant.Store, *tenant.User) {
	t.Helper()
	ctx := context.Background()
	pool, err := tenant.NewPool(t.TempDir(), dbtest.TenantSchema(t), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(dbtest.Start), dbtest.DiscardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	id := uuid.NewString()
	owner, err := pool.CreateWithOwner(ctx, id, slug, tenant.NewOwner{Email: "owner@" + slug + ".test", Name: "Owner of " + slug, PasswordHash: dbtest.Hash})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn, owner
}

// mustAddUser adds a user of role through an accepted invite.
func mustAddUser(t *testing.T, tn *tenant.Store, email, role string) *tenant.User {
	t.Helper()
	ctx := context.Background()
	token, _, err := tn.CreateInvite(ctx, email, role, "", 24*time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tn.AcceptInvite(ctx, token, "User "+email, dbtest.Hash, tenant.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// queryInt runs a single-value query on the agency's readers.
func queryInt(t *testing.T, tn *tenant.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func wantCode(t *testing.T, err error, code string) { t.Helper(); dbtest.WantCode(t, err, code) }
