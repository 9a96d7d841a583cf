package paysera

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strings"
	"testing"
)

func mustKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemOf(t testing.TB, k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestBuild(t *testing.T) {
	s, err := Build(Request{ProjectID: "12345", OrderID: "ord-1", Amount: 1999, Currency: "EUR", AcceptURL: "https://a.test/ok", CancelURL: "https://a.test/no",
		CallbackURL: "https://a.test/cb", PayText: "Invoice INV 1 + more/things?", Test: true}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(s.Data, "+/") {
		t.Fatalf("data not url-safe: %s", s.Data)
	}
	if !CheckSign(s.Data, s.Sign, "secret") || CheckSign(s.Data, s.Sign, "other") {
		t.Fatal("sign is not md5(data + password)")
	}
	raw, err := Decode(s.Data)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(string(raw))
	for k, want := range map[string]string{"projectid": "12345", "orderid": "ord-1", "amount": "1999", "currency": "EUR", "version": "1.6", "test": "1", "paytext": "Invoice INV 1 + more/things?", "callbackurl": "https://a.test/cb"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if !strings.HasPrefix(s.URL, PayURL+"?data=") {
		t.Fatal(s.URL)
	}
	for _, bad := range []Request{{ProjectID: "x"}, {ProjectID: "1", OrderID: strings.Repeat("a", 41)}, {ProjectID: "1", OrderID: "a", Amount: 0}} {
		if _, err := Build(bad, "secret"); err == nil {
			t.Errorf("%+v built", bad)
		}
	}
}

func TestVerify(t *testing.T) {
	key := mustKey(t)
	pub, err := ParsePublicKey(pemOf(t, &key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	v := Verifier{Password: "secret", PublicKey: pub}
	fields := url.Values{"projectid": {"12345"}, "orderid": {"ord-1"}, "requestid": {"987"}, "status": {"1"}, "amount": {"1999"}, "currency": {"EUR"}, "test": {"0"}}
	good, err := SignCallback(fields, "secret", key, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a signed callback parses", func(t *testing.T) {
		cb, err := v.Verify(good)
		if err != nil {
			t.Fatal(err)
		}
		if cb.OrderID != "ord-1" || cb.Amount != 1999 || cb.Currency != "EUR" || cb.Status != StatusPaid || cb.RequestID != "987" {
			t.Fatalf("%+v", cb)
		}
	})
	t.Run("ss2 alone is enough", func(t *testing.T) {
		q := url.Values{"data": good["data"], "ss1": good["ss1"], "ss2": good["ss2"]}
		if _, err := v.Verify(q); err != nil {
			t.Fatal(err)
		}
	})
	refuse := func(name string, q url.Values, v Verifier) {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Verify(q); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	tampered, _ := url.ParseQuery(good.Encode())
	tampered.Set("data", Encode([]byte(strings.Replace(fields.Encode(), "1999", "1", 1))))
	refuse("tampered data is refused", tampered, v)
	other, _ := SignCallback(fields, "secret", mustKey(t), false)
	refuse("a wrong key is refused", other, v)
	wrongPass, _ := SignCallback(fields, "not-secret", key, false)
	refuse("a wrong ss1 is refused", wrongPass, v)
	refuse("ss1 only is refused by default", url.Values{"data": good["data"], "ss1": good["ss1"]}, v)
	refuse("no signature is refused", url.Values{"data": good["data"]}, v)
	refuse("garbage is refused", url.Values{"data": {"!!!"}, "ss2": {"???"}}, v)
	refuse("no public key refuses RSA", good, Verifier{Password: "secret"})
	t.Run("ss1 only passes when allowed", func(t *testing.T) {
		v := v
		v.AllowSS1Only = true
		if _, err := v.Verify(url.Values{"data": good["data"], "ss1": good["ss1"]}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParsePublicKey(t *testing.T) {
	for _, bad := range []string{"", "hello", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseData(f *testing.F) {
	f.Add(Encode([]byte("projectid=1&orderid=a&status=1&amount=100&currency=EUR")))
	f.Add("")
	f.Add("____")
	f.Add(Encode([]byte("amount=-1&projectid=1&orderid=a&status=1")))
	f.Fuzz(func(t *testing.T, data string) {
		cb, err := ParseData(data)
		if err == nil && (cb.OrderID == "" || cb.ProjectID == "" || cb.Amount < 0) {
			t.Fatalf("accepted incomplete callback %+v", cb)
		}
		// Verify with no key must never accept anything.
		if _, err := (Verifier{Password: "p"}).Verify(url.Values{"data": {data}, "ss2": {data}}); err == nil {
			t.Fatal("verified without a key")
		}
	})
}
