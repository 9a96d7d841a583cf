package handlers

import (
	"encoding/base64"
	"slices"
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

// errBadLogin is the one answer for an unknown email and a wrong password.
var errBadLogin = apperr.New(apperr.Unauthorized, "That email and password don't match an account. Check them and try again.")

// loginTicketTTL is how long a person has to choose an agency after the
// global sign-in matched several.
const loginTicketTTL = 5 * time.Minute

var errDisabled = apperr.New(apperr.Forbidden, "This account has been disabled. Ask the agency's owner or an admin to enable it.")

// loginForm is a sign-in attempt.
type loginForm struct {
	Email    string
	Password string
	Next     string
}

func parseLogin(c *fiber.Ctx) loginForm {
	return loginForm{Email: formValue(c, "email"), Password: c.FormValue("password"), Next: formValue(c, "next")}
}

// checkPassword returns the user of t whose email and password match, or
// nil. An unknown email costs one hash too, so timing tells nothing; a
// wrong password for a real account is written to the audit log.
func (h *Handlers) checkPassword(c *fiber.Ctx, t *tenant.Store, email, password string) (*tenant.User, error) {
	u, err := t.UserByEmail(c.UserContext(), email)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := h.Hasher.Verify(c.UserContext(), hash, password)
	if err != nil {
		return nil, err
	}
	if u != nil && !ok {
		a := auditFor(c, "signin.failed", u.Email)
		a.ActorID, a.ActorName = "", ""
		if err := t.RecordAudit(c.UserContext(), a); err != nil {
			h.logger(c).Error("audit failed sign-in", "err", err)
		}
	}
	if !ok {
		return nil, nil
	}
	return u, nil
}

// startSession signs u in to agency a: any session this browser had in the
// agency ends, a new token and CSRF token are issued, and the sign-in is audited.
func (h *Handlers) startSession(c *fiber.Ctx, t *tenant.Store, a *control.Agency, u *tenant.User) error {
	if agencyID, old, ok := strings.Cut(h.readCookie(c, sessionCookie), "."); ok && agencyID == a.ID {
		if err := t.EndSessionByToken(c.UserContext(), old); err != nil {
			return err
		}
	}
	audit := auditFor(c, "signin", u.Email)
	audit.ActorID, audit.ActorName = u.ID, u.Name
	token, s, err := t.SignIn(c.UserContext(), u, auth.SessionTimeouts{Idle: h.Config.SessionIdle, Absolute: h.Config.SessionAbsolute}, audit)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, sessionCookie, sessionCookieValue(a.ID, token), "/")
	h.rememberDevice(c, u.Email)
	// The directory row is written after the account (another database):
	// a crash between the two would leave /login blind to this account.
	// Signing in here puts it back.
	if err := h.Control.AddToDirectory(c.UserContext(), u.Email, a.ID); err != nil {
		h.logger(c).Warn("repair login directory", "err", err)
	}
	if r := stateOf(c).req; r != nil {
		r.Session, r.User = s, u
	}
	if u.IsStaff() {
		if err := h.Control.TouchAgency(c.UserContext(), a.ID); err != nil {
			h.logger(c).Warn("record agency activity", "err", err)
		}
	}
	return nil
}

// homeOf is where a person lands after sign-in.
func homeOf(a *control.Agency, u *tenant.User) string {
	if u.Role == tenant.RoleClient {
		return "/a/" + a.Slug + "/portal"
	}
	return "/a/" + a.Slug
}

// safeNext accepts a redirect target only inside the agency's own pages.
func safeNext(a *control.Agency, next string) string {
	base := "/a/" + a.Slug
	if next == base || (strings.HasPrefix(next, base+"/") && !strings.ContainsAny(next, "\\\r\n") && !strings.Contains(next, "//") && !strings.Contains(next, "/logout")) {
		return next
	}
	return ""
}

// loginView is a sign-in page and its form partial (the global one, an
// agency's, and the operator's, which has no forgot-password link).
type loginView struct {
	Page
	FormErrors
	Form     loginForm
	Action   string
	NoForgot bool
}

