package handlers

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// recoveryCodeCount is how many one-time recovery codes a person gets.
const recoveryCodeCount = 10

// twoFactorTicketTTL is how long a person has to type the code after the
// password matched.
const twoFactorTicketTTL = 5 * time.Minute

var errTwoFactorExpired = apperr.New(apperr.Forbidden, "This sign-in has expired. Please sign in again.")

// twoFactorPath is the account page where two-factor sign-in is set up.
func twoFactorPath(a *control.Agency) string { return "/a/" + a.Slug + "/account/two-factor" }

// mustSetUpTwoFactor sends a person whom the agency requires to use
// two-factor sign-in, and who has not set it up, to the set-up page: every
// other page waits until it is done (signing out still works).
func (h *Handlers) mustSetUpTwoFactor(c *fiber.Ctx, u *tenant.User) (bool, error) {
	if u.TwoFactor {
		return false, nil
	}
	r := stateOf(c).req // require runs on agency routes only
	s, err := r.Settings(c.UserContext())
	if err != nil || !s.RequiresTwoFactor(u) {
		return false, err
	}
	p := c.Path()
	base := twoFactorPath(r.Agency)
	if p == base || strings.HasPrefix(p, base+"/") || p == "/a/"+r.Agency.Slug+"/logout" {
		return false, nil
	}
	return true, nil
}

