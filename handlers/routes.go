package handlers

import (
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
	External                   // machines (payment callbacks, metrics scrapers): no session, no CSRF; the handler authenticates the request itself (a signature or a token)
)

// Route is one row of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler func(h *Handlers, c *fiber.Ctx) error
}

// Routes is the whole route table, read top to bottom: the core rows here,
// then each larger area's rows from its own routes_*.go file.
var Routes = concatRoutes(coreRoutes, documentRoutes, billingRoutes, privacyRoutes, operatorRoutes, opsRoutes)

func concatRoutes(groups ...[]Route) []Route {
	var out []Route
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var coreRoutes = []Route{
	// Public pages and operations.
	{"GET", "/", Public, (*Handlers).Landing},
	{"GET", "/livez", Public, (*Handlers).Livez},
	{"GET", "/readyz", Public, (*Handlers).Readyz},
	{"GET", "/signup", Public, (*Handlers).SignupForm},
	{"POST", "/signup", Public, (*Handlers).Signup},
	{"GET", "/signup/slug", Public, (*Handlers).SignupSlugCheck},
	{"GET", "/login", Public, (*Handlers).LoginForm},
	{"POST", "/login", Public, (*Handlers).Login},
	{"POST", "/login/choose", Public, (*Handlers).LoginChoose},
	{"GET", "/forgot", Public, (*Handlers).ForgotForm},
	{"POST", "/forgot", Public, (*Handlers).Forgot},
	{"GET", "/setup/:token", Public, (*Handlers).SetupForm},
	{"POST", "/setup/:token", Public, (*Handlers).Setup},

	// An agency's public pages.
	{"GET", "/a/:slug/login", AgencyPublic, (*Handlers).AgencyLoginForm},
	{"GET", "/a/:slug/logo", AgencyPublic, (*Handlers).Logo},
	{"GET", "/a/:slug/brand.css", AgencyPublic, (*Handlers).BrandCSS},
	{"POST", "/a/:slug/login", AgencyPublic, (*Handlers).AgencyLogin},
	{"POST", "/a/:slug/login/two-factor", AgencyPublic, (*Handlers).LoginTwoFactor},
	{"GET", "/a/:slug/forgot", AgencyPublic, (*Handlers).AgencyForgotForm},
	{"POST", "/a/:slug/forgot", AgencyPublic, (*Handlers).AgencyForgot},
	{"GET", "/a/:slug/reset/:token", AgencyPublic, (*Handlers).ResetForm},
	{"POST", "/a/:slug/reset/:token", AgencyPublic, (*Handlers).Reset},
	{"GET", "/a/:slug/invite/:token", AgencyPublic, (*Handlers).InviteForm},
	{"POST", "/a/:slug/invite/:token", AgencyPublic, (*Handlers).AcceptInvite},

	// Everyone signed in to the agency.
	{"POST", "/a/:slug/logout", SignedIn, (*Handlers).Logout},
	{"GET", "/a/:slug/account", SignedIn, (*Handlers).Account},
	{"POST", "/a/:slug/account/password", SignedIn, (*Handlers).ChangePassword},
	{"GET", "/a/:slug/account/sessions", SignedIn, (*Handlers).Sessions},
	{"POST", "/a/:slug/account/sessions/others/revoke", SignedIn, (*Handlers).RevokeOtherSessions},
	{"POST", "/a/:slug/account/sessions/:id/revoke", SignedIn, (*Handlers).RevokeSession},
	{"GET", "/a/:slug/account/two-factor", SignedIn, (*Handlers).TwoFactor},
	{"POST", "/a/:slug/account/two-factor/setup", SignedIn, (*Handlers).TwoFactorSetup},
	{"POST", "/a/:slug/account/two-factor/confirm", SignedIn, (*Handlers).TwoFactorConfirm},
	{"POST", "/a/:slug/account/two-factor/disable", SignedIn, (*Handlers).TwoFactorDisable},
	{"POST", "/a/:slug/account/two-factor/recovery-codes", SignedIn, (*Handlers).TwoFactorNewCodes},
	{"GET", "/a/:slug/account/emails", SignedIn, (*Handlers).EmailPreferencesForm},
	{"POST", "/a/:slug/account/emails", SignedIn, (*Handlers).EmailPreferences},

	// The client portal.
	{"GET", "/a/:slug/portal", ClientOnly, (*Handlers).PortalHome},
	{"GET", "/a/:slug/portal/cases/:id", ClientOnly, (*Handlers).PortalCase},
	{"POST", "/a/:slug/portal/cases/:id/messages", ClientOnly, (*Handlers).PortalMessage},
	{"POST", "/a/:slug/portal/cases/:id/documents", ClientOnly, (*Handlers).PortalUpload},
	{"GET", "/a/:slug/portal/cases/:id/documents/:doc", ClientOnly, (*Handlers).PortalDocument},
	{"GET", "/a/:slug/portal/invoices", ClientOnly, (*Handlers).PortalInvoices},
	{"GET", "/a/:slug/portal/invoices/:id", ClientOnly, (*Handlers).PortalInvoice},
	{"GET", "/a/:slug/portal/invoices/:id/pdf", ClientOnly, (*Handlers).PortalInvoicePDF},
	{"POST", "/a/:slug/portal/invoices/:id/pay", ClientOnly, (*Handlers).PortalInvoicePay},

	// Staff.
	{"GET", "/a/:slug", Staff, (*Handlers).Dashboard},
	{"GET", "/a/:slug/search", Staff, (*Handlers).Search},

	// Clients (staff; the agency's visibility setting narrows what staff see).
	{"GET", "/a/:slug/clients", Staff, (*Handlers).ClientsIndex},
	{"GET", "/a/:slug/clients/new", Staff, (*Handlers).ClientNew},
	{"POST", "/a/:slug/clients", Staff, (*Handlers).ClientCreate},
	{"POST", "/a/:slug/clients/validate", Staff, (*Handlers).ClientValidate},
	{"POST", "/a/:slug/clients/bulk", Staff, (*Handlers).ClientsBulk},
	{"GET", "/a/:slug/clients/export.csv", Staff, (*Handlers).ClientsExport},
	{"GET", "/a/:slug/clients/import", Staff, (*Handlers).ClientsImportForm},
	{"POST", "/a/:slug/clients/import", Staff, (*Handlers).ClientsImportPreview},
	{"POST", "/a/:slug/clients/import/confirm", Staff, (*Handlers).ClientsImportConfirm},
	{"GET", "/a/:slug/clients/:id", Staff, (*Handlers).ClientShow},
	{"GET", "/a/:slug/clients/:id/edit", Staff, (*Handlers).ClientEdit},
	{"POST", "/a/:slug/clients/:id", Staff, (*Handlers).ClientUpdate},
	{"POST", "/a/:slug/clients/:id/archive", Staff, (*Handlers).ClientArchive},
	{"POST", "/a/:slug/clients/:id/restore", Staff, (*Handlers).ClientRestore},
	{"POST", "/a/:slug/clients/:id/contacts", Staff, (*Handlers).ContactInvite},

	// Cases and their history (staff).
	{"GET", "/a/:slug/cases", Staff, (*Handlers).CasesIndex},
	{"GET", "/a/:slug/cases/board", Staff, (*Handlers).CasesBoard},
	{"GET", "/a/:slug/cases/new", Staff, (*Handlers).CaseNew},
	{"POST", "/a/:slug/cases", Staff, (*Handlers).CaseCreate},
	{"POST", "/a/:slug/cases/bulk", Staff, (*Handlers).CasesBulk},
	{"GET", "/a/:slug/cases/export.csv", Staff, (*Handlers).CasesExport},
	{"GET", "/a/:slug/cases/:id", Staff, (*Handlers).CaseShow},
	{"GET", "/a/:slug/cases/:id/edit", Staff, (*Handlers).CaseEdit},
	{"POST", "/a/:slug/cases/:id", Staff, (*Handlers).CaseUpdate},
	{"POST", "/a/:slug/cases/:id/status", Staff, (*Handlers).CaseSetStatus},
	{"POST", "/a/:slug/cases/:id/notes", Staff, (*Handlers).NoteCreate},
	{"GET", "/a/:slug/cases/:id/notes/:note/edit", Staff, (*Handlers).NoteEdit},
	{"POST", "/a/:slug/cases/:id/notes/:note", Staff, (*Handlers).NoteUpdate},

	// Admins: the team and the audit log.
	{"GET", "/a/:slug/users", Admin, (*Handlers).Users},
	{"POST", "/a/:slug/invites", Admin, (*Handlers).Invite},
	{"POST", "/a/:slug/invites/:id/revoke", Admin, (*Handlers).RevokeInvite},
	{"POST", "/a/:slug/users/:id/role", Admin, (*Handlers).SetRole},
	{"POST", "/a/:slug/users/:id/disable", Admin, (*Handlers).DisableUser},
	{"POST", "/a/:slug/users/:id/enable", Admin, (*Handlers).EnableUser},
	{"GET", "/a/:slug/audit", Admin, (*Handlers).Audit},
	{"GET", "/a/:slug/settings", Admin, (*Handlers).Settings},
	{"POST", "/a/:slug/settings", Admin, (*Handlers).SettingsUpdate},
	{"GET", "/a/:slug/settings/branding", Owner, (*Handlers).Branding},
	{"POST", "/a/:slug/settings/branding", Owner, (*Handlers).BrandingUpdate},

	// The platform operator's console.
	{"GET", "/operator/login", Public, (*Handlers).OperatorLoginForm},
	{"POST", "/operator/login", Public, (*Handlers).OperatorLogin},
	{"POST", "/operator/logout", Operator, (*Handlers).OperatorLogout},
	{"GET", "/operator", Operator, (*Handlers).OperatorHome},
	{"GET", "/operator/outbox", Operator, (*Handlers).OperatorOutbox},
}

// register installs the global middleware and every route with the checks
// its access level needs.
func (h *Handlers) register(app *fiber.App) {
	app.Use(h.requestID, h.countRequest, h.accessLog, h.recoverPanic, h.securityHeaders(), h.readBody, h.placeRootRequest, h.admit, h.recordPageView)
	app.Get("/assets/*", h.serveAsset)
	for _, r := range Routes {
		r := r
		chain := h.guards(r.Access)
		chain = append(chain, func(c *fiber.Ctx) error { return r.Handler(h, c) })
		app.Add(r.Method, r.Path, chain...)
	}
}

// guards returns the middleware a route of the given access level runs first.
func (h *Handlers) guards(a Access) []fiber.Handler {
	switch a {
	case Public:
		return []fiber.Handler{h.anonymousCSRF}
	case External:
		return nil
	case Operator:
		return []fiber.Handler{h.loadOperator, h.sessionCSRF}
	case AgencyPublic:
		return []fiber.Handler{h.loadAgency, h.loadSession, h.csrfForAgency}
	default:
		return []fiber.Handler{h.loadAgency, h.loadSession, h.require(a), h.sessionCSRF}
	}
}