// loginChooseView is the page where a person with accounts in several
// agencies picks one after the global sign-in.
type loginChooseView struct {
	Page
	Agencies []*control.Agency
	Ticket   string
}

// LoginForm shows the global sign-in page.
func (h *Handlers) LoginForm(c *fiber.Ctx) error {
	return h.formPage(c, "pages/login/index", "partials/login/form", &loginView{Page: Page{Title: "Sign in"}, Action: "/login"}, nil)
}

// Login signs in from the global page: the login directory names the
// agencies that know the email; the password is checked in each, and a
// person with accounts in several agencies chooses one afterwards.
func (p *Platform) Login(c *fiber.Ctx) error {
	h := p.Handlers
	f := parseLogin(c)
	render := func(err error) error {
		f.Password = ""
		return h.formPage(c, "pages/login/index", "partials/login/form", &loginView{Page: Page{Title: "Sign in"}, Form: f, Action: "/login"}, err)
	}
	if err := h.checkLoginLimits(c, f.Email); err != nil {
		return render(err)
	}
	agencies, err := h.Control.AgenciesForEmail(c.UserContext(), f.Email)
	if err != nil {
		return err
	}
	var matched []*control.Agency
	disabled := false
	for _, a := range agencies {
		if !a.Usable() {
			continue
		}
		u, err := p.passwordMatchIn(c, a, f.Email, f.Password)
		if err != nil {
			return err
		}
		if u == nil {
			continue
		}
		if u.Status != tenant.UserActive {
			disabled = true
			continue
		}
		matched = append(matched, a)
	}
	if len(agencies) == 0 {
		if _, err := h.Hasher.Verify(c.UserContext(), "", f.Password); err != nil {
			return err
		}
	}
	switch {
	case len(matched) == 0 && disabled:
		return render(errDisabled)
	case len(matched) == 0:
		h.countFailedLogin(c, f.Email)
		return render(errBadLogin)
	case len(matched) == 1:
		h.passwordMatched(c, f.Email)
		return p.signInTo(c, matched[0], f.Email, "")
	}
	h.passwordMatched(c, f.Email)
	ids := make([]string, len(matched))
	for i, a := range matched {
		ids[i] = a.ID
	}
	return h.page(c, "pages/login/choose", &loginChooseView{Page: Page{Title: "Choose an agency"}, Agencies: matched, Ticket: h.loginTicket(c, f.Email, ids)})
}

// passwordMatchIn checks email and password in one agency's database.
func (p *Platform) passwordMatchIn(c *fiber.Ctx, a *control.Agency, email, password string) (u *tenant.User, err error) {
	err = p.withTenant(c, a, func(t *tenant.Store) error {
		u, err = p.checkPassword(c, t, email, password)
		return err
	})
	return u, err
}

// signInTo starts a session in agency a for email, whose password was checked.
func (p *Platform) signInTo(c *fiber.Ctx, a *control.Agency, email, next string) error {
	return p.withTenant(c, a, func(t *tenant.Store) error {
		u, err := t.UserByEmail(c.UserContext(), email)
		if err != nil {
			return err
		}
		if u.Status != tenant.UserActive {
			return errDisabled
		}
		return p.finishSignIn(c, t, a, u, next)
	})
}

// finishSignIn starts the session and sends the person on to next, or
// home; a person with two-factor sign-in types a code first.
func (h *Handlers) finishSignIn(c *fiber.Ctx, t *tenant.Store, a *control.Agency, u *tenant.User, next string) error {
	if u.TwoFactor {
		return h.askForCode(c, a, u, next, "", nil)
	}
	return h.finishSignInWithSession(c, t, a, u, next)
}

// finishSignInWithSession starts the session of a person whose password
// (and code) matched.
func (h *Handlers) finishSignInWithSession(c *fiber.Ctx, t *tenant.Store, a *control.Agency, u *tenant.User, next string) error {
	if err := h.startSession(c, t, a, u); err != nil {
		return err
	}
	if next = safeNext(a, next); next == "" {
		next = homeOf(a, u)
	}
	return h.redirect(c, next)
}

