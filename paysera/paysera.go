// Package paysera speaks Paysera's checkout protocol (WebToPay, version 1.6):
// it builds the signed payment request a payer is redirected with, and
// verifies and parses the callback Paysera sends when a payment changes.
//
// Encoding, as the specification and Paysera's own library
// (paysera/lib-webtopay) do it: the parameters are URL-encoded as a query
// string (spaces as "+"), base64-encoded with "+" → "-" and "/" → "_"
// (padding kept), and signed as md5(data + sign password) in hex. A
// callback carries data, ss1 = md5(data + password), and ss2 — an RSA
// signature with SHA-1 over the data string as received, url-safe base64
// — and newer ones ss3, the same with SHA-256, both checked with Paysera's
// public key.
//
// Since 2022 Paysera may instead send a callback that carries only data,
// encrypted with AES-256-GCM under the project password: base64 (URL-safe)
// of iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes), the plaintext being the
// same query string. lib-webtopay decrypts it with openssl_decrypt, which
// pads a password shorter than 32 bytes with zero bytes and cuts a longer
// one (Paysera's project passwords are 32 characters).
package paysera

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Version is the protocol version sent with every request.
const Version = "1.6"

// PayURL is where the payer is sent.
const PayURL = "https://bank.paysera.com/pay/"

// Paysera's field limits (lib-webtopay's request specification).
const (
	OrderIDMax = 40
	URLMax     = 255
	PayTextMax = 255
)

// Request is one payment request.
type Request struct {
	ProjectID   string
	OrderID     string
	Amount      int64 // minor units (cents)
	Currency    string
	AcceptURL   string
	CancelURL   string
	CallbackURL string
	PayText     string
	Email       string // p_email, optional
	Lang        string // e.g. "ENG", optional
	Test        bool
	// PayURL is where the payer is sent, PayURL (Paysera's) when empty: a
	// stand-in server in tests, or a proxy.
	PayURL string
}

// Signed is a request ready to send: the redirect URL is PayURL?data=…&sign=….
type Signed struct {
	Data string
	Sign string
	URL  string
}

// Encode URL-safe base64 as Paysera wants it.
func Encode(b []byte) string {
	return strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(b))
}

// Decode reverses Encode; missing padding is tolerated.
func Decode(s string) ([]byte, error) {
	s = strings.NewReplacer("-", "+", "_", "/").Replace(strings.TrimSpace(s))
	if m := len(s) % 4; m != 0 {
		s += strings.Repeat("=", 4-m)
	}
	return base64.StdEncoding.DecodeString(s)
}

// md5Hex is the hex md5 of data followed by password.
func md5Hex(data, password string) string {
	sum := md5.Sum([]byte(data + password))
	return hex.EncodeToString(sum[:])
}

// Build checks and signs a request with the project's sign password.
func Build(r Request, password string) (Signed, error) {
	if _, err := strconv.ParseUint(r.ProjectID, 10, 32); err != nil {
		return Signed{}, errors.New("paysera: the project id is a number")
	}
	if password == "" {
		return Signed{}, errors.New("paysera: no sign password")
	}
	if r.OrderID == "" || len(r.OrderID) > OrderIDMax {
		return Signed{}, fmt.Errorf("paysera: order id of 1 to %d characters", OrderIDMax)
	}
	if r.Amount <= 0 {
		return Signed{}, errors.New("paysera: the amount must be positive")
	}
	if len(r.Currency) != 3 {
		return Signed{}, errors.New("paysera: currency is a 3-letter code")
	}
	for _, u := range []string{r.AcceptURL, r.CancelURL, r.CallbackURL} {
		if u == "" || len(u) > URLMax {
			return Signed{}, fmt.Errorf("paysera: URLs of 1 to %d characters are required", URLMax)
		}
	}
	v := url.Values{}
	v.Set("projectid", r.ProjectID)
	v.Set("orderid", r.OrderID)
	v.Set("amount", strconv.FormatInt(r.Amount, 10))
	v.Set("currency", r.Currency)
	v.Set("accepturl", r.AcceptURL)
	v.Set("cancelurl", r.CancelURL)
	v.Set("callbackurl", r.CallbackURL)
	v.Set("version", Version)
	if r.PayText != "" {
		v.Set("paytext", clipBytes(r.PayText, PayTextMax))
	}
	if r.Email != "" && len(r.Email) <= 255 {
		v.Set("p_email", r.Email)
	}
	if r.Lang != "" {
		v.Set("lang", r.Lang)
	}
	test := "0"
	if r.Test {
		test = "1"
	}
	v.Set("test", test)
	data := Encode([]byte(v.Encode()))
	sign := md5Hex(data, password)
	to := PayURL
	if r.PayURL != "" {
		to = r.PayURL
	}
	return Signed{Data: data, Sign: sign, URL: to + "?" + url.Values{"data": {data}, "sign": {sign}}.Encode()}, nil
}

