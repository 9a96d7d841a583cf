package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// Access says who may use a route.
type Access int

// Access levels. Agency levels include the ones above them in the role
// order owner > admin > staff > client; a role below gets a 404.
const (
	Public       Access = iota // anyone
	AgencyPublic               // anyone, on an existing agency's pages (login, invite, reset)
	SignedIn                   // any signed-in person of the agency, client contacts included
	ClientOnly                 // the agency's client contacts (the portal)
	Staff                      // staff, admins and owners
	Admin                      // admins and owners
	Owner                      // owners
	Operator                   // platform operators
	Callback                   // a machine reporting about one agency (a payment provider): the agency from the path as on every agency route, no session, no CSRF; the handler checks the signature
	External                   // machines (metrics scrapers, the operator's payment callback): no session, no CSRF; the handler authenticates the request itself
	APIToken                   // the public API (/api/v1/, routes_api.go): a bearer token names its agency and acts for its creator within the row's Scope; no session, no CSRF
)

// agencyLevel reports whether routes of level a belong to one agency: the
// agency in the path is resolved and its database acquired before the
// handler runs, and the handler receives them as a *Request.
func (a Access) agencyLevel() bool {
	switch a {
	case AgencyPublic, SignedIn, ClientOnly, Staff, Admin, Owner, Callback, APIToken:
		return true
	}
	return false
}

// Policy is how a route's request is treated before its handler runs,
// besides who may call it. Middleware reads these bits from the route's
// row; none keeps a list of paths of its own.
type Policy uint8

const (
	// Streams: the handler reads the multipart body as it arrives (document
	// uploads go from the connection to disk); every other body is read
	// into memory within the body limit first.
	Streams Policy = 1 << iota
	// Unqueued: the request skips the admission queue (probes and the
	// metrics scrape must answer while the server is busy; streamed uploads
	// spend their time on the network, not the CPU).
	Unqueued
	// WritableWhenSuspended: a post that a suspended (read-only) agency
	// still takes: signing out, the person's own account, paying.
	WritableWhenSuspended
	// PlacedByEmail: a root sign-in form, sent on to the machine that holds
	// every agency of the email when agencies live on several machines.
	PlacedByEmail
	// NeedsSpace: an upload or import, refused (507) before its body is read
	// while free space is below the reserve (handlers/storage.go).
	NeedsSpace
	// EventStream: the response is a long-lived Server-Sent Events stream
	// (handlers/live.go). A request the access checks turn away gets a
	// stream that only says "end" instead of a redirect or an error page,
	// so that the browser's EventSource stops asking.
	EventStream
)

// The three kinds of handler a row can hold. Which one a row has is part
// of its policy: only PlatformHandler rows reach the pool of every
// agency's database (see Platform).
type (
	// AgencyHandler serves an agency route; r holds the request's agency,
	// its database and the signed-in person.
	AgencyHandler = func(h *Handlers, c *fiber.Ctx, r *Request) error
	// SiteHandler serves a route of no agency (public pages, the console's
	// own pages, probes).
	SiteHandler = func(h *Handlers, c *fiber.Ctx) error
	// PlatformHandler serves a route that must cross agencies: the root
	// sign-in and password reset, sign-up, the operator console's agency
	// pages and jobs.
	PlatformHandler = func(p *Platform, c *fiber.Ctx) error
)

// Route is one row of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Policy  Policy
	Handler any    // an AgencyHandler, SiteHandler or PlatformHandler
	Scope   string // APIToken rows: the scope a token needs ("cases:write")
}

// Has reports whether the route's policy includes p.
func (r *Route) Has(p Policy) bool { return r != nil && r.Policy&p != 0 }

func get(path string, a Access, handler any, p ...Policy) Route {
	return route(fiber.MethodGet, path, a, handler, p)
}

func post(path string, a Access, handler any, p ...Policy) Route {
	return route(fiber.MethodPost, path, a, handler, p)
}

func route(method, path string, a Access, handler any, policies []Policy) Route {
	r := Route{Method: method, Path: path, Access: a, Handler: handler}
	for _, p := range policies {
		r.Policy |= p
	}
	return r
}

