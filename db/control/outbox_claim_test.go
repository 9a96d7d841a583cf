package control_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"mintedmind/db/control"
)

func TestClaimDueEmails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	queue := func(t *testing.T, f *fixture, n int) {
		t.Helper()
		for i := range n {
			if _, err := f.control.QueueEmail(ctx, "", fmt.Sprintf("p%d@example.test", i), "Hello", "Body"); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(emails []*control.Email) []string {
		out := make([]string, len(emails))
		for i, e := range emails {
			out[i] = e.ID
		}
		return out
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		t.Run("due emails are claimed, at most limit of them", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			queue(t, f, 5)
			got, err := f.control.ClaimDueEmails(ctx, 3, time.Hour)
			if err != nil || len(got) != 3 {
				t.Fatalf("claimed %d (%v), want 3", len(got), err)
			}
			if got[0].Status != control.EmailPending || got[0].To == "" {
				t.Fatalf("claimed %+v", got[0])
			}
		})

		t.Run("an email marked sent is not claimed again", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			queue(t, f, 1)
			got, _ := f.control.ClaimDueEmails(ctx, 10, time.Hour)
			if len(got) != 1 {
				t.Fatalf("claimed %d, want 1", len(got))
			}
			if err := f.control.MarkEmail(ctx, got[0].ID, control.EmailSent, "", f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(2 * time.Hour)
			if again, err := f.control.ClaimDueEmails(ctx, 10, time.Hour); err != nil || len(again) != 0 {
				t.Fatalf("claimed %v (%v) after it was sent", ids(again), err)
			}
		})

		if e.name == "sqlite" {
			t.Run("on SQLite a claimed email stays due until marked, as before", func(t *testing.T) {
				f := mustOpenFixture(t, e)
				queue(t, f, 1)
				first, _ := f.control.ClaimDueEmails(ctx, 10, time.Hour)
				second, _ := f.control.ClaimDueEmails(ctx, 10, time.Hour)
				if len(first) != 1 || len(second) != 1 || first[0].ID != second[0].ID {
					t.Fatalf("claims %v then %v, want the same email twice", ids(first), ids(second))
				}
			})
			return
		}

		t.Run("a claimed email is nobody else's until its lease ends", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			other := mustOpenControl(t, f.where, f.clock) // a second machine
			queue(t, f, 1)
			first, _ := f.control.ClaimDueEmails(ctx, 10, time.Hour)
			if len(first) != 1 {
				t.Fatalf("claimed %d, want 1", len(first))
			}
			f.clock.Advance(time.Hour - time.Second)
			if got, err := other.ClaimDueEmails(ctx, 10, time.Hour); err != nil || len(got) != 0 {
				t.Fatalf("another machine claimed %v (%v) within the lease", ids(got), err)
			}
			f.clock.Advance(time.Second)
			if got, err := other.ClaimDueEmails(ctx, 10, time.Hour); err != nil || len(got) != 1 || got[0].ID != first[0].ID {
				t.Fatalf("after the lease another machine claimed %v (%v), want %s", ids(got), err, first[0].ID)
			}
		})

		t.Run("two machines claiming at once get disjoint emails, all of them", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			machines := []*control.Store{f.control, mustOpenControl(t, f.where, f.clock)}
			const emails = 200
			queue(t, f, emails)
			claimed := make([][]string, len(machines))
			errs := make([]error, len(machines))
			var wg sync.WaitGroup
			for m, ctl := range machines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						got, err := ctl.ClaimDueEmails(ctx, 3, time.Hour)
						if err != nil || len(got) == 0 {
							errs[m] = err
							return
						}
						claimed[m] = append(claimed[m], ids(got)...)
					}
				}()
			}
			wg.Wait()
			by := map[string]int{}
			for m := range machines {
				if errs[m] != nil {
					t.Fatal(errs[m])
				}
				for _, id := range claimed[m] {
					if prev, twice := by[id]; twice {
						t.Fatalf("email %s claimed by machine %d and machine %d", id, prev, m)
					}
					by[id] = m
				}
			}
			if len(by) != emails || len(claimed[0]) == 0 || len(claimed[1]) == 0 {
				t.Fatalf("claimed %d of %d emails (%d and %d), want all, by both machines", len(by), emails, len(claimed[0]), len(claimed[1]))
			}
		})
	})
}
