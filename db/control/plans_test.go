package control_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/control"
)

func TestPlans(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		f := mustOpenFixture(t, e)
		c := f.control
		t.Run("the defaults are created once", func(t *testing.T) {
			for i := 0; i < 2; i++ {
				if err := c.EnsureDefaultPlans(ctx); err != nil {
					t.Fatal(err)
				}
			}
			plans, _ := c.Plans(ctx)
			if len(plans) != 3 || plans[0].Name != "Free" || plans[1].Name != "Starter" || !plans[1].IsDefault || plans[0].Priced() {
				t.Fatalf("%d plans: %+v", len(plans), plans)
			}
			if priced, _ := c.AnyPricedPlan(ctx); !priced {
				t.Fatal("no priced plan")
			}
		})
		t.Run("bad input gets a message per field", func(t *testing.T) {
			err := c.CreatePlan(ctx, &control.Plan{Name: " ", Currency: "eur", MonthlyPrice: -1, StaffSeats: -2, TrialDays: 400})
			fields := apperr.FieldsOf(err)
			for _, k := range []string{"name", "currency", "monthly_price", "staff_seats", "trial_days"} {
				if fields[k] == "" {
					t.Errorf("no message for %s: %v", k, fields)
				}
			}
			err = c.CreatePlan(ctx, &control.Plan{Name: "Pro", Currency: "EUR"})
			if apperr.FieldsOf(err)["name"] != "A plan with this name already exists." {
				t.Fatalf("%v", err)
			}
		})
		t.Run("one default plan at a time", func(t *testing.T) {
			p := &control.Plan{Name: "Agency", Currency: "EUR", MonthlyPrice: 9900, IsDefault: true}
			if err := c.CreatePlan(ctx, p); err != nil {
				t.Fatal(err)
			}
			def, _ := c.DefaultPlan(ctx)
			plans, _ := c.Plans(ctx)
			n := 0
			for _, q := range plans {
				if q.IsDefault {
					n++
				}
			}
			if def.ID != p.ID || n != 1 {
				t.Fatalf("default %s, %d defaults", def.Name, n)
			}
			p.Name = "Agency Plus"
			if err := c.UpdatePlan(ctx, p); err != nil {
				t.Fatal(err)
			}
			if got, _ := c.PlanByID(ctx, p.ID); got.Name != "Agency Plus" {
				t.Fatalf("%+v", got)
			}
			if err := c.UpdatePlan(ctx, &control.Plan{ID: "nope", Name: "X", Currency: "EUR"}); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("%v", err)
			}
		})
		t.Run("a period from the 31st ends on the last day of a short month", func(t *testing.T) {
			a := f.mustCreateAgency(t, "month-end")
			f.clock.Set(time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC))
			free, _ := c.Plans(ctx)
			if err := c.StartSubscription(ctx, a.ID, free[0]); err != nil {
				t.Fatal(err)
			}
			s, _ := c.Subscription(ctx, a.ID)
			if want := time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC); s.Status != control.AgencyActive || !s.PeriodEnd.Equal(want) {
				t.Fatalf("%+v", s)
			}
		})
	})
}
