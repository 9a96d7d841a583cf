package paysera_test

import (
	"encoding/base64"
	"errors"
	"net/url"
	"testing"

	"mintedmind/paysera"
	"mintedmind/paysera/payseratest"
)

// phpEncrypt builds an encrypted callback's data the way Paysera's side
// does (payseratest.EncryptData, which uses crypto/aes directly and none of
// our encoding helpers).
func phpEncrypt(_ *testing.T, plaintext, password string, iv []byte) string {
	return payseratest.EncryptData(plaintext, password, iv)
}

// An encrypted callback (data only, no ss1/ss2/ss3) is decrypted under the
// project password and parsed; a wrong password, a changed byte or a cut
// tag is a bad signature, and no RSA key is needed for it.
func TestVerifyEncryptedCallback(t *testing.T) {
	const password = "0123456789abcdef0123456789abcdef" // 32 characters, as Paysera issues them
	plain := "projectid=555&orderid=ord-7&requestid=r-1&status=1&amount=12000&currency=eur&payamount=12000&paycurrency=EUR&test=0&payment=hanza"
	iv := []byte("twelve bytes")
	data := phpEncrypt(t, plain, password, iv)

	cb, err := paysera.Verifier{Password: password}.Verify(url.Values{"data": {data}})
	if err != nil {
		t.Fatal(err)
	}
	if !cb.Encrypted || cb.ProjectID != "555" || cb.OrderID != "ord-7" || cb.Status != paysera.StatusPaid || cb.Amount != 12000 ||
		cb.Currency != "EUR" || cb.Test || cb.RequestID != "r-1" {
		t.Fatalf("parsed %+v", cb)
	}

	t.Run("a short password is padded with zero bytes as openssl does", func(t *testing.T) {
		d := phpEncrypt(t, plain, "pw", iv)
		if _, err := (paysera.Verifier{Password: "pw"}).Verify(url.Values{"data": {d}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("without padding characters", func(t *testing.T) {
		d := base64.RawURLEncoding.EncodeToString(mustDecode(t, data))
		if _, err := (paysera.Verifier{Password: password}).Verify(url.Values{"data": {d}}); err != nil {
			t.Fatal(err)
		}
	})

	raw := mustDecode(t, data)
	flipped := append([]byte{}, raw...)
	flipped[len(iv)+3] ^= 1
	refused := map[string]url.Values{
		"under another password": {"data": {phpEncrypt(t, plain, "another password", iv)}},
		"with a changed byte":    {"data": {base64.URLEncoding.EncodeToString(flipped)}},
		"with the tag cut off":   {"data": {base64.URLEncoding.EncodeToString(raw[:len(raw)-16])}},
		"too short for iv + tag": {"data": {base64.URLEncoding.EncodeToString(raw[:20])}},
		"not base64":             {"data": {"%%%"}},
	}
	for name, q := range refused {
		t.Run("refused "+name, func(t *testing.T) {
			if cb, err := (paysera.Verifier{Password: password}).Verify(q); !errors.Is(err, paysera.ErrSignature) {
				t.Fatalf("%+v %v, want ErrSignature", cb, err)
			}
		})
	}
	t.Run("refused without a password", func(t *testing.T) {
		if _, err := (paysera.Verifier{}).Verify(url.Values{"data": {data}}); !errors.Is(err, paysera.ErrSignature) {
			t.Fatal(err)
		}
	})
	t.Run("a plain data string with no signature is refused", func(t *testing.T) {
		d := base64.URLEncoding.EncodeToString([]byte(plain))
		if _, err := (paysera.Verifier{Password: password}).Verify(url.Values{"data": {d}}); err == nil {
			t.Fatal("unsigned, unencrypted data accepted")
		}
	})
}

// EncryptCallback (the settings' check) makes what Verify opens.
func TestEncryptCallbackRoundTrip(t *testing.T) {
	q, err := paysera.EncryptCallback(url.Values{"projectid": {"9"}, "orderid": {"o"}, "status": {"1"}, "amount": {"5"}, "currency": {"EUR"}}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q.Get("data") == "" {
		t.Fatalf("want data only, got %v", q)
	}
	cb, err := paysera.Verifier{Password: "secret"}.Verify(q)
	if err != nil || !cb.Encrypted || cb.Amount != 5 {
		t.Fatalf("%+v %v", cb, err)
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
