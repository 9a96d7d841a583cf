package paysera

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// fuzzKey is one RSA key per test process, made on first use: making one
// takes far longer than a fuzzing run's single check. It has 1024 bits,
// the least crypto/rsa allows, because signing is most of each check's
// time; the code under test is the same for any key size.
var fuzzKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

// callbackFields makes a callback's parameters from fuzzed values; extra
// is one more parameter unless its name is one of the callback's own.
func callbackFields(projectID, orderID, status string, amount int64, currency, extraKey, extraValue string) url.Values {
	f := url.Values{"projectid": {projectID}, "orderid": {orderID}, "status": {status}, "amount": {strconv.FormatInt(amount, 10)}, "currency": {currency}}
	if _, taken := f[extraKey]; !taken && extraKey != "payamount" && extraKey != "test" && extraKey != "paycurrency" {
		f.Set(extraKey, extraValue)
	}
	return f
}

// FuzzCallbackData checks the data encoding both ways.
//
// Decode(Encode(b)) is b for any bytes, also with the padding left off or
// white space around it, and Encode's output is URL-safe base64 (letters,
// digits, "-", "_", and "=" padding, in whole groups of four).
//
// Callback parameters encoded as Paysera does parse back: ParseData gives
// every parameter back unchanged (in Fields and in the named fields, the
// currency uppercased), and refuses exactly the callbacks without a
// project, order or status, or with a negative amount.
//
// A payment request built from the same values (extra as its pay text)
// decodes to its fields (the pay text cut to PayTextMax bytes on a
// character boundary), its redirect URL carries data and sign, the sign
// checks with the password and not with another, and a flipped byte of the
// data or of the sign never checks.
func FuzzCallbackData(f *testing.F) {
	f.Add([]byte("projectid=1&orderid=a&status=1&amount=100&currency=EUR"), "12345", "ord-1", "1", int64(1999), "eur", "requestid", "987", "secret", uint16(0), byte(1))
	f.Add([]byte{}, "1", "a b+c&d=e", "0", int64(0), "EUR", "paytext", "ąčę / ? # %", "p", uint16(77), byte(0x80))
	f.Add([]byte{0xfb, 0xff, 0xbf}, "", "x", "1", int64(1), "EUR", "", "", "pw", uint16(65535), byte(0xff))
	f.Add([]byte{0xfe}, "1", "x", "1", int64(-1), "EUR", "test", "1", "pw", uint16(3), byte(0x20))
	f.Add([]byte("paytext=Invoice+1+%2B+more%2Fthings%3F"), "4294967295", "x\xff", "3", int64(9223372036854775807), "\x00", "k;v", strings.Repeat("ą", 200), "secret", uint16(9), byte(4))
	f.Fuzz(func(t *testing.T, raw []byte, projectID, orderID, status string, amount int64, currency, extraKey, extraValue, password string, where uint16, mask byte) {
		// Any bytes.
		e := Encode(raw)
		if len(e)%4 != 0 {
			t.Fatalf("Encode(%q) = %q, not whole groups of four", raw, e)
		}
		for i, c := range e {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=' && i >= len(e)-2) {
				t.Fatalf("Encode(%q) = %q has %q at %d", raw, e, c, i)
			}
		}
		for _, s := range []string{e, strings.TrimRight(e, "="), " " + e + "\n"} {
			got, err := Decode(s)
			if err != nil || !bytes.Equal(got, raw) {
				t.Fatalf("Decode(%q) = %q, %v; want %q", s, got, err, raw)
			}
		}

		// A callback's parameters.
		fields := callbackFields(projectID, orderID, status, amount, currency, extraKey, extraValue)
		cb, err := ParseData(Encode([]byte(fields.Encode())))
		wantErr := projectID == "" || orderID == "" || status == "" || amount < 0
		if wantErr != (err != nil) {
			t.Fatalf("fields %v: ParseData error %v, want an error: %v", fields, err, wantErr)
		}
		if err == nil {
			if !reflect.DeepEqual(cb.Fields, fields) {
				t.Fatalf("Fields %v, want %v", cb.Fields, fields)
			}
			if cb.ProjectID != projectID || cb.OrderID != orderID || cb.Status != status || cb.Amount != amount || cb.Currency != strings.ToUpper(currency) ||
				cb.Test || cb.PayAmount != 0 || cb.PayCurrency != "" || cb.RequestID != fields.Get("requestid") {
				t.Fatalf("fields %v parsed as %+v", fields, cb)
			}
		}

		// A payment request.
		r := Request{ProjectID: projectID, OrderID: orderID, Amount: amount, Currency: currency, AcceptURL: "https://a.test/ok",
			CancelURL: "https://a.test/no", CallbackURL: "https://a.test/cb", PayText: extraValue, Email: extraKey, Test: where%2 == 0}
		checkBuild(t, r, password, where, mask)
	})
}