// clipBytes cuts s to at most n bytes on a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Payment statuses in a callback.
const (
	StatusNotPaid  = "0" // not executed
	StatusPaid     = "1" // paid: the only one that moves money
	StatusAccepted = "2" // accepted, not executed yet
	StatusInfo     = "3" // additional information
)

// Callback is what a verified callback says.
type Callback struct {
	ProjectID   string
	OrderID     string
	RequestID   string // Paysera's id of the payment
	Status      string
	Amount      int64
	Currency    string
	PayAmount   int64 // what the payer paid, in PayCurrency
	PayCurrency string
	Payment     string // the payment method
	Test        bool
	Encrypted   bool       // came in the encrypted format (data only, AES-256-GCM)
	Fields      url.Values // everything, for the record
}

// ErrSignature is any failed signature check; callers say nothing more to
// the sender.
var ErrSignature = errors.New("paysera: bad signature")

// Verifier checks callbacks for one project.
type Verifier struct {
	Password  string
	PublicKey *rsa.PublicKey
	// AllowSS1Only accepts callbacks that carry only the md5 signature
	// (which anyone knowing the password can make). Off unless an agency
	// explicitly turns it on.
	AllowSS1Only bool
}

// ParsePublicKey reads Paysera's public key: a PEM "PUBLIC KEY" (PKIX), an
// "RSA PUBLIC KEY" (PKCS #1) or a certificate.
func ParsePublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("paysera: the public key is not PEM text (-----BEGIN PUBLIC KEY-----…)")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		cert, err = x509.ParseCertificate(block.Bytes)
		if err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("paysera: a PEM %q block is not a public key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("paysera: public key: %w", err)
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("paysera: the public key is not an RSA key")
	}
	return rk, nil
}

// Verify checks a callback's signatures over the raw data string and
// parses it. q holds the callback's parameters (data, ss1, ss2, ss3). ss1
// must match when present; at least one RSA signature (ss3, else ss2) is
// required unless AllowSS1Only. A callback with none of ss1, ss2 and ss3
// is the encrypted format: data must decrypt and authenticate under the
// password (Decrypt).
func (v Verifier) Verify(q url.Values) (*Callback, error) {
	data := q.Get("data")
	if data == "" || len(data) > 1<<16 {
		return nil, ErrSignature
	}
	ss1, ss2, ss3 := q.Get("ss1"), q.Get("ss2"), q.Get("ss3")
	if ss1 == "" && ss2 == "" && ss3 == "" {
		plain, err := Decrypt(data, v.Password)
		if err != nil {
			return nil, err
		}
		cb, err := parseQuery(plain)
		if err != nil {
			return nil, err
		}
		cb.Encrypted = true
		return cb, nil
	}
	if ss1 != "" && (v.Password == "" || subtle.ConstantTimeCompare([]byte(strings.ToLower(ss1)), []byte(md5Hex(data, v.Password))) != 1) {
		return nil, ErrSignature
	}
	switch {
	case ss3 != "":
		if !v.rsaOK(crypto.SHA256, data, ss3) {
			return nil, ErrSignature
		}
	case ss2 != "":
		if !v.rsaOK(crypto.SHA1, data, ss2) {
			return nil, ErrSignature
		}
	case ss1 != "" && v.AllowSS1Only:
	default:
		return nil, ErrSignature
	}
	return ParseData(data)
}

// GCM sizes of the encrypted callback format.
const (
	gcmIVSize  = 12
	gcmTagSize = 16
)

// gcmKey is the AES-256 key openssl_decrypt makes of a password: its bytes,
// zero-padded or cut to 32.
func gcmKey(password string) []byte {
	key := make([]byte, 32)
	copy(key, password)
	return key
}

// Decrypt opens an encrypted callback's data (URL-safe base64 of iv ‖
// ciphertext ‖ tag) under the project password and returns the query
// string inside. Anything that does not authenticate is ErrSignature.
func Decrypt(data, password string) (string, error) {
	if password == "" {
		return "", ErrSignature
	}
	raw, err := Decode(data)
	if err != nil || len(raw) < gcmIVSize+gcmTagSize {
		return "", ErrSignature
	}
	block, err := aes.NewCipher(gcmKey(password))
	if err != nil {
		return "", fmt.Errorf("paysera: aes: %w", err)
	}
	aead, err := cipher.NewGCMWithTagSize(block, gcmTagSize)
	if err != nil {
		return "", fmt.Errorf("paysera: gcm: %w", err)
	}
	plain, err := aead.Open(nil, raw[:gcmIVSize], raw[gcmIVSize:], nil)
	if err != nil {
		return "", ErrSignature
	}
	return string(plain), nil
}

