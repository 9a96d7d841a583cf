package db_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db"
)

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

func newAgency(slug, email string) db.NewAgency {
	return db.NewAgency{Name: "Agency " + slug, Slug: slug, OwnerName: "Owner", OwnerEmail: email, OwnerPasswordHash: testHash}
}

func TestCreateAgency(t *testing.T) {
	ctx := context.Background()

	t.Run("the owner is the only user of the new agency", func(t *testing.T) {
		f := mustOpenFixture(t)
		a, owner := f.mustCreateAgency(t, "acme")
		if got, err := f.control.AgencyBySlug(ctx, "acme"); err != nil || got.ID != a.ID {
			t.Fatalf("AgencyBySlug = %v, %v", got, err)
		}
		tenant := mustAcquire(t, f.pool, a.ID)
		users, err := tenant.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].ID != owner.ID || users[0].Role != db.RoleOwner {
			t.Fatalf("users = %+v, want only the owner", users)
		}
		found, err := f.control.AgenciesForEmail(ctx, owner.Email)
		if err != nil || len(found) != 1 || found[0].ID != a.ID {
			t.Fatalf("AgenciesForEmail = %v, %v", found, err)
		}
	})

	t.Run("a taken slug is invalid on the slug field and leaves no tenant directory", func(t *testing.T) {
		f := mustOpenFixture(t)
		f.mustCreateAgency(t, "acme")
		_, _, err := f.control.CreateAgency(ctx, f.pool, newAgency("acme", "other@example.test"))
		wantCode(t, err, apperr.Invalid)
		if apperr.FieldsOf(err)["slug"] == "" {
			t.Fatalf("no message on the slug field: %v", err)
		}
		if dirs := tenantDirs(t, f.dir); len(dirs) != 1 {
			t.Fatalf("tenant directories %q, want only the first agency's", dirs)
		}
	})

	t.Run("one slug signed up at once: one wins, the rest get a slug error and leave nothing", func(t *testing.T) {
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
				_, _, errs[i] = f.control.CreateAgency(ctx, f.pool, newAgency("acme", fmt.Sprintf("owner%d@example.test", i)))
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
				_, _, errs[i] = f.control.CreateAgency(ctx, f.pool, newAgency(slug, "owner@"+slug+".test"))
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

func TestSecretKey(t *testing.T) {
	ctx := context.Background()

	t.Run("the key is stable across calls and reopening", func(t *testing.T) {
		dir := t.TempDir()
		c := clock.NewManual(testStart)
		first, err := db.OpenControl(ctx, dir, c)
		if err != nil {
			t.Fatal(err)
		}
		k1, err := first.SecretKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := first.SecretKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first.Close()
		k3, err := mustOpenControl(t, dir, c).SecretKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(k1) != 32 || !bytes.Equal(k1, k2) || !bytes.Equal(k1, k3) {
			t.Fatalf("keys differ or are not 32 bytes: %x %x %x", k1, k2, k3)
		}
	})

	t.Run("concurrent first calls agree on one key", func(t *testing.T) {
		ctl := mustOpenControl(t, t.TempDir(), clock.NewManual(testStart))
		keys := make([][]byte, 10)
		errs := make([]error, len(keys))
		var wg sync.WaitGroup
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys[i], errs[i] = ctl.SecretKey(ctx)
			}()
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !bytes.Equal(keys[i], keys[0]) {
				t.Fatalf("key %d differs: %x vs %x", i, keys[i], keys[0])
			}
		}
	})
}

func TestSetupTokens(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T) (*db.Control, *clock.Manual) {
		t.Helper()
		c := clock.NewManual(testStart)
		return mustOpenControl(t, t.TempDir(), c), c
	}
	mustToken := func(t *testing.T, ctl *db.Control, kind string) string {
		t.Helper()
		token, err := ctl.CreateSetupToken(ctx, kind, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	createOperator := func(ctl *db.Control, token, email string) error {
		_, err := ctl.CreateOperator(ctx, token, email, "Operator", testHash)
		return err
	}

	t.Run("a first-run token is refused once an operator exists", func(t *testing.T) {
		ctl, _ := open(t)
		firstRun := mustToken(t, ctl, db.SetupFirstRun)
		if err := createOperator(ctl, mustToken(t, ctl, db.SetupCLI), "cli@example.test"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, ctl.CheckSetupToken(ctx, firstRun), apperr.NotFound)
		wantCode(t, createOperator(ctl, firstRun, "late@example.test"), apperr.NotFound)
		if n, _ := ctl.OperatorCount(ctx); n != 1 {
			t.Fatalf("OperatorCount = %d, want 1", n)
		}
	})

	t.Run("a cli token works while operators exist", func(t *testing.T) {
		ctl, _ := open(t)
		if err := createOperator(ctl, mustToken(t, ctl, db.SetupFirstRun), "first@example.test"); err != nil {
			t.Fatal(err)
		}
		cli := mustToken(t, ctl, db.SetupCLI)
		if err := ctl.CheckSetupToken(ctx, cli); err != nil {
			t.Fatal(err)
		}
		if err := createOperator(ctl, cli, "second@example.test"); err != nil {
			t.Fatal(err)
		}
	})

	for _, kind := range []string{db.SetupFirstRun, db.SetupCLI} {
		t.Run("a "+kind+" token works once", func(t *testing.T) {
			ctl, _ := open(t)
			token := mustToken(t, ctl, kind)
			if err := createOperator(ctl, token, "one@example.test"); err != nil {
				t.Fatal(err)
			}
			wantCode(t, ctl.CheckSetupToken(ctx, token), apperr.NotFound)
			wantCode(t, createOperator(ctl, token, "two@example.test"), apperr.NotFound)
		})
	}

	t.Run("a token works until it expires", func(t *testing.T) {
		ctl, c := open(t)
		token := mustToken(t, ctl, db.SetupCLI)
		c.Advance(time.Hour - time.Second)
		if err := ctl.CheckSetupToken(ctx, token); err != nil {
			t.Fatalf("refused a second before expiry: %v", err)
		}
		c.Advance(time.Second)
		wantCode(t, ctl.CheckSetupToken(ctx, token), apperr.NotFound)
		wantCode(t, createOperator(ctl, token, "late@example.test"), apperr.NotFound)
		if n, _ := ctl.OperatorCount(ctx); n != 0 {
			t.Fatalf("OperatorCount = %d, want 0", n)
		}
	})

	t.Run("an unknown token is refused", func(t *testing.T) {
		ctl, _ := open(t)
		wantCode(t, ctl.CheckSetupToken(ctx, "no-such-token"), apperr.NotFound)
	})
}