// Routes is the whole route table, read top to bottom: the core rows here,
// then each larger area's rows from its own routes_*.go file.
var Routes = concatRoutes(confirmRoutes, coreRoutes, shellRoutes, documentRoutes, billingRoutes, privacyRoutes, operatorRoutes, opsRoutes, taskRoutes, requestRoutes, docRequestRoutes, emailRoutes, quoteRoutes, agreementRoutes, apiRoutes, taxRoutes, webhookRoutes)

func concatRoutes(groups ...[]Route) []Route {
	var out []Route
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var coreRoutes = []Route{
	// Public pages and operations.
	get("/", Public, (*Handlers).Landing),
	get("/livez", Public, (*Handlers).Livez, Unqueued),
	get("/readyz", Public, (*Handlers).Readyz, Unqueued),
	get("/signup", Public, (*Handlers).SignupForm),
	post("/signup", Public, (*Platform).Signup),
	get("/signup/slug", Public, (*Handlers).SignupSlugCheck),
	get("/login", Public, (*Handlers).LoginForm),
	post("/login", Public, (*Platform).Login, PlacedByEmail),
	post("/login/choose", Public, (*Platform).LoginChoose),
	get("/forgot", Public, (*Handlers).ForgotForm),
	post("/forgot", Public, (*Platform).Forgot, PlacedByEmail),
	get("/setup/:token", Public, (*Handlers).SetupForm),
	post("/setup/:token", Public, (*Handlers).Setup),

	// An agency's public pages.
	get("/a/:slug/login", AgencyPublic, (*Handlers).AgencyLoginForm),
	get("/a/:slug/logo", AgencyPublic, (*Handlers).Logo),
	get("/a/:slug/brand.css", AgencyPublic, (*Handlers).BrandCSS),
	post("/a/:slug/login", AgencyPublic, (*Handlers).AgencyLogin),
	post("/a/:slug/login/two-factor", AgencyPublic, (*Handlers).LoginTwoFactor),
	get("/a/:slug/forgot", AgencyPublic, (*Handlers).AgencyForgotForm),
	post("/a/:slug/forgot", AgencyPublic, (*Handlers).AgencyForgot),
	get("/a/:slug/reset/:token", AgencyPublic, (*Handlers).ResetForm),
	post("/a/:slug/reset/:token", AgencyPublic, (*Handlers).Reset),
	get("/a/:slug/invite/:token", AgencyPublic, (*Handlers).InviteForm),
	post("/a/:slug/invite/:token", AgencyPublic, (*Handlers).AcceptInvite),

	// Everyone signed in to the agency.
	post("/a/:slug/logout", SignedIn, (*Handlers).Logout, WritableWhenSuspended),
	get("/a/:slug/account", SignedIn, (*Handlers).Account),
	post("/a/:slug/account/password", SignedIn, (*Handlers).ChangePassword, WritableWhenSuspended),
	post("/a/:slug/account/language", SignedIn, (*Handlers).AccountLanguage, WritableWhenSuspended),
	get("/a/:slug/account/sessions", SignedIn, (*Handlers).Sessions),
	post("/a/:slug/account/sessions/others/revoke", SignedIn, (*Handlers).RevokeOtherSessions, WritableWhenSuspended),
	post("/a/:slug/account/sessions/:id/revoke", SignedIn, (*Handlers).RevokeSession, WritableWhenSuspended),
	get("/a/:slug/account/two-factor", SignedIn, (*Handlers).TwoFactor),
	get("/a/:slug/account/two-factor/qr.png", SignedIn, (*Handlers).TwoFactorQR),
	post("/a/:slug/account/two-factor/setup", SignedIn, (*Handlers).TwoFactorSetup, WritableWhenSuspended),
	post("/a/:slug/account/two-factor/confirm", SignedIn, (*Handlers).TwoFactorConfirm, WritableWhenSuspended),
	post("/a/:slug/account/two-factor/disable", SignedIn, (*Handlers).TwoFactorDisable, WritableWhenSuspended),
	post("/a/:slug/account/two-factor/recovery-codes", SignedIn, (*Handlers).TwoFactorNewCodes, WritableWhenSuspended),
	get("/a/:slug/account/emails", SignedIn, (*Handlers).EmailPreferencesForm),
	post("/a/:slug/account/emails", SignedIn, (*Handlers).EmailPreferences, WritableWhenSuspended),
	get("/a/:slug/live", SignedIn, (*Handlers).LiveStream, EventStream), // one stream of live updates per tab (handlers/live.go)

	// The client portal.
	get("/a/:slug/portal", ClientOnly, (*Handlers).PortalHome),
	get("/a/:slug/portal/cases/:id", ClientOnly, (*Handlers).PortalCase),
	post("/a/:slug/portal/cases/:id/messages", ClientOnly, (*Handlers).PortalMessage, NeedsSpace),
	post("/a/:slug/portal/cases/:id/documents", ClientOnly, (*Handlers).PortalUpload, Streams, Unqueued, NeedsSpace),
	get("/a/:slug/portal/cases/:id/documents/:doc", ClientOnly, (*Handlers).PortalDocument),
	get("/a/:slug/portal/invoices", ClientOnly, (*Handlers).PortalInvoices),
	get("/a/:slug/portal/invoices/:id", ClientOnly, (*Handlers).PortalInvoice),
	get("/a/:slug/portal/invoices/:id/pdf", ClientOnly, (*Handlers).PortalInvoicePDF),
	post("/a/:slug/portal/invoices/:id/pay", ClientOnly, (*Handlers).PortalInvoicePay),

	// Staff.
	get("/a/:slug", Staff, (*Handlers).Dashboard),
	get("/a/:slug/search", Staff, (*Handlers).Search),

	// Clients (staff; the agency's visibility setting narrows what staff see).
	get("/a/:slug/clients", Staff, (*Handlers).ClientsIndex),
	get("/a/:slug/clients/new", Staff, (*Handlers).ClientNew),
	post("/a/:slug/clients", Staff, (*Handlers).ClientCreate),
	post("/a/:slug/clients/validate", Staff, (*Handlers).ClientValidate),
	post("/a/:slug/clients/bulk", Staff, (*Handlers).ClientsBulk),
	get("/a/:slug/clients/export.csv", Staff, (*Handlers).ClientsExport),
	get("/a/:slug/clients/import", Staff, (*Handlers).ClientsImportForm),
	post("/a/:slug/clients/import", Staff, (*Handlers).ClientsImportPreview, NeedsSpace),
	post("/a/:slug/clients/import/confirm", Staff, (*Handlers).ClientsImportConfirm, NeedsSpace),
	get("/a/:slug/clients/:id", Staff, (*Handlers).ClientShow),
	get("/a/:slug/clients/:id/edit", Staff, (*Handlers).ClientEdit),
	post("/a/:slug/clients/:id", Staff, (*Handlers).ClientUpdate),
	post("/a/:slug/clients/:id/archive", Staff, (*Handlers).ClientArchive),
	post("/a/:slug/clients/:id/restore", Staff, (*Handlers).ClientRestore),
	post("/a/:slug/clients/:id/contacts", Staff, (*Handlers).ContactInvite),
	post("/a/:slug/clients/:id/contacts/:user/disable", Staff, (*Handlers).ContactDisable),
	post("/a/:slug/clients/:id/contacts/:user/enable", Staff, (*Handlers).ContactEnable),
	post("/a/:slug/clients/:id/invites/:invite/resend", Staff, (*Handlers).ContactInviteResend),
	post("/a/:slug/clients/:id/invites/:invite/revoke", Staff, (*Handlers).ContactInviteRevoke),

	// Cases and their history (staff).
	get("/a/:slug/cases", Staff, (*Handlers).CasesIndex),
	get("/a/:slug/cases/board", Staff, (*Handlers).CasesBoard),
	get("/a/:slug/cases/new", Staff, (*Handlers).CaseNew),
	post("/a/:slug/cases", Staff, (*Handlers).CaseCreate),
	post("/a/:slug/cases/bulk", Staff, (*Handlers).CasesBulk),
	get("/a/:slug/cases/export.csv", Staff, (*Handlers).CasesExport),
	get("/a/:slug/cases/:id", Staff, (*Handlers).CaseShow),
	get("/a/:slug/cases/:id/live", Staff, (*Handlers).CaseLive), // the page's parts, when its live stream says the case changed
	get("/a/:slug/cases/:id/edit", Staff, (*Handlers).CaseEdit),
	post("/a/:slug/cases/:id", Staff, (*Handlers).CaseUpdate),
	post("/a/:slug/cases/:id/status", Staff, (*Handlers).CaseSetStatus),
	post("/a/:slug/cases/:id/notes", Staff, (*Handlers).NoteCreate),
	get("/a/:slug/cases/:id/notes/:note/edit", Staff, (*Handlers).NoteEdit),
	post("/a/:slug/cases/:id/notes/:note", Staff, (*Handlers).NoteUpdate),

	// Admins: the team and the audit log.
	get("/a/:slug/users", Admin, (*Handlers).Users),
	post("/a/:slug/invites", Admin, (*Handlers).Invite),
	post("/a/:slug/invites/:id/resend", Admin, (*Handlers).ResendInvite),
	post("/a/:slug/invites/:id/revoke", Admin, (*Handlers).RevokeInvite),
	post("/a/:slug/users/:id/role", Admin, (*Handlers).SetRole),
	post("/a/:slug/users/:id/disable", Admin, (*Handlers).DisableUser),
	post("/a/:slug/users/:id/enable", Admin, (*Handlers).EnableUser),
	get("/a/:slug/audit", Admin, (*Handlers).Audit),
	get("/a/:slug/audit.csv", Admin, (*Handlers).AuditExport),
	get("/a/:slug/settings", Admin, (*Handlers).Settings),
	post("/a/:slug/settings", Admin, (*Handlers).SettingsUpdate),
	get("/a/:slug/settings/branding", Owner, (*Handlers).Branding),
	post("/a/:slug/settings/branding", Owner, (*Handlers).BrandingUpdate, NeedsSpace),
	get("/a/:slug/settings/outbox", Owner, (*Handlers).AgencyOutbox),

	// The platform operator's console.
	get("/operator/login", Public, (*Handlers).OperatorLoginForm),
	post("/operator/login", Public, (*Handlers).OperatorLogin),
	post("/operator/logout", Operator, (*Handlers).OperatorLogout),
	get("/operator", Operator, (*Platform).OperatorHome),
	get("/operator/outbox", Operator, (*Handlers).OperatorOutbox),
}

// register installs the global middleware, then every route with the
// chain its row asks for.
func (p *Platform) register(app *fiber.App) {
	h := p.Handlers
	app.Use(h.requestID, h.countRequest, h.accessLog, h.recoverPanic, h.securityHeaders(), h.recordPageView)
	app.Get("/assets/*", h.serveAsset)
	for i := range Routes {
		r := &Routes[i]
		app.Add(r.Method, r.Path, p.chain(r)...)
	}
}

// chain is the middleware of one route, from its row: the body read (or
// left to stream), placement, the admission queue, the checks of its
// access level, then its handler.
func (p *Platform) chain(r *Route) []fiber.Handler {
	h := p.Handlers
	chain := []fiber.Handler{func(c *fiber.Ctx) error { stateOf(c).route = r; return c.Next() }, h.storageGuard, h.readBody}
	if r.Has(PlacedByEmail) {
		chain = append(chain, p.placeByEmail)
	}
	if !r.Has(Unqueued) {
		chain = append(chain, h.admit)
	}
	chain = append(chain, p.guards(r.Access)...)
	return append(chain, p.handler(r))
}

// guards returns the middleware a route of the given access level runs first.
func (p *Platform) guards(a Access) []fiber.Handler {
	h := p.Handlers
	switch a {
	case Public:
		return []fiber.Handler{h.anonymousCSRF}
	case External:
		return nil
	case Callback:
		return []fiber.Handler{p.loadAgency}
	case APIToken:
		return []fiber.Handler{p.loadAPIToken, h.apiIdempotency}
	case Operator:
		return []fiber.Handler{h.loadOperator, h.sessionCSRF}
	case AgencyPublic:
		return []fiber.Handler{p.loadAgency, h.loadSession, h.csrfForAgency}
	default:
		return []fiber.Handler{p.loadAgency, h.loadSession, h.require(a), h.sessionCSRF}
	}
}

// handler calls the row's handler with what its kind may hold.
func (p *Platform) handler(r *Route) fiber.Handler {
	switch fn := r.Handler.(type) {
	case AgencyHandler:
		return func(c *fiber.Ctx) error { return fn(p.Handlers, c, stateOf(c).req) }
	case SiteHandler:
		return func(c *fiber.Ctx) error { return fn(p.Handlers, c) }
	case PlatformHandler:
		return func(c *fiber.Ctx) error { return fn(p, c) }
	}
	panic(fmt.Sprintf("handlers: route %s %s has a handler of type %T", r.Method, r.Path, r.Handler))
}