// EncryptCallback makes an encrypted callback's parameters (data only) as
// Paysera would, under the project password, with a fresh random iv: for
// the settings' check and local tools.
func EncryptCallback(fields url.Values, password string) (url.Values, error) {
	block, err := aes.NewCipher(gcmKey(password))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithTagSize(block, gcmTagSize)
	if err != nil {
		return nil, err
	}
	iv := make([]byte, gcmIVSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	sealed := aead.Seal(append([]byte{}, iv...), iv, []byte(fields.Encode()), nil)
	return url.Values{"data": {Encode(sealed)}}, nil
}

func (v Verifier) rsaOK(h crypto.Hash, data, sig string) bool {
	if v.PublicKey == nil {
		return false
	}
	raw, err := Decode(sig)
	if err != nil {
		return false
	}
	var digest []byte
	if h == crypto.SHA1 {
		s := sha1.Sum([]byte(data))
		digest = s[:]
	} else {
		s := sha256.Sum256([]byte(data))
		digest = s[:]
	}
	return rsa.VerifyPKCS1v15(v.PublicKey, h, digest, raw) == nil
}

// ParseData decodes a callback's data parameter (without checking any
// signature: call Verify for that).
func ParseData(data string) (*Callback, error) {
	raw, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("paysera: data is not base64: %w", err)
	}
	return parseQuery(string(raw))
}

// parseQuery reads a callback's fields from the query string its data holds.
func parseQuery(raw string) (*Callback, error) {
	f, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("paysera: data is not a query string: %w", err)
	}
	cb := &Callback{
		ProjectID: f.Get("projectid"), OrderID: f.Get("orderid"), RequestID: f.Get("requestid"), Status: f.Get("status"),
		Currency: strings.ToUpper(f.Get("currency")), PayCurrency: strings.ToUpper(f.Get("paycurrency")), Payment: f.Get("payment"),
		Test: f.Get("test") == "1", Fields: f,
	}
	if cb.ProjectID == "" || cb.OrderID == "" || cb.Status == "" {
		return nil, errors.New("paysera: callback without projectid, orderid or status")
	}
	if cb.Amount, err = strconv.ParseInt(f.Get("amount"), 10, 64); err != nil || cb.Amount < 0 {
		return nil, errors.New("paysera: callback amount is not a whole number of cents")
	}
	if s := f.Get("payamount"); s != "" {
		if cb.PayAmount, err = strconv.ParseInt(s, 10, 64); err != nil {
			return nil, errors.New("paysera: callback payamount is not a whole number")
		}
	}
	return cb, nil
}

// SignCallback makes a callback's parameters as Paysera would, with the
// private key: for tests and local tools (a real Paysera key never leaves
// Paysera). fields are the data's parameters.
func SignCallback(fields url.Values, password string, key *rsa.PrivateKey, withSS3 bool) (url.Values, error) {
	data := Encode([]byte(fields.Encode()))
	s1 := sha1.Sum([]byte(data))
	ss2, err := rsa.SignPKCS1v15(nil, key, crypto.SHA1, s1[:])
	if err != nil {
		return nil, err
	}
	out := url.Values{"data": {data}, "ss1": {md5Hex(data, password)}, "ss2": {Encode(ss2)}}
	if withSS3 {
		s256 := sha256.Sum256([]byte(data))
		ss3, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, s256[:])
		if err != nil {
			return nil, err
		}
		out.Set("ss3", Encode(ss3))
	}
	return out, nil
}

// CheckSign verifies a request's sign (md5(data + password)), as Paysera does.
func CheckSign(data, sign, password string) bool {
	return subtle.ConstantTimeCompare([]byte(sign), []byte(md5Hex(data, password))) == 1
}

// checkoutLangs are Paysera's codes (its "lang" parameter) for the
// languages the app is written in (i18n codes).
var checkoutLangs = map[string]string{"en": "ENG", "lt": "LIT", "de": "GER"}

// Lang is Paysera's checkout language for an app language ("lt" → "LIT"),
// "" (Paysera chooses) for one it has no code for here.
func Lang(lang string) string { return checkoutLangs[lang] }
