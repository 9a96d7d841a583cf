package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// billingFixture is the client fixture with a client that has an email.
type billingFixture struct {
	*clientFixture
	client  *tenant.Client
	foreign *tenant.Client // agency B's
}

func mustBillingFixture(t *testing.T) *billingFixture {
	f := &billingFixture{clientFixture: mustClientFixture(t)}
	f.client = f.mustSeedClient(t, tenant.ClientInput{Name: "Žalia UAB", Kind: "company", Emails: []string{"pay@zalia.test"}, City: "Vilnius"})
	var err error
	f.foreign, err = f.e.mustTenant(t, f.b.ID).CreateClient(context.Background(), tenant.Viewer{UserID: f.bOwner.ID},
		tenant.ClientInput{Name: "Foreign", Kind: "person"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *billingFixture) inv(rest string) string { return "/a/" + f.a.Slug + "/invoices" + rest }

// invoiceForm is a valid two-line invoice form, with overrides.
func (f *billingFixture) invoiceForm(kv ...string) url.Values {
	v := url.Values{"client_id": {f.client.ID}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"}, "notes": {"Thanks"},
		"line_description": {"Design", "Hosting"}, "line_quantity": {"1.5", "1"}, "line_price": {"100", "9.99"}, "line_vat": {"21", "9"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = strings.Split(kv[i+1], "|")
	}
	return v
}

// mustCreateDraft posts the editor and returns the new draft's id.
func (f *billingFixture) mustCreateDraft(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	res := b.post(f.inv(""), form)
	wantStatus(t, res, http.StatusSeeOther)
	return strings.TrimPrefix(res.Header.Get("Location"), f.inv("/"))
}

func (f *billingFixture) mustIssue(t *testing.T, b *browser, id string) *tenant.Invoice {
	t.Helper()
	wantStatus(t, b.post(f.inv("/"+id+"/issue"), nil), http.StatusSeeOther)
	inv, err := f.tn.Invoice(context.Background(), tenant.Viewer{}, id)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func invoiceCount(t *testing.T, tn *tenant.Store) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvoiceFormRules(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	foreignCase, err := f.e.mustTenant(t, f.b.ID).CreateCase(context.Background(), tenant.Viewer{UserID: f.bOwner.ID}, tenant.Actor{ID: f.bOwner.ID, Name: "B"},
		tenant.CaseInput{ClientID: f.foreign.ID, Title: "B's case", Priority: tenant.PriorityNormal})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		form  url.Values
		field string
		msg   string
	}{
		"another agency's client":       {f.invoiceForm("client_id", f.foreign.ID), "client_id", "Choose one of your clients"},
		"a client id that is no uuid":   {f.invoiceForm("client_id", "1 OR 1=1"), "client_id", "Choose one of your clients"},
		"another agency's case":         {f.invoiceForm("case_id", foreignCase.ID), "case_id", "Choose one of this client"},
		"a case that does not exist":    {f.invoiceForm("case_id", "00000000-0000-4000-8000-000000000000"), "case_id", "Choose one of this client"},
		"a case id that is no uuid":     {f.invoiceForm("case_id", "C-0001"), "case_id", "Choose one of the client"},
		"an unknown currency":           {f.invoiceForm("currency", "BTC"), "currency", "Choose one of EUR"},
		"a bad date":                    {f.invoiceForm("issue_date", "2026-02-30"), "issue_date", "YYYY-MM-DD"},
		"terms that are no number":      {f.invoiceForm("terms_days", "ten"), "terms_days", "whole number of days"},
		"negative terms":                {f.invoiceForm("terms_days", "-1"), "terms_days", "0 to 365"},
		"a negative quantity":           {f.invoiceForm("line_quantity", "-1|1"), "line_quantity.0", "must not be negative"},
		"a zero quantity":               {f.invoiceForm("line_quantity", "0|1"), "line_quantity.0", "more than 0"},
		"a huge quantity":               {f.invoiceForm("line_quantity", "1|99999999"), "line_quantity.1", "too large"},
		"a quantity with 4 decimals":    {f.invoiceForm("line_quantity", "1.0001|1"), "line_quantity.0", "3 decimal"},
		"a price that is text":          {f.invoiceForm("line_price", "abc|1"), "line_price.0", "not a number"},
		"a negative price":              {f.invoiceForm("line_price", "-5|1"), "line_price.0", "negative"},
		"a huge price":                  {f.invoiceForm("line_price", "1|100000000"), "line_price.1", "too large"},
		"a price with 3 decimals":       {f.invoiceForm("line_price", "1.001|1"), "line_price.0", "2 decimal"},
		"a VAT rate above 100":          {f.invoiceForm("line_vat", "101|9"), "line_vat.0", "too large"},
		"a VAT rate that is text":       {f.invoiceForm("line_vat", "lots|9"), "line_vat.0", "not a number"},
		"an empty description":          {f.invoiceForm("line_description", " |Hosting"), "line_description.0", "Describe the line"},
		"a too long description":        {f.invoiceForm("line_description", strings.Repeat("x", 501)+"|Hosting"), "line_description.0", "At most 500"},
		"no lines":                      {f.invoiceForm("line_description", "", "line_quantity", "", "line_price", "", "line_vat", ""), "line_description.0", "Describe"},
		"too long notes":                {f.invoiceForm("notes", strings.Repeat("n", 2001)), "notes", "at most 2,000"},
		"a huge field before parsing":   {f.invoiceForm("line_price", strings.Repeat("9", 5000)+"|1"), "line_price.0", "too large"},
		"a client id thousands long":    {f.invoiceForm("client_id", strings.Repeat("a", 5000)), "client_id", "far too long"},
		"an archived-or-missing client": {f.invoiceForm("client_id", "9b2b4a4e-4a3a-4f8e-9a6a-8a2d1c3b4e5f"), "client_id", "Choose one of your clients"},
	}
	for name, c := range cases {
		t.Run(name+" is refused with a message and nothing written", func(t *testing.T) {
			res := b.post(f.inv(""), c.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, c.msg)
			if invoiceCount(t, f.tn) != 0 {
				t.Fatal("an invoice was written")
			}
		})
	}
	t.Run("a limited staff member can't bill another's client", func(t *testing.T) {
		f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"own"}, "two_factor_required": {"nobody"}})
		res := f.staff1C.post(f.inv(""), f.invoiceForm())
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if invoiceCount(t, f.tn) != 0 {
			t.Fatal("an invoice was written")
		}
		f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}})
	})
}