func checkBuild(t *testing.T, r Request, password string, where uint16, mask byte) {
	t.Helper()
	s, err := Build(r, password)
	if err != nil {
		return
	}
	raw, err := Decode(s.Data)
	if err != nil {
		t.Fatalf("built data %q does not decode: %v", s.Data, err)
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil {
		t.Fatalf("built data %q is not a query: %v", raw, err)
	}
	test := "0"
	if r.Test {
		test = "1"
	}
	for k, want := range map[string]string{"projectid": r.ProjectID, "orderid": r.OrderID, "amount": strconv.FormatInt(r.Amount, 10),
		"currency": r.Currency, "version": Version, "test": test, "accepturl": r.AcceptURL, "cancelurl": r.CancelURL, "callbackurl": r.CallbackURL} {
		if got := q.Get(k); got != want {
			t.Fatalf("%s = %q, want %q", k, got, want)
		}
	}
	if pt := q.Get("paytext"); len(pt) > PayTextMax || !strings.HasPrefix(r.PayText, pt) || (len(r.PayText) <= PayTextMax && pt != r.PayText) ||
		(utf8.ValidString(r.PayText) && pt != r.PayText && !utf8.RuneStart(r.PayText[len(pt)])) {
		t.Fatalf("paytext %q sent as %q", r.PayText, pt)
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Query().Get("data") != s.Data || u.Query().Get("sign") != s.Sign {
		t.Fatalf("URL %q does not carry data and sign (%v)", s.URL, err)
	}
	if !CheckSign(s.Data, s.Sign, password) || CheckSign(s.Data, s.Sign, password+"x") {
		t.Fatal("sign is not md5(data + password)")
	}
	if CheckSign(flip(s.Data, where, mask), s.Sign, password) {
		t.Fatalf("data with byte %d flipped still checks", int(where)%len(s.Data))
	}
	if CheckSign(s.Data, flip(s.Sign, where, mask), password) {
		t.Fatalf("sign with byte %d flipped still checks", int(where)%len(s.Sign))
	}
}

// flip changes one byte of s, at where (modulo its length), by xor with
// mask (1 when mask is 0).
func flip(s string, where uint16, mask byte) string {
	if s == "" {
		return s
	}
	if mask == 0 {
		mask = 1
	}
	b := []byte(s)
	b[int(where)%len(b)] ^= mask
	return string(b)
}

// FuzzVerify signs a callback with a generated key, as Paysera would, and
// checks the Verifier: the signed callback verifies and parses as
// ParseData does; with a byte of the data flipped or the data cut short
// it never verifies, whichever signatures are sent; a flipped ss1 fails
// (unless only its letters' case changed: it is hex); a flipped RSA
// signature fails unless it still decodes to the same signature bytes;
// ss2 is not consulted when ss3 is there; and fuzzed signatures never
// verify fuzzed data.
func FuzzVerify(f *testing.F) {
	f.Add("ord-1", int64(1999), "1", true, uint16(0), byte(1), uint8(0), "data", "sig")
	f.Add("ord-2", int64(5), "0", false, uint16(9), byte(0x20), uint8(2), "", "")
	f.Add("ą&b=c", int64(0), "3", true, uint16(400), byte(0x80), uint8(4), "cHJvamVjdGlkPTE=", "____")
	f.Fuzz(func(t *testing.T, orderID string, amount int64, status string, withSS3 bool, where uint16, mask byte, what uint8, junkData, junkSig string) {
		if orderID == "" || status == "" || amount < 0 {
			return
		}
		key := fuzzKey()
		v := Verifier{Password: "secret", PublicKey: &key.PublicKey}
		fields := url.Values{"projectid": {"12345"}, "orderid": {orderID}, "status": {status}, "amount": {strconv.FormatInt(amount, 10)}, "currency": {"EUR"}}
		good, err := SignCallback(fields, "secret", key, withSS3)
		if err != nil {
			t.Fatal(err)
		}
		if len(good.Get("data")) > 1<<16 {
			return // too long for Verify by design
		}
		cb, err := v.Verify(good)
		if err != nil {
			t.Fatalf("signed callback refused: %v", err)
		}
		parsed, err := ParseData(good.Get("data"))
		if err != nil || !reflect.DeepEqual(cb, parsed) {
			t.Fatalf("Verify gave %+v, ParseData %+v (%v)", cb, parsed, err)
		}

		tampered := func(change func(q url.Values)) url.Values {
			q := url.Values{}
			for k, vs := range good {
				q[k] = append([]string(nil), vs...)
			}
			change(q)
			return q
		}
		refused := func(why string, q url.Values, v Verifier) {
			t.Helper()
			if _, err := v.Verify(q); !errors.Is(err, ErrSignature) {
				t.Fatalf("%s: Verify gave %v, want ErrSignature", why, err)
			}
		}
		data := good.Get("data")
		ss1only := v
		ss1only.AllowSS1Only = true
		switch what % 6 {
		case 0: // the data, with every signature
			refused("flipped data", tampered(func(q url.Values) { q.Set("data", flip(data, where, mask)) }), v)
			refused("flipped data, ss1 only allowed", tampered(func(q url.Values) { q.Set("data", flip(data, where, mask)) }), ss1only)
		case 1: // the data, RSA signatures only
			q := tampered(func(q url.Values) { q.Del("ss1"); q.Set("data", flip(data, where, mask)) })
			refused("flipped data without ss1", q, v)
			q = tampered(func(q url.Values) { q.Del("ss2"); q.Del("ss3"); q.Set("data", flip(data, where, mask)) })
			refused("flipped data with ss1 only", q, ss1only)
		case 2: // the data, cut short
			n := int(where) % len(data)
			refused("cut data", tampered(func(q url.Values) { q.Set("data", data[:n]) }), v)
			refused("cut data, ss1 only allowed", tampered(func(q url.Values) { q.Set("data", data[:n]); q.Del("ss2"); q.Del("ss3") }), ss1only)
		case 3: // ss1
			ss1 := good.Get("ss1")
			bad := flip(ss1, where, mask)
			q := tampered(func(q url.Values) { q.Set("ss1", bad) })
			if _, err := v.Verify(q); err == nil && strings.ToLower(bad) != ss1 {
				t.Fatalf("ss1 %q flipped to %q still verifies", ss1, bad)
			}
		case 4: // the RSA signature that counts: ss3 if sent, else ss2
			name := "ss2"
			if withSS3 {
				name = "ss3"
			}
			sig := good.Get(name)
			bad := flip(sig, where, mask)
			q := tampered(func(q url.Values) { q.Set(name, bad) })
			if _, err := v.Verify(q); err == nil {
				was, _ := Decode(sig)
				now, err := Decode(bad)
				if err != nil || !bytes.Equal(was, now) {
					t.Fatalf("%s with byte %d flipped (%q → %q) still verifies", name, int(where)%len(sig), sig, bad)
				}
			}
			if withSS3 {
				// ss2 is not looked at when ss3 is there.
				if _, err := v.Verify(tampered(func(q url.Values) { q.Set("ss2", flip(good.Get("ss2"), where, mask)) })); err != nil {
					t.Fatalf("a flipped ss2 next to a good ss3 refused: %v", err)
				}
			}
		case 5: // made-up signatures
			for _, q := range []url.Values{
				{"data": {junkData}, "ss2": {junkSig}},
				{"data": {junkData}, "ss3": {junkSig}},
				{"data": {data}, "ss1": {junkSig}, "ss3": {junkSig}},
				{"data": {junkData}, "ss1": {junkSig}},
			} {
				refused("made-up signature", q, v)
			}
			if strings.ToLower(junkSig) != md5Hex(junkData, "secret") {
				refused("made-up ss1", url.Values{"data": {junkData}, "ss1": {junkSig}}, ss1only)
			}
			refused("the right ss1 for another password", url.Values{"data": {data}, "ss1": {md5Hex(data, "not-secret")}}, ss1only)
		}
	})
}
