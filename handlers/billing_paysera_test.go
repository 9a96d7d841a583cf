package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"testing"
)

// mustPublicKeyPEM is the public half of a new RSA key, as PEM text.
func mustPublicKeyPEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// billingSettingsRow is the agency's stored billing settings, to see that
// a refused form changed nothing.
func (f *billingFixture) billingSettingsRows(t *testing.T) string {
	t.Helper()
	rows, err := f.tn.Read().QueryContext(context.Background(), `SELECT key, value FROM settings WHERE key LIKE 'billing.%' ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out += k + "=" + v + ";"
	}
	return out
}

// Billing settings say in words what Paysera does (off, incomplete with
// what is missing, test mode, live); a project id and password without the
// public key are refused with where the key comes from, and nothing is
// saved.
func TestBillingSettingsPayseraState(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	path := "/a/" + f.a.Slug + "/settings/billing"
	page := b.get(path)
	wantContains(t, page, "Paysera is off")
	wantContains(t, page, "paysera-off")

	base := url.Values{"currency": {"EUR"}, "number_pattern": {"INV-{YYYY}-{SEQ:4}"}, "terms_days": {"14"}, "reminder_days": {"3"}}
	form := func(kv ...string) url.Values {
		v, _ := url.ParseQuery(base.Encode())
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	before := f.billingSettingsRows(t)
	for name, bad := range map[string]url.Values{
		"project id and password without the key": form("paysera_project_id", "555", "paysera_password", "pw"),
		"a password alone without the key":        form("paysera_password", "pw"),
		"a project id alone without the key":      form("paysera_project_id", "555"),
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			res := b.post(path, bad)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "Paysera&#39;s public key is needed")
			wantContains(t, res, "https://www.paysera.com/download/public.key")
			wantContains(t, res, "ask your operator to fetch it")
			if got := f.billingSettingsRows(t); got != before {
				t.Fatalf("a refused form saved: %s, was %s", got, before)
			}
		})
	}

	key := mustPublicKeyPEM(t)
	wantStatus(t, b.post(path, form("paysera_project_id", "555", "paysera_password", "pw", "paysera_public_key", key, "paysera_test", "1")), http.StatusSeeOther)
	page = b.get(path)
	wantContains(t, page, "Test mode: the Pay button takes Paysera test payments for project 555")
	wantStatus(t, b.post(path, form("paysera_project_id", "555", "paysera_public_key", key)), http.StatusSeeOther) // the stored password is kept
	page = b.get(path)
	wantContains(t, page, "Live: clients pay invoices online through Paysera project 555.")
	wantNotContains(t, page, "Still missing")

	wantStatus(t, b.post(path, form("paysera_public_key", key, "clear_password", "1")), http.StatusSeeOther)
	page = b.get(path)
	wantContains(t, page, "Paysera is not working yet")
	wantContains(t, page, "the project id (Paysera")
	wantContains(t, page, "the project&#39;s sign password")
}

// "Check Paysera" signs a test request and verifies a test callback with
// the saved settings, says which step failed, and writes nothing.
func TestBillingSettingsPayseraCheck(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	path := "/a/" + f.a.Slug + "/settings/billing"
	check := path + "/paysera-check"
	b.get(path)

	res := b.post(check, nil)
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, "The check failed")
	wantContains(t, res, "✗ Settings complete")

	f.mustSetUpPaysera(t)
	before := f.billingSettingsRows(t)
	var audits int
	countAudits := func() int {
		var n int
		if err := f.tn.Read().QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	audits = countAudits()
	res = b.post(check, nil)
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, "Paysera is set up correctly")
	wantContains(t, res, "✓ A test payment request is signed")
	wantContains(t, res, "✓ A test callback is verified")
	wantContains(t, res, "an RSA key of 2048 bits")
	if f.billingSettingsRows(t) != before || countAudits() != audits {
		t.Fatal("the check wrote to the database")
	}

	t.Run("a public key that does not parse fails its step", func(t *testing.T) {
		if _, err := f.tn.Write().Exec(`UPDATE settings SET value = 'garbage' WHERE key = 'billing.paysera_public_key'`); err != nil {
			t.Fatal(err)
		}
		res := b.post(check, nil)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "The check failed")
		wantContains(t, res, "a public key that reads as PEM text")
	})
	t.Run("staff can't run it", func(t *testing.T) {
		f.staff1C.get(path)
		wantStatus(t, f.staff1C.post(check, nil), http.StatusNotFound)
	})
}
