package auth

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"
)

func TestTOTP(t *testing.T) {
	k, err := NewTOTPKey("Acme & Co", "ann@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(k.URL, "secret="+k.Secret) {
		t.Fatalf("key %+v", k)
	}
	qr, err := k.QRCode(220)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(qr)); err != nil || img.Bounds().Dx() != 220 || img.Bounds().Dy() != 220 {
		t.Fatalf("QR code: %v, %v", img, err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	code := TOTPCode(k.Secret, now)
	step, ok := TOTPStep(k.Secret, code, now, 0)
	if !ok || step != now.Unix()/30 {
		t.Fatalf("current code refused: %d %v", step, ok)
	}
	if _, ok := TOTPStep(k.Secret, code, now, step); ok {
		t.Error("a used code works again")
	}
	if _, ok := TOTPStep(k.Secret, code[:3]+" "+code[3:], now.Add(30*time.Second), 0); !ok {
		t.Error("a code typed with a space 30 s later is refused")
	}
	if _, ok := TOTPStep(k.Secret, code, now.Add(2*time.Minute), 0); ok {
		t.Error("a two-minute-old code works")
	}
	if _, ok := TOTPStep(k.Secret, "12345", now, 0); ok {
		t.Error("a five-digit code works")
	}
	again, err := TOTPKeyFromSecret("Acme & Co", "ann@example.test", k.Secret)
	if err != nil || again.Secret != k.Secret || again.URL != k.URL {
		t.Fatalf("rebuilt key %+v, %v", again, err)
	}
	if qrAgain, err := again.QRCode(220); err != nil || !bytes.Equal(qrAgain, qr) {
		t.Fatalf("the rebuilt key's QR code differs (%v)", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || seen[c] || NormalizeRecoveryCode(strings.ToUpper(strings.ReplaceAll(c, "-", " "))) != c {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if NormalizeRecoveryCode("short") != "" {
		t.Error("a short code normalised")
	}
}
