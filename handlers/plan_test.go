package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"mintedmind/db/control"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
	"mintedmind/paysera"
)

// mustPlanFor creates plan p and puts agency a on it.
func (e *env) mustPlanFor(t *testing.T, a *agency, p control.Plan) *control.Plan {
	t.Helper()
	ctx := context.Background()
	if p.Currency == "" {
		p.Currency = "EUR"
	}
	if err := e.control.CreatePlan(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := e.control.SetAgencyPlan(ctx, a.ID, p.ID, control.IntervalMonth); err != nil {
		t.Fatal(err)
	}
	return &p
}

// setStatus moves an agency along the lifecycle and lets the agency cache
// forget its old row.
func (e *env) setStatus(t *testing.T, a *agency, status string) {
	t.Helper()
	if _, err := e.control.SetAgencyStatus(context.Background(), a.ID, status); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Second)
}

func TestSignupStartsTrial(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "trial")
	s, err := e.control.Subscription(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.control.DefaultPlan(context.Background())
	if s.Status != control.AgencyTrial || s.PlanID != p.ID || !s.PeriodEnd.Equal(e.clock.Now().Truncate(time.Second).AddDate(0, 0, int(p.TrialDays))) {
		t.Fatalf("%+v", s)
	}
	t.Run("self-hosted: no plan, no trial, no limits", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) { c.SelfHosted = true })
		a := e.mustSignup(t, "selfhost")
		s, _ := e.control.Subscription(context.Background(), a.ID)
		if s.Status != control.AgencyActive || s.PlanID != "" {
			t.Fatalf("%+v", s)
		}
		res := a.Owner.get("/a/" + a.Slug + "/plan")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "no plans, limits or subscription invoices")
		for i := 0; i < 3; i++ {
			wantStatus(t, a.Owner.post("/a/"+a.Slug+"/invites", url.Values{"email": {fmt.Sprintf("s%d@example.test", i)}, "role": {"staff"}}), http.StatusSeeOther)
		}
	})
}

