package handlers

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// Cookie names. Every cookie the app sets is essential: sign-in, CSRF, and
// one-time flash messages.
const (
	sessionCookie  = "mm_session"
	operatorCookie = "mm_operator"
)

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// Request is what an agency route's handler may reach: this request's
// agency, that agency's database, and who is signed in. The route table
// hands it to every AgencyHandler; an agency handler holds no pool, so it
// has no way to name another agency's database.
type Request struct {
	Agency  *control.Agency
	Tenant  *tenant.Store
	User    *tenant.User     // nil when nobody of this agency is signed in (public agency pages, callbacks)
	Session *auth.Session    // the signed-in person's session
	Token   *tenant.APIToken // on API routes: the token the request came with; User is the person it acts for

	settings *tenant.Settings // loaded on first use, see Settings

	browserLang string // the language the browser asks for (Accept-Language, or the switcher's cookie) when the app has it; "" otherwise
	lang        string // the request's language once known, see Lang
}

// Settings returns the agency's settings, read once per request.
func (r *Request) Settings(ctx context.Context) (tenant.Settings, error) {
	if r.settings == nil {
		s, err := r.Tenant.Settings(ctx)
		if err != nil {
			return tenant.Settings{}, err
		}
		r.settings = &s
	}
	return *r.settings, nil
}

// Viewer is the signed-in person as the agency's visibility rules see them.
func (r *Request) Viewer(ctx context.Context) (tenant.Viewer, error) {
	s, err := r.Settings(ctx)
	if err != nil {
		return tenant.Viewer{}, err
	}
	return tenant.NewViewer(r.User, s), nil
}

// requestState is what the middleware learned about a request. It lives in
// one Locals entry, and never as a bare *db.Tenant: fasthttp closes every
// io.Closer left in Locals when the request ends, which would close the
// agency's pooled database.
type requestState struct {
	route          *Route   // the route table's row for this request
	req            *Request // on agency routes
	operator       *control.Operator
	operatorSess   *auth.Session
	foreignSession bool // a session cookie of another agency came with the request
}

func stateOf(c *fiber.Ctx) *requestState {
	if s, ok := c.Locals("state").(*requestState); ok {
		return s
	}
	s := &requestState{}
	c.Locals("state", s)
	return s
}

func agencyOf(c *fiber.Ctx) *control.Agency {
	if r := stateOf(c).req; r != nil {
		return r.Agency
	}
	return nil
}

func userOf(c *fiber.Ctx) *tenant.User {
	if r := stateOf(c).req; r != nil {
		return r.User
	}
	return nil
}

func sessionOf(c *fiber.Ctx) *auth.Session {
	st := stateOf(c)
	if st.req != nil {
		return st.req.Session
	}
	return st.operatorSess
}

func operatorOf(c *fiber.Ctx) *control.Operator { return stateOf(c).operator }

// loadAgency resolves the agency in the path (/a/:slug/…, /pay/:slug/…) and
// acquires its database for the rest of the request. Unknown and deleted
// agencies are 404; an agency placed on another machine is sent there.
func (p *Platform) loadAgency(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if control.ValidateSlug(slug) != "" {
		return apperr.New(apperr.NotFound, "We couldn't find that page.")
	}
	a, err := p.agencies.get(c.UserContext(), p.Control, slug)
	if err != nil {
		return err
	}
	if a.Status == control.AgencyDeleted {
		return apperr.New(apperr.NotFound, "Agency not found.")
	}
	if a.Status == control.AgencyArchived {
		return apperr.New(apperr.Forbidden, "%s's account is archived because it was not used for a long time. Contact the platform operator to restore it.", a.Name)
	}
	if elsewhere, err := p.placeAgency(c, a); elsewhere {
		return err
	}
	t, release, err := p.pool.Acquire(c.UserContext(), a.ID)
	if err != nil {
		return p.monitor.Report(c.UserContext(), a.ID, err) // a damaged or missing database: see storage.go
	}
	defer release()
	st := stateOf(c)
	st.req = &Request{Agency: a, Tenant: t, browserLang: browserLang(c)}
	defer func() { st.req.Tenant = nil }()
	if err := c.Next(); err != nil {
		st.req.Lang() // the error page, written after the database is released, is in the request's language
		return err
	}
	return nil
}

// sessionCookieValue binds a token to its agency: "<agency id>.<token>".
func sessionCookieValue(agencyID, token string) string { return agencyID + "." + token }

// loadSession finds the signed-in user of this agency, if any. A cookie
// issued by another agency marks the request as foreign: every protected
// page of this agency then answers 404.
func (h *Handlers) loadSession(c *fiber.Ctx) error {
	raw := h.readCookie(c, sessionCookie)
	if raw == "" {
		return c.Next()
	}
	agencyID, token, ok := strings.Cut(raw, ".")
	if !ok || agencyID != agencyOf(c).ID {
		stateOf(c).foreignSession = true
		return c.Next()
	}
	r := stateOf(c).req
	t := r.Tenant
	s, u, err := t.SessionByToken(c.UserContext(), token, h.Config.SessionIdle)
	if apperr.Is(err, apperr.NotFound) {
		return c.Next()
	}
	if err != nil {
		return err
	}
	if h.Clock.Now().Sub(s.LastSeenAt) >= touchEvery {
		if err := t.TouchSession(c.UserContext(), s.ID, c.IP()); err != nil {
			h.logger(c).Warn("touch session", "err", err)
		}
	}
	r.Session, r.User = s, u
	return c.Next()
}

