package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
)

// fixture is a control database and a tenant pool in one data directory,
// on a clock the test moves.
type fixture struct {
	dir     string
	clock   *clock.Manual
	control *control.Store
	pool    *tenant.Pool
}

func mustOpenFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir(), clock: clock.NewManual(dbtest.Start)}
	var err error
	if f.control, err = control.Open(ctx, f.dir, dbtest.ControlSchema(t), f.clock); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.control.Close() })
	if f.pool, err = tenant.NewPool(f.dir, dbtest.TenantSchema(t), tenant.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, f.clock, dbtest.DiscardLog()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.pool.Close() })
	return f
}

// mustCreateAgency signs up an agency and returns it with its owner.
func (f *fixture) mustCreateAgency(t testing.TB, slug string) (*control.Agency, *tenant.User) {
	t.Helper()
	a, owner, err := app.CreateAgency(context.Background(), f.control, f.pool, app.NewAgency{
		Name: "Agency " + slug, Slug: slug, OwnerName: "Owner of " + slug,
		OwnerEmail: "owner@" + slug + ".test", OwnerPasswordHash: dbtest.Hash,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, owner
}

// mustAcquire acquires an agency's database and releases it when the test ends.
func mustAcquire(t testing.TB, pool *tenant.Pool, agencyID string) *tenant.Store {
	t.Helper()
	tn, release, err := pool.Acquire(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn
}

// tenantDirs lists the directories under DATA/tenants.
func tenantDirs(t *testing.T, dataDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dataDir, "tenants"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func newAgency(slug, email string) app.NewAgency {
	return app.NewAgency{Name: "Agency " + slug, Slug: slug, OwnerName: "Owner", OwnerEmail: email, OwnerPasswordHash: dbtest.Hash}
}

func TestCreateAgency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("the owner is the only user of the new agency", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		a, owner := f.mustCreateAgency(t, "acme")
		if got, err := f.control.AgencyBySlug(ctx, "acme"); err != nil || got.ID != a.ID {
			t.Fatalf("AgencyBySlug = %v, %v", got, err)
		}
		tn := mustAcquire(t, f.pool, a.ID)
		users, err := tn.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].ID != owner.ID || users[0].Role != tenant.RoleOwner {
			t.Fatalf("users = %+v, want only the owner", users)
		}
		found, err := f.control.AgenciesForEmail(ctx, owner.Email)
		if err != nil || len(found) != 1 || found[0].ID != a.ID {
			t.Fatalf("AgenciesForEmail = %v, %v", found, err)
		}
	})

	t.Run("a taken slug is invalid on the slug field and leaves no tenant directory", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		f.mustCreateAgency(t, "acme")
		_, _, err := app.CreateAgency(ctx, f.control, f.pool, newAgency("acme", "other@example.test"))
		dbtest.WantCode(t, err, apperr.Invalid)
		if apperr.FieldsOf(err)["slug"] == "" {
			t.Fatalf("no message on the slug field: %v", err)
		}
		if dirs := tenantDirs(t, f.dir); len(dirs) != 1 {
			t.Fatalf("tenant directories %q, want only the first agency's", dirs)
		}
	})

	t.Run("one slug signed up at once: one wins, the rest get a slug error and leave nothing", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		const attempts = 8
		errs := make([]error, attempts)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, errs[i] = app.CreateAgency(ctx, f.control, f.pool, newAgency("acme", fmt.Sprintf("owner%d@example.test", i)))
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)["slug"] == "" {
				t.Fatalf("a losing sign-up got %v, want a slug error", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d sign-ups won, want 1", won)
		}
		if dirs := tenantDirs(t, f.dir); len(dirs) != 1 {
			t.Fatalf("tenant directories %q, want only the winner's", dirs)
		}
		if n, err := f.control.AgencyCount(ctx); err != nil || n != 1 {
			t.Fatalf("AgencyCount = %d, %v", n, err)
		}
	})

	t.Run("twenty different slugs at once all succeed", func(t *testing.T) {
		t.Parallel()
		f := mustOpenFixture(t)
		const agencies = 20
		errs := make([]error, agencies)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range agencies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				slug := fmt.Sprintf("agency-%d", i)
				_, _, errs[i] = app.CreateAgency(ctx, f.control, f.pool, newAgency(slug, "owner@"+slug+".test"))
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("agency-%d: %v", i, err)
			}
		}
		if n, err := f.control.AgencyCount(ctx); err != nil || n != agencies {
			t.Fatalf("AgencyCount = %d, %v; want %d", n, err, agencies)
		}
		if dirs := tenantDirs(t, f.dir); len(dirs) != agencies {
			t.Fatalf("%d tenant directories, want %d", len(dirs), agencies)
		}
	})
}
