package app_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/files/filestest"
)

func TestPlanRefusal(t *testing.T) {
	t.Parallel()
	small := &control.Plan{Name: "Small", StaffSeats: 2, MaxClients: 10, StorageBytes: 1 << 20}
	for _, tc := range []struct {
		name  string
		usage tenant.Usage
		want  string
	}{
		{"at every limit it fits", tenant.Usage{Staff: 2, Clients: 10, StorageBytes: 1 << 20}, ""},
		{"one seat over", tenant.Usage{Staff: 3}, "Small allows 2 staff seats and you have 3 (pending invitations included). Remove staff or withdraw invitations first."},
		{"one client over", tenant.Usage{Clients: 11}, "Small allows 10 clients and you have 11. Archive or remove clients first."},
		{"storage over", tenant.Usage{StorageBytes: 2 << 20}, "Small allows 1 MiB of documents and you use 2 MiB. Delete documents (and empty the trash) first."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := app.PlanRefusal(small, tc.usage); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
	if got := app.PlanRefusal(&control.Plan{Name: "Unlimited"}, tenant.Usage{Staff: 1e6, Clients: 1e6, StorageBytes: 1 << 50}); got != "" {
		t.Fatalf("a plan without limits refused: %q", got)
	}
}

// mustPlan creates a priced plan p (plans apply only where one has a
// price) and puts agency a on it, unless a is nil.
func (f *fixture) mustPlan(t *testing.T, a *control.Agency, p control.Plan) *control.Plan {
	t.Helper()
	ctx := context.Background()
	p.MonthlyPrice, p.Currency = 500, "EUR"
	if err := f.control.CreatePlan(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if a == nil {
		return &p
	}
	if err := f.control.SetAgencyPlan(ctx, a.ID, p.ID, control.IntervalMonth); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestChangePlanRefusesWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "change-plan")
	tn := mustAcquire(t, f.pool, a.ID)
	f.mustPlan(t, a, control.Plan{Name: "Roomy"})
	for i := range 3 {
		if _, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: fmt.Sprintf("Client %d", i), Kind: "person"}, tenant.Audit{Action: "client.created"}); err != nil {
			t.Fatal(err)
		}
	}
	plans := &app.Plans{Control: f.control}
	tight := f.mustPlan(t, nil, control.Plan{Name: "Tight", MaxClients: 2})
	_, err := plans.ChangePlan(ctx, a, tn, tight, control.IntervalMonth)
	if !apperr.Is(err, apperr.Conflict) || apperr.MessageOf(err) != "You can't move to Tight yet: Tight allows 2 clients and you have 3. Archive or remove clients first." {
		t.Fatalf("%v", err)
	}
	fits := f.mustPlan(t, nil, control.Plan{Name: "Fits", MaxClients: 3})
	if _, err := plans.ChangePlan(ctx, a, tn, fits, control.IntervalMonth); err != nil {
		t.Fatalf("a plan the agency fits: %v", err)
	}
}

