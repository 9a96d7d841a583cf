package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// payseraInvoice is an issued invoice of agency A that staff sent to
// Paysera: the order the callback must name.
type payseraInvoice struct {
	id, order string
	total     int64
}

// mustPayseraInvoice issues an invoice and starts its Paysera payment.
func (f *billingFixture) mustPayseraInvoice(t *testing.T) payseraInvoice {
	t.Helper()
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	inv := f.mustIssue(t, b, id)
	b.get(f.inv("/" + id))
	res := b.post(f.inv("/"+id+"/pay"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := paysera.Decode(loc.Query().Get("data"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := url.ParseQuery(string(raw))
	if err != nil || req.Get("orderid") == "" {
		t.Fatalf("pay request %q: %v", raw, err)
	}
	return payseraInvoice{id: id, order: req.Get("orderid"), total: inv.Total}
}

// fields are the data of a paid callback for the whole invoice, with
// key/value overrides.
func (p payseraInvoice) fields(kv ...string) url.Values {
	v := url.Values{"projectid": {"555"}, "orderid": {p.order}, "requestid": {"r-" + p.order}, "status": {"1"},
		"amount": {strconv.FormatInt(p.total, 10)}, "currency": {"EUR"}, "test": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// signedSS2 signs fields as Paysera does with key and the agency's sign
// password "pw": data, ss1 and ss2, no ss3.
func signedSS2(t *testing.T, fields url.Values, key *rsa.PrivateKey) url.Values {
	t.Helper()
	q, err := paysera.SignCallback(fields, "pw", key, false)
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("ss2") == "" || q.Get("ss3") != "" {
		t.Fatalf("signed %v", q)
	}
	return q
}

// payseraCall sends a callback as Paysera does, by GET or by POST, from a
// browser with no session.
func (f *billingFixture) payseraCall(method string, q url.Values) *response {
	path := "/pay/" + f.a.Slug + "/paysera/callback"
	c := f.e.newClient()
	if method == "POST" {
		return c.do("POST", path, strings.NewReader(q.Encode()), "application/x-www-form-urlencoded")
	}
	return c.get(path + "?" + q.Encode())
}

// paymentState is an invoice's status, paid amount and payment rows.
func (f *billingFixture) paymentState(t *testing.T, id string) string {
	t.Helper()
	inv, err := f.tn.Invoice(context.Background(), tenant.Viewer{}, id)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.tn.Read().QueryRow(`SELECT COUNT(*) FROM payments WHERE invoice_id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return inv.Status + " paid " + strconv.FormatInt(inv.Paid, 10) + " in " + strconv.Itoa(n) + " payments"
}

// The callback route trusts only what the agency's Paysera public key
// signed: a callback with ss2 alone (no ss3) is checked against that key,
// and a signature by another key, or over other data, records nothing,
// whatever the rest of the callback says.
func TestPayseraCallbackChecksTheSS2Signature(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	key := f.mustSetUpPaysera(t)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	inv := f.mustPayseraInvoice(t)
	unpaid := f.paymentState(t, inv.id)
	if !strings.HasPrefix(unpaid, tenant.InvoiceIssued+" paid 0 in 0") {
		t.Fatalf("before any callback: %s", unpaid)
	}

	// ss2 over a one-cent callback, sent with the data of the whole amount.
	swapped := signedSS2(t, inv.fields(), key)
	swapped.Set("ss2", signedSS2(t, inv.fields("amount", "1"), key).Get("ss2"))
	wrongSS1 := signedSS2(t, inv.fields(), key)
	wrongSS1.Set("ss1", "0123456789abcdef0123456789abcdef")
	wrongSS3 := signedSS2(t, inv.fields(), key)
	withOtherKey, _ := paysera.SignCallback(inv.fields(), "pw", otherKey, true)
	wrongSS3.Set("ss3", withOtherKey.Get("ss3"))
	noSS2 := signedSS2(t, inv.fields(), key)
	noSS2.Del("ss2")
	refused := []struct {
		name string
		q    url.Values
	}{
		{"ss2 signed by another key", signedSS2(t, inv.fields(), otherKey)},
		{"ss2 signed by another key, without ss1", func() url.Values { q := signedSS2(t, inv.fields(), otherKey); q.Del("ss1"); return q }()},
		{"a valid ss2 of other data (the amount changed)", swapped},
		{"a wrong ss1 beside a right ss2", wrongSS1},
		{"a wrong ss3 beside a right ss2", wrongSS3},
		{"a right ss1 without ss2", noSS2},
		{"a garbled ss2", func() url.Values { q := signedSS2(t, inv.fields(), key); q.Set("ss2", "not-base64!"); return q }()},
	}
	for _, method := range []string{"GET", "POST"} {
		for _, tc := range refused {
			t.Run(method+" with "+tc.name+" is refused and records nothing", func(t *testing.T) {
				res := f.payseraCall(method, tc.q)
				if res.StatusCode != http.StatusBadRequest || res.Body != "Error" {
					t.Errorf("answered %d %q, want 400 \"Error\"", res.StatusCode, res.Body)
				}
				if got := f.paymentState(t, inv.id); got != unpaid {
					t.Errorf("the invoice went from %q to %q", unpaid, got)
				}
			})
		}
	}

	good := signedSS2(t, inv.fields(), key)
	t.Run("a right ss1 and ss2 are recorded and answered OK", func(t *testing.T) {
		res := f.payseraCall("GET", good)
		if res.StatusCode != http.StatusOK || res.Body != "OK" {
			t.Fatalf("answered %d %q", res.StatusCode, res.Body)
		}
		want := tenant.InvoicePaid + " paid " + strconv.FormatInt(inv.total, 10) + " in 1 payments"
		if got := f.paymentState(t, inv.id); got != want {
			t.Fatalf("%s, want %s", got, want)
		}
	})
	t.Run("the same callback again, by GET or POST, is answered OK and records nothing more", func(t *testing.T) {
		paid := f.paymentState(t, inv.id)
		for _, method := range []string{"GET", "POST", "GET"} {
			if res := f.payseraCall(method, good); res.Body != "OK" {
				t.Fatalf("%s replay answered %d %q", method, res.StatusCode, res.Body)
			}
		}
		if got := f.paymentState(t, inv.id); got != paid {
			t.Fatalf("a replay changed %q to %q", paid, got)
		}
	})
	t.Run("a right ss2 without ss1 is recorded: ss1 is checked only when sent", func(t *testing.T) {
		second := f.mustPayseraInvoice(t)
		q := signedSS2(t, second.fields(), key)
		q.Del("ss1")
		if res := f.payseraCall("POST", q); res.StatusCode != http.StatusOK || res.Body != "OK" {
			t.Fatalf("answered %d %q", res.StatusCode, res.Body)
		}
		if got := f.paymentState(t, second.id); !strings.HasPrefix(got, tenant.InvoicePaid+" ") || !strings.HasSuffix(got, " in 1 payments") {
			t.Fatalf("%s", got)
		}
	})
}
