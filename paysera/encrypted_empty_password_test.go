package paysera_test

import (
	"errors"
	"net/url"
	"testing"

	"mintedmind/paysera"
	"mintedmind/paysera/payseratest"
)

// Without a project password no encrypted callback is believed: data
// encrypted under the empty password (an all-zero AES key, which anyone can
// make) is a bad signature for a verifier without one (mutant
// paysera-encrypted-empty-password).
func TestEncryptedCallbackWantsAPassword(t *testing.T) {
	plain := "projectid=555&orderid=ord-7&requestid=r-1&status=1&amount=12000&currency=EUR&test=0"
	data := payseratest.EncryptData(plain, "", []byte("twelve bytes"))
	if _, err := paysera.Decrypt(data, ""); !errors.Is(err, paysera.ErrSignature) {
		t.Fatalf("Decrypt without a password: %v, want ErrSignature", err)
	}
	if cb, err := (paysera.Verifier{}).Verify(url.Values{"data": {data}}); !errors.Is(err, paysera.ErrSignature) {
		t.Fatalf("Verify without a password: %+v %v, want ErrSignature", cb, err)
	}
}
