package app_test

import (
	"context"
	"testing"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

func TestAgencyLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "lifecycle")
	tn, release, err := f.pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Kept Client", Kind: "person"}, tenant.Audit{Action: "client.created"}); err != nil {
		t.Fatal(err)
	}
	release()
	reload := func() *control.Agency {
		t.Helper()
		got, err := f.control.AgencyByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	move := func(action, want string) {
		t.Helper()
		to, err := app.AgencyLifecycle(ctx, f.control, f.pool, reload(), action)
		if err != nil || to != want || reload().Status != want {
			t.Fatalf("%s: %q, %v (status %s)", action, to, err, reload().Status)
		}
	}

	t.Run("an unknown action is invalid and changes nothing", func(t *testing.T) {
		_, err := app.AgencyLifecycle(ctx, f.control, f.pool, reload(), "explode")
		if apperr.FieldsOf(err)["action"] != "Choose an action." || reload().Status != a.Status {
			t.Fatalf("%v, status %s", err, reload().Status)
		}
	})
	t.Run("an agency that is not archived is not restored", func(t *testing.T) {
		_, err := app.AgencyLifecycle(ctx, f.control, f.pool, reload(), "restore")
		if !apperr.Is(err, apperr.Conflict) || reload().Status != a.Status {
			t.Fatalf("%v, status %s", err, reload().Status)
		}
	})
	t.Run("archived, its data is packed away; restored, it is back", func(t *testing.T) {
		move("archive", control.AgencyArchived)
		if dirs := tenantDirs(t, f.dir); len(dirs) != 0 {
			t.Fatalf("the agency's database is still in place: %v", dirs)
		}
		_, err := app.AgencyLifecycle(ctx, f.control, f.pool, reload(), "activate")
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("an archived agency activated without restoring it: %v", err)
		}
		move("restore", control.AgencyActive)
		tn := mustAcquire(t, f.pool, a.ID)
		if u, err := tn.PlanUsage(ctx); err != nil || u.Clients != 1 {
			t.Fatalf("after the restore: %+v, %v", u, err)
		}
	})
}