func TestPlanLimits(t *testing.T) {
	t.Parallel()
	f := mustDocFixture(t)
	e, a := f.e, f.a
	// The fixture has an owner and a staff member: 2 seats; one client.
	e.mustPlanFor(t, a, control.Plan{Name: "Tiny", MonthlyPrice: 500, StaffSeats: 3, MaxClients: 2, StorageBytes: 200 << 10})
	base := "/a/" + a.Slug

	t.Run("one staff invitation fits, one more is refused with the reason", func(t *testing.T) {
		wantStatus(t, a.Owner.post(base+"/invites", url.Values{"email": {"third@example.test"}, "role": {"staff"}}), http.StatusSeeOther)
		res := a.Owner.post(base+"/invites", url.Values{"email": {"fourth@example.test"}, "role": {"admin"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "The Tiny plan has 3 staff seats and all are taken (pending invitations included).")
		wantContains(t, res, "/a/"+a.Slug+"/plan")
	})
	t.Run("a client fits, one more is refused", func(t *testing.T) {
		wantStatus(t, a.Owner.post(base+"/clients", clientValues("Second Client")), http.StatusSeeOther)
		res := a.Owner.post(base+"/clients", clientValues("Third Client"))
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "The Tiny plan allows 2 clients; you have 2, so 0 more can be added, not 1.")
		wantContains(t, res, "Third Client") // the form comes back filled in
	})
	t.Run("an import past the limit is refused and imports nothing", func(t *testing.T) {
		cf := &clientFixture{e: e, a: a}
		a.Owner.get(base + "/clients/import")
		token := cf.mustPreview(t, a.Owner, importHeaderLine+"Imp One,person,,,,,,,,,,,\nImp Two,person,,,,,,,,,,,\n")
		res := a.Owner.post(base+"/clients/import/confirm", url.Values{"token": {token}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "so 0 more can be added, not 2")
		if u, _ := e.mustTenant(t, a.ID).PlanUsage(context.Background()); u.Clients != 2 {
			t.Fatalf("%d clients", u.Clients)
		}
	})
	t.Run("an upload past the plan's storage is refused", func(t *testing.T) {
		pdf := filestest.PDF(1, 120<<10)
		wantStatus(t, f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"first.pdf", pdf}), http.StatusSeeOther)
		res := f.uploadDocs(f.staff, f.caseURL(""), nil, upFile{"second.pdf", pdf})
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		wantContains(t, res, "Not enough storage left")
		wantContains(t, res, "200 KiB")
	})
	t.Run("the owner's plan page shows the usage and refuses a plan it does not fit", func(t *testing.T) {
		res := a.Owner.get(base + "/plan")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "2 of 2")
		wantContains(t, res, "Free allows 1 staff seats and you have 3")
		free := planNamed(t, e, "Free")
		res = a.Owner.post(base+"/plan", url.Values{"plan": {free.ID}, "interval": {"month"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "You can&#39;t move to Free yet")
	})
}

func planNamed(t *testing.T, e *env, name string) *control.Plan {
	t.Helper()
	plans, err := e.control.Plans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no plan %s", name)
	return nil
}

func TestOwnerPlanChange(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "chg")
	ctx := context.Background()
	base := "/a/" + a.Slug + "/plan"
	pro, starter := planNamed(t, e, "Pro"), planNamed(t, e, "Starter")

	t.Run("during the trial a change applies at once", func(t *testing.T) {
		a.Owner.get(base)
		res := a.Owner.post(base, url.Values{"plan": {pro.ID}, "interval": {"year"}})
		wantStatus(t, res, http.StatusSeeOther)
		s, _ := e.control.Subscription(ctx, a.ID)
		if s.PlanID != pro.ID || s.Interval != control.IntervalYear || s.Status != control.AgencyTrial {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("once active a downgrade waits for the period's end", func(t *testing.T) {
		e.setStatus(t, a, control.AgencyActive)
		a.Owner.get(base)
		res := a.Owner.post(base, url.Values{"plan": {starter.ID}, "interval": {"month"}})
		wantStatus(t, res, http.StatusSeeOther)
		page := a.Owner.get(base)
		wantContains(t, page, "when the current period ends")
		s, _ := e.control.Subscription(ctx, a.ID)
		if s.PlanID != pro.ID || s.NextPlanID != starter.ID {
			t.Fatalf("%+v", s)
		}
		wantStatus(t, a.Owner.post(base+"/cancel-change", nil), http.StatusSeeOther)
		if s, _ = e.control.Subscription(ctx, a.ID); s.NextPlanID != "" {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("an unknown plan is refused with a message", func(t *testing.T) {
		a.Owner.get(base)
		res := a.Owner.post(base, url.Values{"plan": {"nope"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose one of the plans.")
	})
	t.Run("staff and admins cannot see the plan page", func(t *testing.T) {
		admin, _ := e.mustAddUser(t, a, "admin")
		wantStatus(t, admin.get(base), http.StatusNotFound)
	})
}

func TestSuspendedAgencyIsReadOnly(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "susp")
	staffB, _ := e.mustAddUser(t, a, "staff")
	clientB, _ := e.mustAddUser(t, a, "client")
	base := "/a/" + a.Slug
	e.setStatus(t, a, control.AgencySuspended)

	t.Run("staff read, with a banner saying why", func(t *testing.T) {
		res := staffB.get(base + "/clients")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "is suspended</strong> because its subscription invoice is unpaid")
		wantContains(t, res, "Your agency's owner can pay on the Plan page.")
	})
	t.Run("every write is refused with the reason", func(t *testing.T) {
		staffB.get(base + "/clients/new")
		for _, path := range []string{"/clients", "/cases", "/settings"} {
			res := staffB.post(base+path, clientValues("Nope"))
			if path == "/settings" {
				wantStatus(t, res, http.StatusNotFound) // staff may not change settings at all
				continue
			}
			wantStatus(t, res, http.StatusForbidden)
			wantContains(t, res, "is suspended because its subscription invoice is unpaid, so nothing can be changed")
		}
		res := a.Owner.post(base+"/invites", url.Values{"email": {"x@example.test"}, "role": {"staff"}})
		wantStatus(t, res, http.StatusForbidden)
	})
	t.Run("the owner sees how to pay", func(t *testing.T) {
		res := a.Owner.get(base + "/plan")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<a href="/a/`+a.Slug+`/plan">Pay now</a>`)
	})
	t.Run("client contacts still read their portal, read-only", func(t *testing.T) {
		res := clientB.get(base + "/portal")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "read-only for the moment")
		res = clientB.post(base+"/portal/cases/"+"00000000-0000-0000-0000-000000000000"+"/messages", url.Values{"body": {"hi"}})
		wantStatus(t, res, http.StatusForbidden)
	})
	t.Run("signing out still works", func(t *testing.T) {
		c := e.mustLogin(t, a, a.OwnerEmail)
		wantStatus(t, c.post(base+"/logout", nil), http.StatusSeeOther)
	})
	t.Run("reactivated, staff can write again", func(t *testing.T) {
		e.setStatus(t, a, control.AgencyActive)
		staffB.get(base + "/clients/new")
		wantStatus(t, staffB.post(base+"/clients", clientValues("Back Again")), http.StatusSeeOther)
		res := staffB.get(base + "/clients")
		if strings.Contains(res.Body, "is suspended") {
			t.Fatal("banner still shown")
		}
	})
}

// mustPayseraKeys makes a real RSA key pair and sets up the operator's
// Paysera project with its public half.
func mustPayseraKeys(t *testing.T, e *env) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := e.control.LoadSubscriptionSettings(context.Background())
	s.PayseraProjectID, s.PayseraPassword = "123456", "sign-secret"
	s.PayseraPublicKey = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err := e.control.SaveSubscriptionSettings(context.Background(), s, control.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	return key
}

// mustOpenInvoice ends the agency's trial and issues its first invoice.
func mustOpenInvoice(t *testing.T, e *env, a *agency) *control.SubscriptionInvoice {
	t.Helper()
	ctx := context.Background()
	s, _ := e.control.Subscription(ctx, a.ID)
	e.clock.Set(s.PeriodEnd.Add(time.Hour))
	if _, err := e.control.AdvancePeriods(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	settings, _ := e.control.LoadSubscriptionSettings(ctx)
	inv, created, err := e.control.IssueSubscriptionInvoice(ctx, a.ID, settings, nil)
	if err != nil || !created {
		t.Fatalf("%v %v", created, err)
	}
	return inv
}

func TestSubscriptionPayseraCallback(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "payc")
	key := mustPayseraKeys(t, e)
	inv := mustOpenInvoice(t, e, a)
	e.setStatus(t, a, control.AgencySuspended)
	ctx := context.Background()

	t.Run("the owner is sent to Paysera with a signed request for the invoice", func(t *testing.T) {
		a.Owner = e.mustLogin(t, a, a.OwnerEmail)
		a.Owner.get("/a/" + a.Slug + "/plan")
		res := a.Owner.post("/a/"+a.Slug+"/plan/invoices/"+inv.ID+"/pay", nil)
		wantStatus(t, res, http.StatusSeeOther)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if !strings.HasPrefix(loc.String(), paysera.PayURL) || !paysera.CheckSign(loc.Query().Get("data"), loc.Query().Get("sign"), "sign-secret") {
			t.Fatalf("location %s", loc)
		}
		raw, _ := paysera.Decode(loc.Query().Get("data"))
		q, _ := url.ParseQuery(string(raw))
		if q.Get("orderid") != inv.ID || q.Get("amount") != strconv.FormatInt(inv.Amount, 10) || q.Get("callbackurl") != "http://mm.test/subscriptions/paysera/callback" {
			t.Fatalf("%v", q)
		}
	})
	fields := url.Values{"projectid": {"123456"}, "orderid": {inv.ID}, "requestid": {"req-77"}, "status": {"1"},
		"amount": {strconv.FormatInt(inv.Amount, 10)}, "currency": {inv.Currency}, "test": {"0"}}
	signed, err := paysera.SignCallback(fields, "sign-secret", key, true)
	if err != nil {
		t.Fatal(err)
	}
	anon := e.newClient()
	t.Run("a tampered callback is refused and records nothing", func(t *testing.T) {
		bad := url.Values{"data": {signed.Get("data")[:len(signed.Get("data"))-4] + "AAAA"}, "ss1": signed["ss1"], "ss2": signed["ss2"], "ss3": signed["ss3"]}
		res := anon.do("POST", "/subscriptions/paysera/callback", strings.NewReader(bad.Encode()), "application/x-www-form-urlencoded")
		wantStatus(t, res, http.StatusBadRequest)
		if got, _ := e.control.SubscriptionInvoiceByID(ctx, inv.ID); got.Status != control.SubInvoiceOpen {
			t.Fatal("paid by a forged callback")
		}
	})
	t.Run("a callback for a different amount is refused", func(t *testing.T) {
		other := url.Values{}
		for k, v := range fields {
			other[k] = v
		}
		other.Set("amount", "1")
		s, _ := paysera.SignCallback(other, "sign-secret", key, true)
		wantStatus(t, anon.get("/subscriptions/paysera/callback?"+s.Encode()), http.StatusBadRequest)
	})
	t.Run("a signed callback pays the invoice and reactivates the agency, once", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			res := anon.get("/subscriptions/paysera/callback?" + signed.Encode())
			wantStatus(t, res, http.StatusOK)
			if res.Body != "OK" {
				t.Fatalf("body %q", res.Body)
			}
		}
		got, _ := e.control.SubscriptionInvoiceByID(ctx, inv.ID)
		s, _ := e.control.Subscription(ctx, a.ID)
		payments, _ := e.control.SubscriptionPayments(ctx, a.ID, 10)
		if got.Status != control.SubInvoicePaid || s.Status != control.AgencyActive || len(payments) != 1 || payments[0].Reference != "req-77" {
			t.Fatalf("invoice %s, agency %s, %d payments", got.Status, s.Status, len(payments))
		}
	})
	t.Run("the owner downloads the invoice PDF; another agency's owner gets 404", func(t *testing.T) {
		res := a.Owner.get("/a/" + a.Slug + "/plan/invoices/" + inv.ID + "/pdf")
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(res.Body, "%PDF-") {
			t.Fatal("not a PDF")
		}
		b := e.mustSignup(t, "payc-other")
		wantStatus(t, b.Owner.get("/a/"+b.Slug+"/plan/invoices/"+inv.ID+"/pdf"), http.StatusNotFound)
	})
}

func TestPlanChangeRefusedWhileUnpaid(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "unpaid")
	mustOpenInvoice(t, e, a)
	e.setStatus(t, a, control.AgencySuspended)
	owner := e.mustLogin(t, a, a.OwnerEmail)
	owner.get("/a/" + a.Slug + "/plan")
	res := owner.post("/a/"+a.Slug+"/plan", url.Values{"plan": {planNamed(t, e, "Pro").ID}, "interval": {"month"}})
	wantStatus(t, res, http.StatusForbidden)
	wantContains(t, res, "is suspended because its subscription invoice is unpaid")
	e.setStatus(t, a, control.AgencyActive)
	e.setStatus(t, a, control.AgencyPastDue)
	owner.get("/a/" + a.Slug + "/plan")
	res = owner.post("/a/"+a.Slug+"/plan", url.Values{"plan": {planNamed(t, e, "Pro").ID}, "interval": {"month"}})
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "Please pay the open invoice first")
}