// loginTicket proves, for five minutes and to this browser only, that the
// password matched in the listed agencies.
func (h *Handlers) loginTicket(c *fiber.Ctx, email string, agencyIDs []string) string {
	exp := h.Clock.Now().Add(loginTicketTTL).Unix()
	payload := email + "|" + strings.Join(agencyIDs, ",") + "|" + strconv.FormatInt(exp, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + auth.Sign(h.secret, "ticket:"+h.readCookie(c, csrfCookie)+":"+payload)
}

func (h *Handlers) readLoginTicket(c *fiber.Ctx, ticket string) (email string, agencyIDs []string, ok bool) {
	enc, sig, found := strings.Cut(ticket, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !found || err != nil {
		return "", nil, false
	}
	payload := string(raw)
	if !auth.Equal(sig, auth.Sign(h.secret, "ticket:"+h.readCookie(c, csrfCookie)+":"+payload)) {
		return "", nil, false
	}
	parts := strings.Split(payload, "|")
	if len(parts) != 3 {
		return "", nil, false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || h.Clock.Now().Unix() > exp {
		return "", nil, false
	}
	return parts[0], strings.Split(parts[1], ","), true
}

// LoginChoose finishes a global sign-in in the agency the person chose.
func (p *Platform) LoginChoose(c *fiber.Ctx) error {
	h := p.Handlers
	email, ids, ok := h.readLoginTicket(c, c.FormValue("ticket"))
	choice := c.FormValue("agency")
	if !ok || !slices.Contains(ids, choice) {
		return apperr.New(apperr.Forbidden, "This sign-in has expired. Please sign in again.")
	}
	a, err := h.Control.AgencyByID(c.UserContext(), choice)
	if err != nil {
		return err
	}
	if !a.Usable() {
		return apperr.New(apperr.Forbidden, "This agency's account is not available.")
	}
	return p.signInTo(c, a, email, "")
}

// AgencyLoginForm shows an agency's own sign-in page.
func (h *Handlers) AgencyLoginForm(c *fiber.Ctx, r *Request) error {
	a := r.Agency
	if u := r.User; u != nil {
		return h.redirect(c, homeOf(a, u))
	}
	f := loginForm{Next: safeNext(a, c.Query("next"))}
	return h.formPage(c, "pages/login/index", "partials/login/form", agencyLoginView(c, a, f), nil)
}

// agencyLoginView is agency a's own sign-in page with form f.
func agencyLoginView(c *fiber.Ctx, a *control.Agency, f loginForm) *loginView {
	return &loginView{Page: Page{Title: i18n.T(langOf(c), "login.title_agency", "Agency", a.Name)}, Form: f, Action: "/a/" + a.Slug + "/login"}
}

// AgencyLogin signs in on an agency's own page.
func (h *Handlers) AgencyLogin(c *fiber.Ctx, r *Request) error {
	a, t := r.Agency, r.Tenant
	f := parseLogin(c)
	render := func(err error) error {
		f.Password = ""
		return h.formPage(c, "pages/login/index", "partials/login/form", agencyLoginView(c, a, f), err)
	}
	if err := h.checkLoginLimits(c, f.Email); err != nil {
		return render(err)
	}
	u, err := h.checkPassword(c, t, f.Email, f.Password)
	if err != nil {
		return err
	}
	if u == nil {
		h.countFailedLogin(c, f.Email)
		return render(errBadLogin)
	}
	if u.Status != tenant.UserActive {
		return render(errDisabled)
	}
	h.passwordMatched(c, f.Email)
	return h.finishSignIn(c, t, a, u, f.Next)
}

// Logout ends the current session.
func (h *Handlers) Logout(c *fiber.Ctx, r *Request) error {
	a, t, s := r.Agency, r.Tenant, r.Session
	if err := t.SignOut(c.UserContext(), s.ID, auditFor(c, "signout", r.User.Email)); err != nil {
		return err
	}
	h.live.CloseSession(a.ID, s.ID) // this session's open tabs stop their live updates
	h.clearCookie(c, sessionCookie, "/")
	h.flash(c, "You're signed out.")
	return h.redirect(c, "/a/"+a.Slug+"/login")
}