// twoFactorTicket proves, for five minutes and to this browser only, that
// the password of userID matched; the code finishes the sign-in.
func (h *Handlers) twoFactorTicket(c *fiber.Ctx, a *control.Agency, userID, next string) string {
	exp := h.Clock.Now().Add(twoFactorTicketTTL).Unix()
	payload := a.ID + "|" + userID + "|" + next + "|" + strconv.FormatInt(exp, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + auth.Sign(h.secret, "2fa:"+h.readCookie(c, csrfCookie)+":"+payload)
}

func (h *Handlers) readTwoFactorTicket(c *fiber.Ctx, a *control.Agency, ticket string) (userID, next string, ok bool) {
	enc, sig, found := strings.Cut(ticket, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !found || err != nil || !auth.Equal(sig, auth.Sign(h.secret, "2fa:"+h.readCookie(c, csrfCookie)+":"+string(raw))) {
		return "", "", false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != a.ID {
		return "", "", false
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || h.Clock.Now().Unix() > exp {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// loginCodeView is the sign-in's second step: the form for the code.
type loginCodeView struct {
	Page
	FormErrors
	Ticket string // proves the password matched, see twoFactorTicket
	Action string
}

// askForCode is the sign-in's second step: the password matched, now the
// code from the app (or a recovery code).
func (h *Handlers) askForCode(c *fiber.Ctx, a *control.Agency, u *tenant.User, next, ticket string, err error) error {
	if ticket == "" {
		ticket = h.twoFactorTicket(c, a, u.ID, next)
	}
	view := &loginCodeView{Page: Page{Title: "Two-factor sign-in"}, Ticket: ticket, Action: "/a/" + a.Slug + "/login/two-factor"}
	return h.formPage(c, "pages/login/two-factor", "pages/login/two-factor", view, err)
}

// LoginTwoFactor checks the code of the sign-in's second step and starts
// the session. A code works once; a recovery code works once, ever.
func (h *Handlers) LoginTwoFactor(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	ticket := c.FormValue("ticket")
	userID, next, ok := h.readTwoFactorTicket(c, a, ticket)
	if !ok {
		return errTwoFactorExpired
	}
	u, err := t.UserByID(c.UserContext(), userID)
	if err != nil || u.Status != tenant.UserActive || !u.TwoFactor {
		return errTwoFactorExpired
	}
	key := limitKey("2fa", a.ID+":"+u.ID)
	if err := h.limiter.check(key, h.Config.LoginLimit); err != nil {
		return h.askForCode(c, a, u, next, ticket, err)
	}
	code := formValue(c, "code")
	if ok, err := h.checkSecondFactor(c, t, u, code); err != nil {
		return err
	} else if !ok {
		h.limiter.hit(key, h.Config.LoginLimit)
		fail := auditFor(c, "signin.2fa_failed", u.Email)
		if err := t.RecordAudit(c.UserContext(), fail); err != nil {
			h.logger(c).Error("audit failed two-factor sign-in", "err", err)
		}
		return h.askForCode(c, a, u, next, ticket, invalidField("code", "That code didn't work. Type the 6 digits your app shows now, or one of your recovery codes."))
	}
	h.limiter.reset(key)
	return h.finishSignInWithSession(c, t, a, u, next)
}

// checkSecondFactor accepts a current TOTP code or an unused recovery code.
func (h *Handlers) checkSecondFactor(c *fiber.Ctx, t *tenant.Store, u *tenant.User, code string) (bool, error) {
	if code == "" || len(code) > 40 {
		return false, nil
	}
	secret, last, err := t.TwoFactorSecret(c.UserContext(), u.ID)
	if err != nil {
		return false, err
	}
	if step, ok := auth.TOTPStep(secret, code, h.Clock.Now(), last); ok {
		return t.UseTOTPStep(c.UserContext(), u.ID, step)
	}
	rc := auth.NormalizeRecoveryCode(code)
	if rc == "" {
		return false, nil
	}
	a := auditFor(c, "signin.recovery_code", u.Email)
	a.ActorID, a.ActorName = u.ID, u.Name
	return t.UseRecoveryCode(c.UserContext(), u.ID, rc, a)
}

// twoFactorView is the account's two-factor page: on or off, the set-up
// step, or the new recovery codes.
type twoFactorView struct {
	Page
	FormErrors
	On        bool
	Required  bool // the agency requires it of this person
	Base      string
	CodesLeft int
	Codes     []string // new recovery codes, shown this once
	CodesFile string   // the name they are downloaded as
	Secret    string   // the key being set up, to type by hand
	QR        string   // the set-up's QR code image (a route: the secret never goes in a URL)
}

// twoFactorQRSize is the QR code's width and height in pixels.
const twoFactorQRSize = 220

// TwoFactor shows the account's two-factor page: on or off, and what to do.
func (h *Handlers) TwoFactor(c *fiber.Ctx, r *Request) error {
	return h.twoFactorPage(c, r, &twoFactorView{}, nil)
}

// twoFactorPage fills in the page's state and renders view, with err's
// messages on its forms.
func (h *Handlers) twoFactorPage(c *fiber.Ctx, r *Request, view *twoFactorView, err error) error {
	me := r.User
	s, serr := r.Settings(c.UserContext())
	if serr != nil {
		return serr
	}
	view.Title, view.On, view.Required, view.Base = "nav.Two-factor sign-in", me.TwoFactor, s.RequiresTwoFactor(me), twoFactorPath(r.Agency)
	view.CodesFile = r.Agency.Slug + "-recovery-codes.txt"
	if me.TwoFactor && view.Codes == nil {
		n, err := r.Tenant.RecoveryCodesLeft(c.UserContext(), me.ID)
		if err != nil {
			return err
		}
		view.CodesLeft = n
	}
	return h.formPage(c, "pages/account/two-factor", "pages/account/two-factor", view, err)
}

// TwoFactorSetup starts setting up: a new secret, shown as a QR code and as
// text, waiting for a code from the app.
func (h *Handlers) TwoFactorSetup(c *fiber.Ctx, r *Request) error {
	a, me := r.Agency, r.User
	if me.TwoFactor {
		return h.redirect(c, twoFactorPath(a))
	}
	key, err := auth.NewTOTPKey(a.Name, me.Email)
	if err != nil {
		return err
	}
	if err := r.Tenant.StartTwoFactorSetup(c.UserContext(), me.ID, key.Secret); err != nil {
		return err
	}
	return h.twoFactorPage(c, r, h.setupView(r, key.Secret), nil)
}

// setupView is the set-up step: the key to type, and the QR code's route.
// The route's query changes with the secret (a keyed hash, which tells
// nothing about it), so a browser never shows an earlier set-up's image
// from its cache.
func (h *Handlers) setupView(r *Request, secret string) *twoFactorView {
	version := auth.Sign(h.secret, "2fa-qr:"+r.User.ID+":"+secret)[:16]
	return &twoFactorView{Secret: secret, QR: twoFactorPath(r.Agency) + "/qr.png?v=" + version}
}

// TwoFactorQR is the QR code of the set-up in progress, as a PNG image for
// the set-up page. Once two-factor sign-in is on there is none: the secret
// in use is never shown again.
func (h *Handlers) TwoFactorQR(c *fiber.Ctx, r *Request) error {
	me := r.User
	errNoSetup := apperr.New(apperr.NotFound, "No two-factor set-up is open. Start one on the two-factor page.")
	if me.TwoFactor {
		return errNoSetup
	}
	secret, _, err := r.Tenant.TwoFactorSecret(c.UserContext(), me.ID)
	if err != nil {
		return err
	}
	if secret == "" {
		return errNoSetup
	}
	key, err := auth.TOTPKeyFromSecret(r.Agency.Name, me.Email, secret)
	if err != nil {
		return err
	}
	img, err := key.QRCode(twoFactorQRSize)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store") // it holds the secret
	c.Type("png")
	return c.Send(img)
}

// TwoFactorConfirm turns two-factor sign-in on once the code from the app
// matches, and shows the recovery codes, once.
func (h *Handlers) TwoFactorConfirm(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	if me.TwoFactor {
		return h.redirect(c, twoFactorPath(a))
	}
	secret, _, err := t.TwoFactorSecret(c.UserContext(), me.ID)
	if err != nil {
		return err
	}
	if secret == "" {
		return h.twoFactorPage(c, r, &twoFactorView{}, apperr.New(apperr.Conflict, "Start the set-up again: this one is no longer open."))
	}
	step, ok := auth.TOTPStep(secret, formValue(c, "code"), h.Clock.Now(), 0)
	if !ok {
		return h.twoFactorPage(c, r, h.setupView(r, secret), invalidField("code", i18n.T(r.Lang(), "twofactor.code_mismatch", "Agency", a.Name)))
	}
	codes := auth.NewRecoveryCodes(recoveryCodeCount)
	if err := t.ConfirmTwoFactor(c.UserContext(), me.ID, step, codes, auditFor(c, "2fa.enabled", me.Email)); err != nil {
		return err
	}
	me.TwoFactor = true
	return h.twoFactorPage(c, r, &twoFactorView{Codes: codes, CodesLeft: len(codes)}, nil)
}

// checkPasswordAndCode is what turning two-factor off or replacing the
// recovery codes asks for: the password and a current code.
func (h *Handlers) checkPasswordAndCode(c *fiber.Ctx, r *Request) error {
	t, me := r.Tenant, r.User
	errs := map[string]string{}
	ok, err := h.Hasher.Verify(c.UserContext(), me.PasswordHash, c.FormValue("current_password"))
	if err != nil {
		return err
	}
	if !ok {
		// The code is not tried (nor spent) with a wrong password.
		errs["current_password"] = msgNotYourPassword
		return apperr.FieldErrors(errs)
	}
	if ok, err := h.checkSecondFactor(c, t, me, formValue(c, "code")); err != nil {
		return err
	} else if !ok {
		errs["code"] = "That code didn't work. Type the 6 digits your app shows now, or a recovery code."
	}
	return apperr.FieldErrors(errs)
}

// TwoFactorDisable turns two-factor sign-in off, unless the agency requires it.
func (h *Handlers) TwoFactorDisable(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	s, err := r.Settings(c.UserContext())
	if err != nil {
		return err
	}
	if s.RequiresTwoFactor(me) {
		return h.twoFactorPage(c, r, &twoFactorView{}, apperr.New(apperr.Forbidden, "%s", i18n.T(r.Lang(), "twofactor.required_cannot_off", "Agency", a.Name)))
	}
	if !me.TwoFactor {
		return h.redirect(c, twoFactorPath(a))
	}
	if err := h.checkPasswordAndCode(c, r); err != nil {
		return h.twoFactorPage(c, r, &twoFactorView{}, err)
	}
	if err := t.DisableTwoFactor(c.UserContext(), me.ID, auditFor(c, "2fa.disabled", me.Email)); err != nil {
		return err
	}
	h.flash(c, "twofactor.off_flash")
	return h.redirect(c, twoFactorPath(a))
}

// TwoFactorNewCodes replaces the recovery codes and shows the new ones once.
func (h *Handlers) TwoFactorNewCodes(c *fiber.Ctx, r *Request) error {
	a, t, me := r.Agency, r.Tenant, r.User
	if !me.TwoFactor {
		return h.redirect(c, twoFactorPath(a))
	}
	if err := h.checkPasswordAndCode(c, r); err != nil {
		return h.twoFactorPage(c, r, &twoFactorView{}, err)
	}
	codes := auth.NewRecoveryCodes(recoveryCodeCount)
	if err := t.NewRecoveryCodes(c.UserContext(), me.ID, codes, auditFor(c, "2fa.recovery_codes", me.Email)); err != nil {
		return err
	}
	return h.twoFactorPage(c, r, &twoFactorView{Codes: codes, CodesLeft: len(codes)}, nil)
}