// require lets through the roles an access level allows. A person without
// the role, or signed in to another agency, gets a 404 as if the page did
// not exist; a person not signed in is sent to the agency's login page.
func (h *Handlers) require(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if stateOf(c).route.Has(EventStream) {
			return h.requireForStream(c, a)
		}
		u := userOf(c)
		if u == nil {
			if stateOf(c).foreignSession {
				return apperr.New(apperr.NotFound, "We couldn't find that page.")
			}
			login := "/a/" + agencyOf(c).Slug + "/login"
			if c.Method() == fiber.MethodGet {
				login += "?next=" + url.QueryEscape(c.OriginalURL())
			}
			return h.redirect(c, login)
		}
		if !allowed(a, u.Role) {
			return apperr.New(apperr.NotFound, "We couldn't find that page.")
		}
		if err := h.refuseSuspendedWrite(c); err != nil { // a suspended agency is read-only
			return err
		}
		if must, err := h.mustSetUpTwoFactor(c, u); err != nil {
			return err
		} else if must {
			h.flash(c, agencyOf(c).Name+" asks everyone in your role to sign in with a code from an authenticator app. Set it up to carry on.")
			return h.redirect(c, twoFactorPath(agencyOf(c)))
		}
		return c.Next()
	}
}

// allowed reports whether role may use a route of access level a.
func allowed(a Access, role string) bool {
	rank := tenant.RoleRank(role)
	switch a {
	case SignedIn:
		return rank > 0
	case ClientOnly:
		return role == tenant.RoleClient
	case Staff:
		return rank >= tenant.RoleRank(tenant.RoleStaff)
	case Admin:
		return rank >= tenant.RoleRank(tenant.RoleAdmin)
	case Owner:
		return role == tenant.RoleOwner
	}
	return false
}

// loadOperator lets only a signed-in platform operator through; anyone else
// gets a 404, as if the console did not exist.
func (h *Handlers) loadOperator(c *fiber.Ctx) error {
	token := h.readCookie(c, operatorCookie)
	if token != "" {
		s, op, err := h.Control.OperatorSession(c.UserContext(), token, h.Config.SessionIdle)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if err == nil {
			if h.Clock.Now().Sub(s.LastSeenAt) >= touchEvery {
				if err := h.Control.TouchOperatorSession(c.UserContext(), s.ID); err != nil {
					h.logger(c).Warn("touch operator session", "err", err)
				}
			}
			st := stateOf(c)
			st.operatorSess, st.operator = s, op
			return c.Next()
		}
	}
	return apperr.New(apperr.NotFound, "We couldn't find that page.")
}

// hostCookiePrefix starts every cookie's name when the site is served
// over HTTPS. A browser takes a __Host- cookie only from a secure origin,
// for the whole host (Path=/) and without a Domain, so neither a page on
// plain HTTP nor a sibling subdomain can set or shadow it.
const hostCookiePrefix = "__Host-"

// cookieName is the name cookie name is set and read under here.
func (h *Handlers) cookieName(name string) string {
	if h.secure {
		return hostCookiePrefix + name
	}
	return name
}

// readCookie is the value of the request's cookie name ("" when absent).
func (h *Handlers) readCookie(c *fiber.Ctx, name string) string {
	return c.Cookies(h.cookieName(name))
}

// writeCookie sets ck, every cookie the same way: HttpOnly, SameSite=Lax,
// and over HTTPS Secure with the __Host- prefix and Path=/.
func (h *Handlers) writeCookie(c *fiber.Ctx, ck *fiber.Cookie) {
	ck.Name, ck.HTTPOnly, ck.Secure, ck.SameSite = h.cookieName(ck.Name), true, h.secure, "Lax"
	if h.secure {
		ck.Path, ck.Domain = "/", ""
	}
	c.Cookie(ck)
}

// setSessionCookie stores a session token for the browser.
func (h *Handlers) setSessionCookie(c *fiber.Ctx, name, value, path string) {
	h.writeCookie(c, &fiber.Cookie{Name: name, Value: value, Path: path, MaxAge: int(h.Config.SessionAbsolute.Seconds())})
}

func (h *Handlers) clearCookie(c *fiber.Ctx, name, path string) {
	h.writeCookie(c, &fiber.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, Expires: time.Unix(1, 0)})
}

// auditFor fills the who and where of an audit entry from the request.
func auditFor(c *fiber.Ctx, action, target string) tenant.Audit {
	a := tenant.Audit{Action: action, Target: target, IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
	if u := userOf(c); u != nil {
		a.ActorID, a.ActorName = u.ID, u.Name
	}
	if r := stateOf(c).req; r != nil && r.Token != nil {
		a.ActorName = apiActorName(r) // every use of a token is attributable (routes_api.go)
	}
	return a
}
