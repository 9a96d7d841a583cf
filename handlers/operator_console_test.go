package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/handlers"
	"mintedmind/jobs"
)

// withJobs rebuilds the env's app with the real job runner behind the
// console's "run now".
func (e *env) withJobs(t *testing.T) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := jobs.NewRunner(e.control, e.pool, e.clock, log, time.Hour)
	runner.AddSubscriptions(e.mailer, e.cfg.BaseURL, e.cfg.SelfHosted)
	app, err := handlers.New(handlers.Deps{
		Config: e.cfg, Control: e.control, Pool: e.pool,
		Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 4),
		Mailer: e.mailer, Clock: e.clock, Log: log, Views: os.DirFS(".."), Assets: os.DirFS(".."), Jobs: runner,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
}

// mustOperator creates an operator and returns their signed-in browser.
func (e *env) mustOperator(t *testing.T) *browser {
	t.Helper()
	email := mustCreateOperator(t, e)
	c := e.newClient()
	c.get("/operator/login")
	wantStatus(t, c.post("/operator/login", url.Values{"email": {email}, "password": {testPassword}}), http.StatusSeeOther)
	c.get("/operator")
	return c
}

func TestOperatorConsole(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	e.withJobs(t)
	ctx := context.Background()
	a := e.mustSignup(t, "console")
	other := e.mustSignup(t, "elsewhere")
	e.mustAddUser(t, a, "staff")
	e.mustCaseClient(t, a, "Secretive Client Ltd", "")
	op := e.mustOperator(t)
	agencyURL := "/operator/agencies/" + a.ID

	t.Run("the list shows plan, status and counts, and searches", func(t *testing.T) {
		res := op.get("/operator")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, a.Name)
		wantContains(t, res, "Starter")
		wantContains(t, res, "Trial")
		res = op.get("/operator?q=" + url.QueryEscape(other.Slug))
		wantContains(t, res, other.Name)
		if strings.Contains(res.Body, a.Name+"</a>") {
			t.Fatal("the search did not narrow the list")
		}
	})
	t.Run("the list reuses an agency's counts for a minute", func(t *testing.T) {
		list := "/operator?q=" + url.QueryEscape(a.Slug)
		wantContains(t, op.get(list), `<td data-label="Clients">1</td>`)
		e.mustCaseClient(t, a, "Second Client Ltd", "")
		wantContains(t, op.get(list), `<td data-label="Clients">1</td>`)
		e.clock.Advance(61 * time.Second)
		wantContains(t, op.get(list), `<td data-label="Clients">2</td>`)
	})
	t.Run("an agency's page has counts but never its clients", func(t *testing.T) {
		res := op.get(agencyURL)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<tr><th scope="row">Staff</th><td>2</td></tr>`)
		wantContains(t, res, `<tr><th scope="row">Clients</th><td>2</td></tr>`)
		if strings.Contains(res.Body, "Secretive Client") {
			t.Fatal("the console shows a client's name")
		}
	})
	t.Run("a lifecycle action needs the typed confirmation", func(t *testing.T) {
		res := op.post(agencyURL+"/lifecycle", url.Values{"action": {"suspend"}, "confirm": {"wrong"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Type the agency&#39;s address, "+a.Slug+", to confirm.")
		if s, _ := e.control.Subscription(ctx, a.ID); s.Status != control.AgencyTrial {
			t.Fatalf("status %s", s.Status)
		}
	})
	t.Run("each action moves the agency and lands in the operator audit log", func(t *testing.T) {
		for _, step := range []struct{ action, status string }{{"suspend", control.AgencySuspended}, {"activate", control.AgencyActive}} {
			op.get(agencyURL)
			wantStatus(t, op.post(agencyURL+"/lifecycle", url.Values{"action": {step.action}, "confirm": {a.Slug}}), http.StatusSeeOther)
			if s, _ := e.control.Subscription(ctx, a.ID); s.Status != step.status {
				t.Fatalf("%s: status %s", step.action, s.Status)
			}
		}
		op.get(agencyURL)
		res := op.post(agencyURL+"/lifecycle", url.Values{"action": {"delete"}, "confirm": {a.Slug}})
		wantStatus(t, res, http.StatusConflict) // only an archived agency can be deleted
		res = op.get("/operator/audit")
		for _, action := range []string{"agency.suspend", "agency.activate"} {
			wantContains(t, res, action)
		}
	})
	t.Run("archive, restore, archive again and delete", func(t *testing.T) {
		b := e.mustSignup(t, "doomed") // its database is not held open by the test
		u := "/operator/agencies/" + b.ID
		for _, step := range []struct{ action, status string }{{"archive", control.AgencyArchived}, {"restore", control.AgencyActive}, {"archive", control.AgencyArchived}, {"delete", control.AgencyDeleted}} {
			op.get("/operator/audit")
			if res := op.post(u+"/lifecycle", url.Values{"action": {step.action}, "confirm": {b.Slug}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.action, res.StatusCode, res.Body[strings.Index(res.Body, "<main"):])
			}
			if s, _ := e.control.Subscription(ctx, b.ID); s.Status != step.status {
				t.Fatalf("%s: status %s", step.action, s.Status)
			}
		}
		wantStatus(t, op.get(u), http.StatusNotFound)
		if _, err := os.Stat(e.pool.TenantDir(b.ID)); !os.IsNotExist(err) {
			t.Fatalf("the agency's files are still there: %v", err)
		}
		e.clock.Advance(3 * time.Second) // the agency cache forgets the old row
		for _, path := range []string{"/a/" + b.Slug + "/login", "/a/" + b.Slug, "/a/" + b.Slug + "/portal"} {
			wantStatus(t, e.newClient().get(path), http.StatusNotFound)
		}
		if _, err := os.Stat(e.pool.TenantDir(b.ID)); !os.IsNotExist(err) {
			t.Fatalf("a visit to the deleted agency's pages made its files again: %v", err)
		}
		res := op.get("/operator/audit")
		for _, action := range []string{"agency.archive", "agency.restore", "agency.delete"} {
			wantContains(t, res, action)
		}
	})
	t.Run("plans are created and edited, with messages for bad input", func(t *testing.T) {
		op.get("/operator/plans/new")
		res := op.post("/operator/plans", url.Values{"name": {"Agency XL"}, "monthly_price": {"nineteen"}, "currency": {"EUR"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a price such as 19 or 19.90.")
		res = op.post("/operator/plans", url.Values{"name": {"Agency XL"}, "monthly_price": {"99.50"}, "yearly_price": {"990"}, "currency": {"EUR"},
			"staff_seats": {"50"}, "max_clients": {"0"}, "storage_gib": {"500"}, "trial_days": {"30"}})
		wantStatus(t, res, http.StatusSeeOther)
		xl := planNamed(t, e, "Agency XL")
		if xl.MonthlyPrice != 9950 || xl.StaffSeats != 50 || xl.StorageBytes != 500<<30 || xl.TrialDays != 30 {
			t.Fatalf("%+v", xl)
		}
		res = op.get("/operator/plans")
		wantContains(t, res, "99.50 EUR")
		op.get("/operator/plans/" + xl.ID)
		wantStatus(t, op.post("/operator/plans/"+xl.ID, url.Values{"name": {"Agency XXL"}, "monthly_price": {"120"}, "currency": {"EUR"}}), http.StatusSeeOther)
		if p, _ := e.control.PlanByID(ctx, xl.ID); p.Name != "Agency XXL" || p.MonthlyPrice != 12000 {
			t.Fatalf("%+v", p)
		}
		op.get("/operator/plans/" + xl.ID)
		res = op.post("/operator/plans/"+xl.ID, url.Values{"name": {"Pro"}, "currency": {"EUR"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "A plan with this name already exists.")
	})
	t.Run("the operator puts an agency on a plan", func(t *testing.T) {
		pro := planNamed(t, e, "Pro")
		op.get(agencyURL)
		wantStatus(t, op.post(agencyURL+"/plan", url.Values{"plan": {pro.ID}, "interval": {"year"}}), http.StatusSeeOther)
		if s, _ := e.control.Subscription(ctx, a.ID); s.PlanID != pro.ID || s.Interval != control.IntervalYear {
			t.Fatalf("%+v", s)
		}
		res := op.get(agencyURL)
		wantContains(t, res, `<option value="`+pro.ID+`" selected>Pro</option>`)
		wantContains(t, res, `<option value="month">Monthly</option><option value="year" selected>Yearly</option>`)
	})
	t.Run("the console warns while billing is not configured, until bank details are saved", func(t *testing.T) {
		for _, p := range []string{"/operator", "/operator/billing", "/operator/jobs"} {
			wantContains(t, op.get(p), "Billing is not configured: agencies would get invoices they cannot pay.")
		}
		op.get("/operator/billing/settings")
		settings := url.Values{"seller_name": {"MintedMind"}, "number_pattern": {"SUB-{YYYY}-{SEQ:4}"}, "due_days": {"14"}, "reminder_days": {"3"}, "grace_days": {"14"},
			"bank_details": {"IBAN: LT12 1000 0111 0100 1000"}, "vat_rate": {"twenty"}}
		res := op.post("/operator/billing/settings", settings)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "VAT rate: ")
		if s, _ := e.control.LoadSubscriptionSettings(ctx); s.BankDetails != "" {
			t.Fatal("saved despite the bad VAT rate")
		}
		settings.Set("vat_rate", "0")
		wantStatus(t, op.post("/operator/billing/settings", settings), http.StatusSeeOther)
		if res := op.get("/operator"); strings.Contains(res.Body, "Billing is not configured") {
			t.Fatal("still warned with bank details saved")
		}
	})
	t.Run("run now runs the subscription job and the job runs page shows it", func(t *testing.T) {
		e.clock.Advance(400 * 24 * time.Hour) // past every period: invoices are due
		op = e.mustOperatorSignIn(t, op)
		res := op.get("/operator/jobs")
		wantContains(t, res, "Run subscriptions now")
		wantStatus(t, op.post("/operator/jobs/subscriptions/run", nil), http.StatusSeeOther)
		res = op.get("/operator/jobs")
		wantContains(t, res, "subscriptions")
		wantContains(t, res, "invoices: ")
		wantStatus(t, op.post("/operator/jobs/no-such-job/run", nil), http.StatusNotFound)
	})
	t.Run("the operator records a payment by hand", func(t *testing.T) {
		invs, _ := e.control.SubscriptionInvoices(ctx, a.ID, 10)
		if len(invs) != 1 {
			t.Fatalf("%d invoices", len(invs))
		}
		res := op.get("/operator/billing")
		wantContains(t, res, invs[0].Number)
		form := `<form method="post" action="/operator/billing/invoices/` + invs[0].ID + `/payments" class="inline"><input type="hidden" name="_csrf" value="`
		wantContains(t, res, form+op.csrf+`">`)
		wantContains(t, res, `<input type="hidden" name="back" value=""><button type="submit" class="small secondary">Record payment</button>`)
		res = op.get(agencyURL)
		wantContains(t, res, form+op.csrf+`">`)
		wantContains(t, res, `<input type="hidden" name="back" value="agency"><button type="submit" class="small secondary">Record payment</button>`)
		res = op.post("/operator/billing/invoices/"+invs[0].ID+"/payments", url.Values{"back": {"agency"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != agencyURL {
			t.Fatalf("back to %q, want the agency's page", loc)
		}
		if got, _ := e.control.SubscriptionInvoiceByID(ctx, invs[0].ID); got.Status != control.SubInvoicePaid {
			t.Fatalf("%s", got.Status)
		}
		wantContains(t, op.get("/operator/audit"), "payment.recorded")
		res = op.get("/operator/billing/invoices/" + invs[0].ID + "/pdf")
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(res.Body, "%PDF-") {
			t.Fatal("not a PDF")
		}
	})
	t.Run("billing settings are validated and saved", func(t *testing.T) {
		op.get("/operator/billing/settings")
		res := op.post("/operator/billing/settings", url.Values{"seller_name": {"Host Co"}, "number_pattern": {"SUB-{SEQ}"}, "grace_days": {"7"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res = op.post("/operator/billing/settings", url.Values{"seller_name": {"Host Co"}, "number_pattern": {"H-{YYYY}-{SEQ:3}"}, "due_days": {"10"}, "grace_days": {"7"},
			"paysera_public_key": {"not a key"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Paste Paysera&#39;s public key as PEM text")
		res = op.post("/operator/billing/settings", url.Values{"seller_name": {"Host Co"}, "number_pattern": {"H-{YYYY}-{SEQ:3}"}, "due_days": {"10"}, "grace_days": {"7"}})
		wantStatus(t, res, http.StatusSeeOther)
		if s, _ := e.control.LoadSubscriptionSettings(ctx); s.SellerName != "Host Co" || s.GraceDays != 7 || s.DueDays != 10 {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("owners, staff and clients get 404 from every console page", func(t *testing.T) {
		c := e.mustSignup(t, "nosy")
		staffB, _ := e.mustAddUser(t, c, "staff")
		clientB, _ := e.mustAddUser(t, c, "client")
		for _, b := range []*browser{c.Owner, staffB, clientB} {
			for _, p := range []string{"/operator", agencyURL, "/operator/plans", "/operator/billing", "/operator/jobs", "/operator/audit", "/operator/billing/settings"} {
				wantStatus(t, b.get(p), http.StatusNotFound)
			}
		}
	})
}

// mustOperatorSignIn signs the operator in again after the clock jumped
// past the session's lifetime.
func (e *env) mustOperatorSignIn(t *testing.T, old *browser) *browser {
	t.Helper()
	return e.mustOperator(t)
}
