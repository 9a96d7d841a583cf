package auth

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the ones every authenticator app understands.
const (
	totpPeriod = 30 // seconds per code
	totpSkew   = 1  // steps accepted either side of now, for clock drift
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPKey is a new two-factor secret as an authenticator app takes it.
type TOTPKey struct {
	Secret string // base32, also typed by hand
	URL    string // otpauth:// URL in the QR code
}

// NewTOTPKey makes a secret for account at issuer.
func NewTOTPKey(issuer, account string) (*TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("auth: new TOTP key: %w", err)
	}
	return TOTPKeyFromSecret(issuer, account, k.Secret())
}

// TOTPKeyFromSecret rebuilds the key of a secret being set up, so the page
// can be shown again (after a wrong code) with the same QR code.
func TOTPKeyFromSecret(issuer, account, secret string) (*TOTPKey, error) {
	k, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&period=%d&digits=6&algorithm=SHA1",
		urlPathEscape(issuer), urlPathEscape(account), secret, urlPathEscape(issuer), totpPeriod))
	if err != nil {
		return nil, fmt.Errorf("auth: TOTP key: %w", err)
	}
	return &TOTPKey{Secret: secret, URL: k.URL()}, nil
}

// QRCode is the key's URL as a QR code: a PNG image size pixels square,
// for an authenticator app to scan.
func (k *TOTPKey) QRCode(size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(k.URL)
	if err != nil {
		return nil, fmt.Errorf("auth: TOTP key: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	return buf.Bytes(), nil
}

func urlPathEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", ":", "%3A", "/", "%2F", "?", "%3F", "#", "%23", "&", "%26").Replace(s)
}

// TOTPStep returns the time step of code for secret near now (within the
// skew) that is newer than after, the last step already used: a code works
// once, and never one older than the last used. ok is false otherwise.
func TOTPStep(secret, code string, now time.Time, after int64) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && Equal(want, code) {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code of secret at t (tests and the stand-in authenticator).
func TOTPCode(secret string, t time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, t, totpOpts)
	return c
}

// NewRecoveryCodes returns n one-time codes like "k7f2-9qxm-3hdt", easy to
// read aloud and type.
func NewRecoveryCodes(n int) []string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz" // no 0/o, 1/l/i
	codes := make([]string, n)
	for i := range codes {
		b := make([]byte, 12)
		rand.Read(b)
		var sb strings.Builder
		for j, x := range b {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(alphabet[int(x)%len(alphabet)])
		}
		codes[i] = sb.String()
	}
	return codes
}

// NormalizeRecoveryCode folds a typed recovery code to its stored form.
func NormalizeRecoveryCode(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 12 {
		return ""
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12]
}