// TestChangePlanAndTheWritesItLimitsDoNotInterleave moves agencies to a
// plan with fewer clients, at once (an upgrade in price), while 20
// requests add clients: whichever order they commit in, an agency that
// moved is within its new plan.
func TestChangePlanAndTheWritesItLimitsDoNotInterleave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	plans := &app.Plans{Control: f.control}
	premium := control.Plan{Name: "Premium", MaxClients: 5, MonthlyPrice: 900, Currency: "EUR"}
	if err := f.control.CreatePlan(ctx, &premium); err != nil {
		t.Fatal(err)
	}
	roomy := f.mustPlan(t, nil, control.Plan{Name: "Roomy"})
	onRoomy := func(t *testing.T, a *control.Agency) {
		t.Helper()
		if err := f.control.SetAgencyPlan(ctx, a.ID, roomy.ID, control.IntervalMonth); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a request that read the old plan is refused after the move", func(t *testing.T) {
		a, owner := f.mustCreateAgency(t, "stale-limits")
		tn := mustAcquire(t, f.pool, a.ID)
		onRoomy(t, a)
		v := tenant.Viewer{UserID: owner.ID}
		for i := range 5 {
			if _, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: fmt.Sprintf("Client %d", i), Kind: "person"}, tenant.Audit{Action: "client.created"}); err != nil {
				t.Fatal(err)
			}
		}
		l, err := plans.Limits(ctx, a) // read on Roomy: no limit
		if err != nil || l.MaxClients != 0 {
			t.Fatalf("%+v, %v", l, err)
		}
		change, err := plans.ChangePlan(ctx, a, tn, &premium, control.IntervalMonth)
		if err != nil || !change.AtOnce {
			t.Fatalf("%+v, %v", change, err)
		}
		_, err = tn.CreateClientWithin(ctx, v, tenant.ClientInput{Name: "Late", Kind: "person"}, l, tenant.Audit{Action: "client.created"})
		if !apperr.Is(err, apperr.Conflict) || !strings.HasPrefix(apperr.MessageOf(err), "The Premium plan allows 5 clients; you have 5") {
			t.Fatalf("a client added on the old plan's limits after the move: %v", err)
		}
	})

	const racers = 20
	for round := range 3 {
		t.Run(fmt.Sprintf("round %d: 20 clients racing the move", round), func(t *testing.T) {
			a, owner := f.mustCreateAgency(t, fmt.Sprintf("move-race-%d", round))
			tn := mustAcquire(t, f.pool, a.ID)
			onRoomy(t, a)
			v := tenant.Viewer{UserID: owner.ID}
			for i := range 3 {
				if _, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: fmt.Sprintf("Client %d", i), Kind: "person"}, tenant.Audit{Action: "client.created"}); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			var moveErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, moveErr = plans.ChangePlan(ctx, a, tn, &premium, control.IntervalMonth)
			}()
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					l, err := plans.Limits(ctx, a)
					if err == nil {
						_, err = tn.CreateClientWithin(ctx, v, tenant.ClientInput{Name: fmt.Sprintf("Racer %d", i), Kind: "person"}, l, tenant.Audit{Action: "client.created"})
					}
					if err != nil && !apperr.Is(err, apperr.Conflict) {
						t.Errorf("racer %d: %v", i, err)
					}
				}()
			}
			close(start)
			wg.Wait()
			u, err := tn.PlanUsage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			plan, _, err := plans.AgencyPlan(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case moveErr == nil && plan.ID == premium.ID:
				if u.Clients > premium.MaxClients {
					t.Fatalf("moved to Premium (%d clients) holding %d", premium.MaxClients, u.Clients)
				}
			case apperr.Is(moveErr, apperr.Conflict) && plan.Name == "Roomy":
				if u.Clients <= premium.MaxClients {
					t.Fatalf("the move was refused at %d clients: %v", u.Clients, moveErr)
				}
			default:
				t.Fatalf("on %s after the move's %v", plan.Name, moveErr)
			}
		})
	}
}

// oneFile is an upload of one file.
func oneFile(name string, body []byte) iter.Seq2[app.UploadFile, error] {
	return func(yield func(app.UploadFile, error) bool) {
		yield(app.UploadFile{Name: name, Body: bytes.NewReader(body)}, nil)
	}
}

func TestUploadsStayWithinTheStorageLimitWhenConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "upload-race")
	tn := mustAcquire(t, f.pool, a.ID)
	v := tenant.Viewer{UserID: owner.ID}
	actor := tenant.Actor{ID: owner.ID, Name: owner.Name}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Racing Client", Kind: "person"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: c.ID, Title: "Many files"})
	if err != nil {
		t.Fatal(err)
	}
	const quota = 200 << 10
	f.mustPlan(t, a, control.Plan{Name: "Tiny", StorageBytes: quota})
	uploads := &app.Uploads{Plans: &app.Plans{Control: f.control}, Files: files.NewStore(files.Config{})}
	pdf := filestest.PDF(1, 30<<10)

	const racers = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored, refused := 0, 0
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := uploads.Store(ctx, app.Upload{Agency: a, Tenant: tn, Access: tenant.StaffDocumentAccess(v), Actor: actor, CaseID: k.ID, Count: 1},
				oneFile(fmt.Sprintf("racer-%d.pdf", i), pdf))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				stored++
			case apperr.Is(err, apperr.TooLarge) && strings.Contains(apperr.MessageOf(err), "Not enough storage left"):
				refused++
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	fit := quota / len(pdf)
	if stored != fit || refused != racers-fit {
		t.Fatalf("%d stored, %d refused; %d fit", stored, refused, fit)
	}
	u, err := tn.StorageUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u.Used > quota {
		t.Fatalf("%d bytes stored, the plan allows %d", u.Used, quota)
	}
}
