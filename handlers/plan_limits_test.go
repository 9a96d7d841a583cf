package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// A plan's limit and the write it guards are one transaction: requests
// racing for the last place get it once, however many arrive together.

// racers is how many requests race for the last place.
const racers = 20

// clone is another tab of the same browser: the same session and cookies
// (the jar is safe for concurrent use), its own copy of the CSRF token, so
// that clones can make requests at the same time.
func (c *browser) clone() *browser {
	headers := make(map[string]string, len(c.headers))
	for k, v := range c.headers {
		headers[k] = v
	}
	return &browser{e: c.e, jar: c.jar, csrf: c.csrf, headers: headers}
}

// concurrently makes n requests at once, request i by do(i) from its own
// clone of b, released together, and returns the responses in order.
func concurrently(b *browser, n int, do func(b *browser, i int) *response) []*response {
	out := make([]*response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		c := b.clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = do(c, i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// wantRefusedBut checks that exactly ok responses succeeded (a redirect)
// and every other one was refused with status and the message refusal.
func wantRefusedBut(t *testing.T, res []*response, ok, status int, refusal string) {
	t.Helper()
	passed := 0
	for i, r := range res {
		switch {
		case r.StatusCode == http.StatusSeeOther:
			passed++
		case r.StatusCode != status:
			t.Errorf("request %d: status %d, want %d or 303\n%.600s", i, r.StatusCode, status, r.Body)
		case !strings.Contains(r.Body, refusal):
			t.Errorf("request %d: refused without %q\n%.600s", i, refusal, r.Body)
		}
	}
	if passed != ok {
		t.Errorf("%d of %d requests passed, want %d", passed, len(res), ok)
	}
}

// mustPlanUsage is what agency a holds of its plan's limits.
func (e *env) mustPlanUsage(t *testing.T, a *agency) tenant.Usage {
	t.Helper()
	u, err := e.mustTenant(t, a.ID).PlanUsage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPlanLimitsHoldUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	// The fixture has an owner and a staff member (2 seats) and one client:
	// each limit below leaves one place.
	tiny := control.Plan{Name: "Tiny", MonthlyPrice: 500, StaffSeats: 3, MaxClients: 2}
	refusalEnd := "Your owner can move to a larger plan on the Plan page (/a/"

	t.Run("of 20 client creations for the last client, one is stored", func(t *testing.T) {
		t.Parallel()
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, tiny)
		base := "/a/" + f.a.Slug
		f.a.Owner.get(base + "/clients/new")
		res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
			return b.post(base+"/clients", clientValues(fmt.Sprintf("Racing Client %d", i)))
		})
		wantRefusedBut(t, res, 1, http.StatusConflict, "The Tiny plan allows 2 clients; you have 2, so 0 more can be added, not 1.")
		wantRefusedBut(t, res, 1, http.StatusConflict, refusalEnd+f.a.Slug+"/plan).")
		if u := f.e.mustPlanUsage(t, f.a); u.Clients != 2 {
			t.Fatalf("%d clients stored, the plan allows 2", u.Clients)
		}
	})
	t.Run("of 20 imports for the last client, one is stored", func(t *testing.T) {
		t.Parallel()
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, tiny)
		cf := &clientFixture{e: f.e, a: f.a}
		tokens := make([]string, racers)
		for i := range tokens {
			tokens[i] = cf.mustPreview(t, f.a.Owner, importHeaderLine+fmt.Sprintf("Imported %d,person,,,,,,,,,,,\n", i))
		}
		res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
			return b.post(cf.path("/import/confirm"), url.Values{"token": {tokens[i]}})
		})
		wantRefusedBut(t, res, 1, http.StatusConflict, "so 0 more can be added, not 1.")
		if u := f.e.mustPlanUsage(t, f.a); u.Clients != 2 {
			t.Fatalf("%d clients stored, the plan allows 2", u.Clients)
		}
	})
	t.Run("of 20 staff invitations for the last seat, one is stored", func(t *testing.T) {
		t.Parallel()
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, tiny)
		base := "/a/" + f.a.Slug
		f.a.Owner.get(base + "/users")
		res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
			return b.post(base+"/invites", url.Values{"email": {fmt.Sprintf("racer-%d@example.test", i)}, "role": {"staff"}})
		})
		wantRefusedBut(t, res, 1, http.StatusConflict, "The Tiny plan has 3 staff seats and all are taken (pending invitations included).")
		if u := f.e.mustPlanUsage(t, f.a); u.Staff != 3 {
			t.Fatalf("%d staff seats taken, the plan has 3", u.Staff)
		}
	})
	t.Run("of 20 archived clients restored for the last client, one is restored", func(t *testing.T) {
		t.Parallel()
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, tiny)
		base := "/a/" + f.a.Slug
		tn := f.e.mustTenant(t, f.a.ID)
		owner, err := tn.UserByEmail(context.Background(), f.a.OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, racers)
		for i := range ids {
			ids[i] = f.e.mustCaseClient(t, f.a, fmt.Sprintf("Archived Client %d", i), "")
			if _, err := tn.SetClientArchived(context.Background(), tenant.Viewer{UserID: owner.ID}, ids[i], true, tenant.Audit{Action: "client.archived"}); err != nil {
				t.Fatal(err)
			}
		}
		f.a.Owner.get(base + "/clients/" + ids[0])
		res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
			return b.post(base+"/clients/"+ids[i]+"/restore", nil)
		})
		wantRefusedBut(t, res, 1, http.StatusConflict, "The Tiny plan allows 2 clients; you have 2, so 0 more can be added, not 1.")
		if u := f.e.mustPlanUsage(t, f.a); u.Clients != 2 {
			t.Fatalf("%d clients not archived, the plan allows 2", u.Clients)
		}
	})
	t.Run("of 20 disabled team members enabled for the last seat, one is enabled", func(t *testing.T) {
		t.Parallel()
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, tiny)
		base := "/a/" + f.a.Slug
		ctx := context.Background()
		tn := f.e.mustTenant(t, f.a.ID)
		ids := make([]string, racers)
		for i := range ids {
			token, _, err := tn.CreateInvite(ctx, fmt.Sprintf("disabled-%d@example.test", i), tenant.RoleStaff, "", time.Hour, tenant.Audit{Action: "invite.sent"})
			if err != nil {
				t.Fatal(err)
			}
			u, err := tn.AcceptInvite(ctx, token, fmt.Sprintf("Disabled %d", i), "not-a-hash", tenant.Audit{Action: "invite.accepted"})
			if err != nil {
				t.Fatal(err)
			}
			if err := tn.SetUserStatus(ctx, u.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
				t.Fatal(err)
			}
			ids[i] = u.ID
		}
		f.a.Owner.get(base + "/users")
		res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
			return b.post(base+"/users/"+ids[i]+"/enable", nil)
		})
		wantRefusedBut(t, res, 1, http.StatusConflict, "The Tiny plan has 3 staff seats and all are taken (pending invitations included).")
		if u := f.e.mustPlanUsage(t, f.a); u.Staff != 3 {
			t.Fatalf("%d staff seats taken, the plan has 3", u.Staff)
		}
	})
	t.Run("of 20 uploads at the plan's storage, those that fit are stored", func(t *testing.T) {
		t.Parallel()
		pdf := filestest.PDF(1, 30<<10)
		quota := int64(200 << 10)
		f := mustDocFixture(t)
		f.e.mustPlanFor(t, f.a, control.Plan{Name: "Tiny", MonthlyPrice: 500, StorageBytes: quota})
		res := concurrently(f.staff, racers, func(b *browser, i int) *response {
			return f.uploadDocs(b, f.caseURL(""), nil, upFile{fmt.Sprintf("racer-%d.pdf", i), pdf})
		})
		fit := int(quota / int64(len(pdf)))
		wantRefusedBut(t, res, fit, http.StatusRequestEntityTooLarge, "Not enough storage left")
		if n := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM documents`); n != fmt.Sprint(fit) {
			t.Fatalf("%s documents stored, %d fit", n, fit)
		}
		if u := f.e.mustPlanUsage(t, f.a); u.StorageBytes > quota {
			t.Fatalf("%d bytes stored, the plan allows %d", u.StorageBytes, quota)
		}
	})
}

func TestSelfHostedHasOnlyTheStorageQuota(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t, func(c *handlers.Config) { c.SelfHosted, c.StorageQuota = true, 100<<10 })
	base := "/a/" + f.a.Slug
	// Priced plans exist (the defaults), but a self-hosted agency is on none.
	f.a.Owner.get(base + "/clients/new")
	res := concurrently(f.a.Owner, racers, func(b *browser, i int) *response {
		return b.post(base+"/clients", clientValues(fmt.Sprintf("Self-hosted Client %d", i)))
	})
	wantRefusedBut(t, res, racers, http.StatusConflict, "")
	pdf := filestest.PDF(1, 60<<10)
	wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"first.pdf", pdf}), http.StatusSeeOther)
	res2 := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"second.pdf", pdf})
	wantStatus(t, res2, http.StatusRequestEntityTooLarge)
	wantContains(t, res2, "100 KiB")
}
