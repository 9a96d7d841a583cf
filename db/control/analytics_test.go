package control_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/control"
)

// TestPageViewsAreCountedInMemory checks that page views counted in memory
// all reach the database: in one write once the interval has passed, before
// any read, and when the database closes.
func TestPageViewsAreCountedInMemory(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dir := e.fresh(t)
		clk := clock.NewManual(testStart)
		ctl, err := openControl(t, dir, clk)
		if err != nil {
			t.Fatal(err)
		}
		stored := func(t *testing.T, c *control.Store) int64 {
			t.Helper()
			var n int64
			if err := c.Read().QueryRowContext(ctx, `SELECT COALESCE(SUM(views), 0) FROM analytics_page_views`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var wg sync.WaitGroup
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := ctl.RecordPageView(ctx, "/a/:slug/cases", i%10 == 0); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := stored(t, ctl); n != 0 {
			t.Fatalf("%d views written before the interval passed, want them still in memory", n)
		}

		clk.Advance(11 * time.Second)
		if err := ctl.RecordPageView(ctx, "/a/:slug/clients", false); err != nil {
			t.Fatal(err)
		}
		if n := stored(t, ctl); n != 101 {
			t.Fatalf("%d views written after the interval, want 101", n)
		}

		ctl.RecordPageView(ctx, "/a/:slug/cases", false)
		days, err := ctl.AnalyticsDays(ctx, testStart, testStart)
		if err != nil || len(days) != 1 || days[0].Views != 102 || days[0].Visitors != 10 {
			t.Fatalf("a read sees %+v (%v), want 102 views and 10 visitors", days, err)
		}

		ctl.RecordPageView(ctx, "/a/:slug/cases", true)
		if err := ctl.Close(); err != nil {
			t.Fatal(err)
		}
		ctl, err = openControl(t, dir, clk)
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		days, err = ctl.AnalyticsDays(ctx, testStart, testStart)
		if err != nil || days[0].Views != 103 || days[0].Visitors != 11 {
			t.Fatalf("after a close and reopen %+v (%v), want 103 views and 11 visitors", days, err)
		}
	})
}
