package control_test

import (
	"context"
	"testing"

	"mintedmind/clock"
)

func TestServeBaseURL(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dir := e.fresh(t)
		ctl := mustOpenControl(t, dir, clock.NewManual(testStart))

		t.Run("none before the server has started", func(t *testing.T) {
			if got, err := ctl.ServeBaseURL(ctx); err != nil || got != "" {
				t.Fatalf("ServeBaseURL = %q, %v; want empty", got, err)
			}
		})
		t.Run("the last recorded one is returned", func(t *testing.T) {
			for _, u := range []string{"http://localhost:8080", "https://crm.example.com"} {
				if err := ctl.RecordServeBaseURL(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := ctl.ServeBaseURL(ctx); err != nil || got != "https://crm.example.com" {
				t.Fatalf("ServeBaseURL = %q, %v", got, err)
			}
		})
		t.Run("it outlives a reopen", func(t *testing.T) {
			again := mustOpenControl(t, dir, clock.NewManual(testStart))
			if got, err := again.ServeBaseURL(ctx); err != nil || got != "https://crm.example.com" {
				t.Fatalf("after reopening: %q, %v", got, err)
			}
		})
	})
}
