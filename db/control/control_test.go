package control_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
)

func TestSecretKey(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()

		t.Run("the key is stable across calls and reopening", func(t *testing.T) {
			dir := e.fresh(t)
			c := clock.NewManual(testStart)
			first, err := openControl(t, dir, c)
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
			ctl := mustOpenControl(t, e.fresh(t), clock.NewManual(testStart))
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
	})
}

func TestSetupTokens(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		open := func(t *testing.T) (*control.Store, *clock.Manual) {
			t.Helper()
			c := clock.NewManual(testStart)
			return mustOpenControl(t, e.fresh(t), c), c
		}
		mustToken := func(t *testing.T, ctl *control.Store, kind string) string {
			t.Helper()
			token, err := ctl.CreateSetupToken(ctx, kind, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		createOperator := func(ctl *control.Store, token, email string) error {
			_, err := ctl.CreateOperator(ctx, token, email, "Operator", dbtest.Hash)
			return err
		}

		t.Run("a first-run token is refused once an operator exists", func(t *testing.T) {
			ctl, _ := open(t)
			firstRun := mustToken(t, ctl, control.SetupFirstRun)
			if err := createOperator(ctl, mustToken(t, ctl, control.SetupCLI), "cli@example.test"); err != nil {
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
			if err := createOperator(ctl, mustToken(t, ctl, control.SetupFirstRun), "first@example.test"); err != nil {
				t.Fatal(err)
			}
			cli := mustToken(t, ctl, control.SetupCLI)
			if err := ctl.CheckSetupToken(ctx, cli); err != nil {
				t.Fatal(err)
			}
			if err := createOperator(ctl, cli, "second@example.test"); err != nil {
				t.Fatal(err)
			}
		})

		for _, kind := range []string{control.SetupFirstRun, control.SetupCLI} {
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
			token := mustToken(t, ctl, control.SetupCLI)
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
	})
}