func TestInvoiceFlow(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	page := b.get(f.inv("/" + id))
	wantStatus(t, page, http.StatusOK)
	// 1.5 × 100 = 150.00 at 21 % (31.50) + 9.99 at 9 % (0.90) = 192.39
	wantContains(t, page, "192.39 EUR")
	t.Run("a draft is edited", func(t *testing.T) {
		b.get(f.inv("/" + id + "/edit"))
		wantStatus(t, b.post(f.inv("/"+id), f.invoiceForm("notes", "Changed")), http.StatusSeeOther)
		wantContains(t, b.get(f.inv("/"+id)), "Changed")
	})
	inv := f.mustIssue(t, b, id)
	if inv.Number != "INV-2026-0001" || inv.Total != 19239 {
		t.Fatalf("%+v", inv)
	}
	t.Run("an issued invoice is not edited or deleted", func(t *testing.T) {
		wantStatus(t, b.post(f.inv("/"+id), f.invoiceForm("notes", "Sneaky")), http.StatusConflict)
		wantStatus(t, b.get(f.inv("/"+id+"/edit")), http.StatusConflict)
		wantStatus(t, b.post(f.inv("/"+id+"/delete"), nil), http.StatusConflict)
	})
	t.Run("the PDF names the number", func(t *testing.T) {
		res := b.get(f.inv("/" + id + "/pdf"))
		wantStatus(t, res, http.StatusOK)
		if res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") || !strings.Contains(res.Body, "INV-2026-0001") {
			t.Fatalf("%s %q", res.Header.Get("Content-Type"), res.Body[:min(40, len(res.Body))])
		}
	})
	t.Run("sending emails the PDF", func(t *testing.T) {
		b.get(f.inv("/" + id))
		wantStatus(t, b.post(f.inv("/"+id+"/send"), nil), http.StatusSeeOther)
		f.e.flushMail(t)
		m := f.e.smtp.WaitFor(t, "pay@zalia.test", 5*time.Second)
		if !strings.Contains(m.Subject, "INV-2026-0001") || !strings.Contains(m.Data, `filename="INV-2026-0001.pdf"`) || !strings.Contains(m.Data, "application/pdf") {
			t.Fatalf("%s\n%s", m.Subject, m.Data[:min(2000, len(m.Data))])
		}
	})
	t.Run("payments: bad ones refused, overpayment refused, partial then full", func(t *testing.T) {
		b.get(f.inv("/" + id))
		for _, form := range []url.Values{
			{"amount": {"abc"}, "paid_on": {"2026-11-02"}, "method": {"cash"}},
			{"amount": {"-5"}, "paid_on": {"2026-11-02"}, "method": {"cash"}},
			{"amount": {"5"}, "paid_on": {"yesterday"}, "method": {"cash"}},
			{"amount": {"5"}, "paid_on": {"2030-01-01"}, "method": {"cash"}},
			{"amount": {"5"}, "paid_on": {"2026-11-02"}, "method": {"paysera"}},
			{"amount": {"5"}, "paid_on": {"2026-11-02"}, "method": {"cash"}, "reference": {strings.Repeat("r", 201)}},
		} {
			wantStatus(t, b.post(f.inv("/"+id+"/payments"), form), http.StatusUnprocessableEntity)
		}
		res := b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"192.40"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "more than the 192.39 EUR still owed")
		wantStatus(t, b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"100"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}, "reference": {"SEPA-123"}}), http.StatusSeeOther)
		page := b.get(f.inv("/" + id))
		wantContains(t, page, "Partially paid")
		wantContains(t, page, "SEPA-123")
		wantContains(t, page, "92.39 EUR")
		wantStatus(t, b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"92.39"}, "paid_on": {"2026-11-02"}, "method": {"cash"}}), http.StatusSeeOther)
		wantContains(t, b.get(f.inv("/"+id)), `inv-paid`)
	})
	t.Run("reports and CSV exports", func(t *testing.T) {
		other := f.mustSeedClient(t, tenant.ClientInput{Name: "=HYPERLINK(1)", Kind: "person"})
		late := f.mustCreateDraft(t, b, f.invoiceForm("client_id", other.ID, "issue_date", "2026-08-01"))
		f.mustIssue(t, b, late) // due 2026-08-15: 79 days late on 2026-11-02
		res := b.get(f.inv("/reports"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Total EUR")
		wantContains(t, res, "192.39 EUR") // the late one, in 61–90 days
		wantContains(t, res, "2026-11")
		csv := b.get(f.inv("/export.csv"))
		wantStatus(t, csv, http.StatusOK)
		if !strings.HasPrefix(csv.Body, "\ufeffNumber,") || !strings.Contains(csv.Body, "INV-2026-0001") || !strings.Contains(csv.Body, "'=HYPERLINK(1)") {
			t.Fatalf("%s", csv.Body)
		}
		pay := b.get("/a/" + f.a.Slug + "/payments/export.csv")
		if !strings.Contains(pay.Body, "SEPA-123") || !strings.Contains(pay.Body, "Bank transfer") {
			t.Fatalf("%s", pay.Body)
		}
	})
	t.Run("issuing and payments are audited", func(t *testing.T) {
		if len(auditEntries(t, f.tn, "invoice.issued")) == 0 || len(auditEntries(t, f.tn, "payment.recorded")) != 2 || len(auditEntries(t, f.tn, "invoice.sent")) != 1 {
			t.Fatal("missing audit entries")
		}
	})
	t.Run("the client page lists the invoice", func(t *testing.T) {
		res := b.get("/a/" + f.a.Slug + "/clients/" + f.client.ID + "?tab=invoices")
		wantContains(t, res, "INV-2026-0001")
	})
	t.Run("another agency's owner gets 404", func(t *testing.T) {
		other := f.e.mustLogin(t, f.b, f.b.OwnerEmail)
		res := other.get("/a/" + f.b.Slug + "/invoices/" + id)
		wantStatus(t, res, http.StatusNotFound)
	})
}

func TestBillingSettings(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	path := "/a/" + f.a.Slug + "/settings/billing"
	b.get(path)
	good := url.Values{"legal_name": {"Agency UAB"}, "currency": {"EUR"}, "number_pattern": {"A-{YYYY}-{SEQ:3}"}, "terms_days": {"10"},
		"reminder_days": {"3, 14, 30"}, "paysera_project_id": {"123"}, "paysera_password": {"topsecretpw"}, "paysera_public_key": {mustPublicKeyPEM(t)}}
	for field, bad := range map[string][2]string{
		"number_pattern":     {"INV-{SEQ}", "{YYYY}"},
		"terms_days":         {"-3", "0 to 365"},
		"reminder_days":      {"3, x", "Reminder days"},
		"currency":           {"XYZ", "Choose one of"},
		"paysera_project_id": {"abc", "project id"},
		"paysera_public_key": {"not a key", "PEM"},
		"email":              {"a@b.test, c@d.test", "one email address"},
		"legal_name":         {strings.Repeat("n", 201), "At most 200"},
	} {
		form, _ := url.ParseQuery(good.Encode())
		form.Set(field, bad[0])
		res := b.post(path, form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, bad[1])
	}
	wantStatus(t, b.post(path, good), http.StatusSeeOther)
	page := b.get(path)
	if strings.Contains(page.Body, "topsecretpw") {
		t.Fatal("the sign password is shown back")
	}
	wantContains(t, page, "ending in …pw")
	good.Del("paysera_password")
	wantStatus(t, b.post(path, good), http.StatusSeeOther)
	s, _ := f.tn.BillingSettings(context.Background())
	if s.PayseraPassword != "topsecretpw" || s.NumberPattern != "A-{YYYY}-{SEQ:3}" {
		t.Fatalf("%+v", s)
	}
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	if inv := f.mustIssue(t, b, id); inv.Number != "A-2026-001" {
		t.Fatal(inv.Number)
	}
	t.Run("staff can't open billing settings", func(t *testing.T) {
		wantStatus(t, f.staff1C.get(path), http.StatusNotFound)
	})
}

// payseraAgency sets agency A up for Paysera with a key made here.
func (f *billingFixture) mustSetUpPaysera(t *testing.T) *rsa.PrivateKey {
	return mustSetUpPaysera(t, f.a.Owner, f.a.Slug)
}

// mustSetUpPaysera fills an agency's billing settings (project 555, sign
// password "pw") with the public half of a new key, which it returns.
func mustSetUpPaysera(t *testing.T, b *browser, slug string) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	path := "/a/" + slug + "/settings/billing"
	b.get(path)
	wantStatus(t, b.post(path, url.Values{"currency": {"EUR"}, "number_pattern": {"INV-{YYYY}-{SEQ:4}"}, "terms_days": {"14"}, "reminder_days": {"3"},
		"paysera_project_id": {"555"}, "paysera_password": {"pw"}, "paysera_public_key": {string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}}), http.StatusSeeOther)
	return key
}

