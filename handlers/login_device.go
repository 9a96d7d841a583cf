package handlers

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/auth"
)

// Sign-in limits follow OWASP's device cookies ("Slow Down Online
// Guessing Attacks with Device Cookies"). A browser that signed in as an
// email before carries a device cookie for it: an entry signed with the
// installation's secret, naming the email and a random nonce. Failures
// are counted three ways:
//
//   - from a browser with a valid entry for the email: against that entry
//     alone (after LoginLimit failures the entry is locked for the window);
//     strangers' failures never touch it, and it skips the address limit;
//   - from any other browser: against the email for all untrusted browsers
//     together, a limit that slows (LoginLimit failures in the window, then
//     one attempt per Window/Max) rather than locks,
//   - and against the client address (LoginIPLimit), which stops.
//
// So a stranger who knows an address, from however many addresses, slows
// only other untrusted browsers, and the owner's own browser signs in at
// once.
const (
	deviceCookie     = "mm_device"
	deviceTTL        = 365 * 24 * time.Hour
	maxDeviceEntries = 5 // people sharing one browser; the oldest entry goes first
)

// deviceEntry is one signed-in email's entry in the device cookie.
type deviceEntry struct {
	email  string // lower case
	nonce  string
	issued int64 // Unix seconds
}

func (h *Handlers) signDevice(d deviceEntry) string {
	return auth.Sign(h.secret, "device:"+d.email+":"+d.nonce+":"+strconv.FormatInt(d.issued, 10))
}

// deviceEntries reads this browser's valid, unexpired device entries,
// newest first; entries that do not verify are dropped.
func (h *Handlers) deviceEntries(c *fiber.Ctx) []deviceEntry {
	raw := h.readCookie(c, deviceCookie)
	if raw == "" {
		return nil
	}
	now := h.Clock.Now()
	parts := strings.Split(raw, "~")
	parts = parts[:min(len(parts), maxDeviceEntries)]
	var out []deviceEntry
	for _, part := range parts {
		f := strings.Split(part, ".")
		if len(f) != 4 {
			continue
		}
		email, err := base64.RawURLEncoding.DecodeString(f[0])
		issued, err2 := strconv.ParseInt(f[2], 10, 64)
		if err != nil || err2 != nil || f[1] == "" {
			continue
		}
		d := deviceEntry{email: string(email), nonce: f[1], issued: issued}
		if !auth.Equal(f[3], h.signDevice(d)) || now.Sub(time.Unix(issued, 0)) > deviceTTL {
			continue
		}
		out = append(out, d)
	}
	return out
}

// knownDevice is the nonce of this browser's device entry for email, ""
// when it has none: then the browser is untrusted for that email.
func (h *Handlers) knownDevice(c *fiber.Ctx, email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	for _, d := range h.deviceEntries(c) {
		if d.email == email {
			return d.nonce
		}
	}
	return ""
}

// rememberDevice gives this browser a fresh device entry for email after a
// successful sign-in (a new nonce each time, so a copied cookie's entry
// is replaced), keeping the entries of other emails.
func (h *Handlers) rememberDevice(c *fiber.Ctx, email string) {
	email = strings.ToLower(strings.TrimSpace(email))
	entries := []deviceEntry{{email: email, nonce: auth.NewToken()[:22], issued: h.Clock.Now().Unix()}}
	for _, d := range h.deviceEntries(c) {
		if d.email != email && len(entries) < maxDeviceEntries {
			entries = append(entries, d)
		}
	}
	parts := make([]string, len(entries))
	for i, d := range entries {
		parts[i] = base64.RawURLEncoding.EncodeToString([]byte(d.email)) + "." + d.nonce + "." + strconv.FormatInt(d.issued, 10) + "." + h.signDevice(d)
	}
	h.writeCookie(c, &fiber.Cookie{Name: deviceCookie, Value: strings.Join(parts, "~"), Path: "/", MaxAge: int(deviceTTL.Seconds())})
}

// untrustedWhy follows "Too many attempts." when untrusted browsers are
// slowed down for an account.
const untrustedWhy = "This account has had many failed sign-ins from browsers it has not signed in with before, so those are slowed down; a browser you have signed in with before is not."

// checkLoginLimits refuses an attempt over its limits (see above); the
// address is the real client, not a forged header.
func (h *Handlers) checkLoginLimits(c *fiber.Ctx, email string) error {
	email = strings.ToLower(email)
	if d := h.knownDevice(c, email); d != "" {
		return h.limiter.check(limitKey("login:device", d), h.Config.LoginLimit)
	}
	if err := h.limiter.slow(limitKey("login:acct", email), h.Config.LoginLimit, untrustedWhy); err != nil {
		return err
	}
	return h.limiter.check(limitKey("login:ip", c.IP()), h.Config.LoginIPLimit)
}

// countFailedLogin counts a wrong password where checkLoginLimits looks.
func (h *Handlers) countFailedLogin(c *fiber.Ctx, email string) {
	email = strings.ToLower(email)
	if d := h.knownDevice(c, email); d != "" {
		h.limiter.hit(limitKey("login:device", d), h.Config.LoginLimit)
		return
	}
	h.limiter.hit(limitKey("login:acct", email), h.Config.LoginLimit)
	h.limiter.hit(limitKey("login:ip", c.IP()), h.Config.LoginIPLimit)
}

// passwordMatched forgets the failures of the browser whose password
// matched: its own entry's, or, from an untrusted browser, the email's.
func (h *Handlers) passwordMatched(c *fiber.Ctx, email string) {
	email = strings.ToLower(email)
	if d := h.knownDevice(c, email); d != "" {
		h.limiter.reset(limitKey("login:device", d))
		return
	}
	h.limiter.reset(limitKey("login:acct", email))
}