func TestPayseraCheckout(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	key := f.mustSetUpPaysera(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	inv := f.mustIssue(t, b, id)
	b.get(f.inv("/" + id))
	res := b.post(f.inv("/"+id+"/pay"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	loc, _ := url.Parse(res.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), paysera.PayURL) || !paysera.CheckSign(loc.Query().Get("data"), loc.Query().Get("sign"), "pw") {
		t.Fatalf("pay redirect %s", loc)
	}
	raw, _ := paysera.Decode(loc.Query().Get("data"))
	req, _ := url.ParseQuery(string(raw))
	if req.Get("amount") != "19239" || req.Get("currency") != "EUR" || req.Get("projectid") != "555" || req.Get("callbackurl") != "http://mm.test/pay/"+f.a.Slug+"/paysera/callback" {
		t.Fatalf("%v", req)
	}
	order := req.Get("orderid")
	callbackPath := "/pay/" + f.a.Slug + "/paysera/callback"
	call := func(q url.Values) *response {
		c := f.e.newClient()
		return c.get(callbackPath + "?" + q.Encode())
	}
	fields := func(kv ...string) url.Values {
		v := url.Values{"projectid": {"555"}, "orderid": {order}, "requestid": {"9001"}, "status": {"1"}, "amount": {strconv.FormatInt(inv.Total, 10)}, "currency": {"EUR"}, "test": {"0"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	signed := func(v url.Values, k *rsa.PrivateKey) url.Values {
		q, err := paysera.SignCallback(v, "pw", k, true)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	paymentsNow := func() int {
		var n int
		f.tn.Read().QueryRow(`SELECT count(*) FROM payments`).Scan(&n)
		return n
	}
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	tampered := signed(fields(), key)
	tampered.Set("data", paysera.Encode([]byte(fields("amount", "1").Encode())))
	ss1Only := signed(fields(), key)
	ss1Only.Del("ss2")
	ss1Only.Del("ss3")
	for name, q := range map[string]url.Values{
		"tampered data":  tampered,
		"a wrong key":    signed(fields(), otherKey),
		"ss1 only":       ss1Only,
		"no signature":   {"data": tampered["data"]},
		"garbage":        {"data": {"%%%"}, "ss1": {"x"}, "ss2": {"y"}},
		"wrong project":  signed(fields("projectid", "556"), key),
		"wrong amount":   signed(fields("amount", "100"), key),
		"wrong currency": signed(fields("currency", "USD"), key),
		"a test payment": signed(fields("test", "1"), key),
		"unknown order":  signed(fields("orderid", "abc"), key),
	} {
		t.Run(name+" is refused and records nothing", func(t *testing.T) {
			res := call(q)
			if res.StatusCode != http.StatusBadRequest || res.Body != "Error" {
				t.Fatalf("%d %q", res.StatusCode, res.Body)
			}
			if paymentsNow() != 0 {
				t.Fatal("a payment was recorded")
			}
		})
	}
	for _, status := range []string{"0", "2"} {
		res := call(signed(fields("status", status), key))
		if res.Body != "OK" || paymentsNow() != 0 {
			t.Fatalf("status %s: %q, %d payments", status, res.Body, paymentsNow())
		}
	}
	t.Run("the accept page marks nothing paid", func(t *testing.T) {
		c := f.e.newClient()
		res := c.get("/a/" + f.a.Slug + "/payments/paysera/accept?invoice=" + id)
		wantStatus(t, res, http.StatusOK)
		if paymentsNow() != 0 {
			t.Fatal("paid by the accept page")
		}
	})
	t.Run("ten identical callbacks at once pay once, each answered OK", func(t *testing.T) {
		q := signed(fields(), key)
		var wg sync.WaitGroup
		bodies := make(chan string, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bodies <- call(q).Body
			}()
		}
		wg.Wait()
		close(bodies)
		for body := range bodies {
			if body != "OK" {
				t.Fatalf("answered %q", body)
			}
		}
		if paymentsNow() != 1 {
			t.Fatalf("%d payments", paymentsNow())
		}
		if res := call(q); res.Body != "OK" || paymentsNow() != 1 {
			t.Fatal("a replay recorded again")
		}
		got, _ := f.tn.Invoice(context.Background(), tenant.Viewer{}, id)
		if got.Status != tenant.InvoicePaid {
			t.Fatal(got.Status)
		}
	})
	t.Run("a POSTed callback works too", func(t *testing.T) {
		c := f.e.newClient()
		res := c.do("POST", callbackPath, strings.NewReader(signed(fields(), key).Encode()), "application/x-www-form-urlencoded")
		if res.Body != "OK" {
			t.Fatalf("%d %q", res.StatusCode, res.Body)
		}
	})
	t.Run("an unknown agency is refused", func(t *testing.T) {
		if res := call(signed(fields(), key)); res.StatusCode != 200 {
			t.Fatal(res.StatusCode)
		}
		c := f.e.newClient()
		if res := c.get("/pay/no-such-agency/paysera/callback"); res.StatusCode != http.StatusBadRequest {
			t.Fatal(res.StatusCode)
		}
	})
}

func TestInvoiceSendWithoutEmail(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	noEmail := f.mustSeedClient(t, tenant.ClientInput{Name: "Silent Ltd", Kind: "company"})
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm("client_id", noEmail.ID))
	t.Run("a draft is not sent", func(t *testing.T) {
		wantStatus(t, b.post(f.inv("/"+id+"/send"), nil), http.StatusConflict)
	})
	f.mustIssue(t, b, id)
	res := b.post(f.inv("/"+id+"/send"), nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "Silent Ltd has no email address")
}

func TestInvoiceEditorLines(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	undo := htmx(b)
	res := b.get(f.inv("/line"))
	undo()
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, `name="line_description"`)
	wantNotContains(t, res, "<html")
	res = b.get(f.inv("/line?remove=1"))
	if res.StatusCode != http.StatusOK || res.Body != "" {
		t.Fatalf("%d %q", res.StatusCode, res.Body)
	}
	t.Run("the client search narrows the menu", func(t *testing.T) {
		f.mustSeedClient(t, tenant.ClientInput{Name: "Other Co", Kind: "company"})
		res := b.get(f.inv("/new?client_q=" + url.QueryEscape("Žalia")))
		wantContains(t, res, f.client.ID)
		wantNotContains(t, res, "Other Co")
	})
	t.Run("the case menu follows the client", func(t *testing.T) {
		k, err := f.tn.CreateCase(context.Background(), tenant.Viewer{UserID: f.owner.ID}, tenant.Actor{ID: f.owner.ID, Name: "O"},
			tenant.CaseInput{ClientID: f.client.ID, Title: "Rebrand", Priority: tenant.PriorityNormal})
		if err != nil {
			t.Fatal(err)
		}
		res := b.get(f.inv("/cases?client_id=" + f.client.ID))
		wantContains(t, res, k.ID)
		wantContains(t, res, "Rebrand")
		wantNotContains(t, b.get(f.inv("/cases?client_id="+f.foreign.ID)), "B&#39;s case")
	})
}
