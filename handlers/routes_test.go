package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/handlers"
)

// Who can be at the door of a route.
const (
	anon       = "anon"
	clientRole = "client"
	staff      = "staff"
	admin      = "admin"
	owner      = "owner"
	other      = "other-agency-owner"
	operator   = "operator"
)

var everyone = []string{anon, clientRole, staff, admin, owner, other, operator}

// matrixRow says which callers a route lets through. Every route in the
// route table needs a row: adding a route without one fails the test.
type matrixRow struct {
	allowed []string
	form    func(f *matrixFixture) url.Values
}

// routeMatrix is the core rows here plus each area's rows from its own
// routes_*_test.go file.
var routeMatrix = mergeMatrix(confirmMatrix, coreMatrix, shellMatrix, documentMatrix, billingMatrix, privacyMatrix, operatorMatrix, opsMatrix, taskMatrix, requestMatrix, docRequestMatrix, emailMatrix, quoteMatrix, agreementMatrix, taxMatrix, webhookMatrix)

func mergeMatrix(parts ...map[string]matrixRow) map[string]matrixRow {
	out := map[string]matrixRow{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("routeMatrix: two rows for " + k)
			}
			out[k] = v
		}
	}
	return out
}

var coreMatrix = map[string]matrixRow{
	"GET /":                {allowed: everyone},
	"GET /livez":           {allowed: everyone},
	"GET /readyz":          {allowed: everyone},
	"GET /signup":          {allowed: everyone},
	"POST /signup":         {allowed: everyone},
	"GET /signup/slug":     {allowed: everyone},
	"GET /login":           {allowed: everyone},
	"POST /login":          {allowed: everyone},
	"POST /login/choose":   {allowed: everyone},
	"GET /forgot":          {allowed: everyone},
	"POST /forgot":         {allowed: everyone},
	"GET /setup/:token":    {allowed: everyone},
	"POST /setup/:token":   {allowed: everyone},
	"GET /operator/login":  {allowed: everyone},
	"POST /operator/login": {allowed: everyone},

	"GET /a/:slug/login":             {allowed: everyone},
	"GET /a/:slug/logo":              {allowed: everyone},
	"GET /a/:slug/brand.css":         {allowed: everyone},
	"POST /a/:slug/login":            {allowed: everyone},
	"POST /a/:slug/login/two-factor": {allowed: everyone},
	"GET /a/:slug/forgot":            {allowed: everyone},
	"POST /a/:slug/forgot":           {allowed: everyone},
	"GET /a/:slug/reset/:token":      {allowed: everyone},
	"POST /a/:slug/reset/:token":     {allowed: everyone},
	"GET /a/:slug/invite/:token":     {allowed: everyone},
	"POST /a/:slug/invite/:token":    {allowed: everyone},

	"POST /a/:slug/logout":                             {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/account":                             {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/password":                   {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/language":                   {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/account/sessions":                    {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/sessions/others/revoke":     {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/sessions/:id/revoke":        {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/account/two-factor":                  {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/account/two-factor/qr.png":           {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/two-factor/setup":           {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/two-factor/confirm":         {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/two-factor/disable":         {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/two-factor/recovery-codes":  {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/portal":                              {allowed: []string{clientRole}},
	"GET /a/:slug/portal/cases/:id":                    {allowed: []string{clientRole}},
	"POST /a/:slug/portal/cases/:id/messages":          {allowed: []string{clientRole}},
	"POST /a/:slug/portal/cases/:id/documents":         {allowed: []string{clientRole}},
	"GET /a/:slug/portal/cases/:id/documents/:doc":     {allowed: []string{clientRole}},
	"GET /a/:slug/portal/invoices":                     {allowed: []string{clientRole}},
	"GET /a/:slug/portal/invoices/:id":                 {allowed: []string{clientRole}},
	"GET /a/:slug/portal/invoices/:id/pdf":             {allowed: []string{clientRole}},
	"POST /a/:slug/portal/invoices/:id/pay":            {allowed: []string{clientRole}},
	"POST /a/:slug/clients/:id/contacts":               {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/contacts/:user/disable": {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/contacts/:user/enable":  {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/invites/:invite/resend": {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/invites/:invite/revoke": {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/account/emails":                      {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug/live":                                {allowed: []string{clientRole, staff, admin, owner}},
	"POST /a/:slug/account/emails":                     {allowed: []string{clientRole, staff, admin, owner}},
	"GET /a/:slug":                                     {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/search":                              {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients":                             {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients/new":                         {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients":                            {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/validate":                   {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/bulk":                       {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients/export.csv":                  {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients/import":                      {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/import":                     {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/import/confirm":             {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients/:id":                         {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/clients/:id/edit":                    {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id":                        {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/archive":                {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/clients/:id/restore":                {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases":                               {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/board":                         {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/new":                           {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases":                              {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/bulk":                         {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/export.csv":                    {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id":                           {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/live":                      {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/edit":                      {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id":                          {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/status":                   {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/notes":                    {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/cases/:id/notes/:note/edit":          {allowed: []string{staff, admin, owner}},
	"POST /a/:slug/cases/:id/notes/:note":              {allowed: []string{staff, admin, owner}},
	"GET /a/:slug/settings":                            {allowed: []string{admin, owner}},
	"POST /a/:slug/settings":                           {allowed: []string{admin, owner}},
	"GET /a/:slug/settings/branding":                   {allowed: []string{owner}},
	"POST /a/:slug/settings/branding":                  {allowed: []string{owner}},
	"GET /a/:slug/settings/outbox":                     {allowed: []string{owner}},
	"GET /a/:slug/users":                               {allowed: []string{admin, owner}},
	"POST /a/:slug/invites": {allowed: []string{admin, owner}, form: func(f *matrixFixture) url.Values {
		return url.Values{"email": {uuid.NewString() + "@example.test"}, "role": {"staff"}}
	}},
	"POST /a/:slug/invites/:id/revoke": {allowed: []string{admin, owner}},
	"POST /a/:slug/invites/:id/resend": {allowed: []string{admin, owner}},
	"POST /a/:slug/users/:id/role":     {allowed: []string{admin, owner}, form: func(f *matrixFixture) url.Values { return url.Values{"role": {"staff"}} }},
	"POST /a/:slug/users/:id/disable":  {allowed: []string{admin, owner}},
	"POST /a/:slug/users/:id/enable":   {allowed: []string{admin, owner}},
	"GET /a/:slug/audit":               {allowed: []string{admin, owner}},
	"GET /a/:slug/audit.csv":           {allowed: []string{admin, owner}},
	"POST /operator/logout":            {allowed: []string{operator}},
	"GET /operator":                    {allowed: []string{operator}},
	"GET /operator/outbox":             {allowed: []string{operator}},
}

// matrixFixture is agency A with a person of every role, agency B's owner,
// and a platform operator.
type matrixFixture struct {
	e      *env
	a, b   *agency
	victim string // a staff member of A that role and status changes act on
	emails map[string]string
}

func mustMatrixFixture(t *testing.T) *matrixFixture {
	f := &matrixFixture{e: mustNewEnv(t), emails: map[string]string{}}
	f.a = f.e.mustSignup(t, "matrix-a")
	f.b = f.e.mustSignup(t, "matrix-b")
	for _, role := range []string{clientRole, staff, admin} {
		_, f.emails[role] = f.e.mustAddUser(t, f.a, role)
	}
	_, victimEmail := f.e.mustAddUser(t, f.a, staff)
	u, err := f.e.mustTenant(t, f.a.ID).UserByEmail(context.Background(), victimEmail)
	if err != nil {
		t.Fatal(err)
	}
	f.victim = u.ID
	f.emails[owner] = f.a.OwnerEmail
	f.emails[other] = f.b.OwnerEmail
	f.emails[operator] = mustCreateOperator(t, f.e)
	return f
}

// mustCreateOperator creates a platform operator through the setup link.
func mustCreateOperator(t *testing.T, e *env) string {
	t.Helper()
	token, err := e.control.CreateSetupToken(context.Background(), control.SetupCLI, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	email := "op-" + uuid.NewString()[:8] + "@example.test"
	c := e.newClient()
	c.get("/setup/" + token)
	wantStatus(t, c.post("/setup/"+token, url.Values{"name": {"Opal Operator"}, "email": {email}, "password": {testPassword}}), http.StatusSeeOther)
	return email
}

// signedIn returns a fresh browser for a caller, signed in where it belongs.
func (f *matrixFixture) signedIn(t *testing.T, who string) *browser {
	t.Helper()
	switch who {
	case anon:
		c := f.e.newClient()
		c.get("/login")
		return c
	case operator:
		c := f.e.newClient()
		c.get("/operator/login")
		wantStatus(t, c.post("/operator/login", url.Values{"email": {f.emails[operator]}, "password": {testPassword}}), http.StatusSeeOther)
		c.get("/operator")
		return c
	case other:
		return f.e.mustLogin(t, f.b, f.emails[other])
	}
	return f.e.mustLogin(t, f.a, f.emails[who])
}

// path fills a route pattern with agency A's slug and real ids.
func (f *matrixFixture) path(t *testing.T, pattern string) string {
	t.Helper()
	ctx := context.Background()
	p := strings.Replace(pattern, ":slug", f.a.Slug, 1)
	p = strings.Replace(p, ":token", "not-a-real-token", 1)
	switch {
	case strings.Contains(p, "/invites/:id"):
		_, inv, err := f.e.mustTenant(t, f.a.ID).CreateInvite(ctx, uuid.NewString()+"@example.test", "staff", "", time.Hour, tenant.Audit{Action: "invite.sent"})
		if err != nil {
			t.Fatal(err)
		}
		p = strings.Replace(p, ":id", inv.ID, 1)
	case strings.Contains(p, "/users/:id"):
		p = strings.Replace(p, ":id", f.victim, 1)
	}
	// Any other id is a well-formed one that does not exist: the guard must
	// answer before the handler looks it up.
	return regexp.MustCompile(`:[a-z]+`).ReplaceAllStringFunc(p, func(string) string { return uuid.NewString() })
}

// denied reports whether the response is the guard's refusal: the page
// that does not exist, or the way to the login page.
func denied(res *response) bool {
	if res.StatusCode == http.StatusNotFound && strings.Contains(res.Body, "We couldn&#39;t find that page.") {
		return true
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "mm_flash" && ck.Value != "" {
			return false // a handler spoke (signing out sends people to the login page too)
		}
	}
	loc := res.Header.Get("Location")
	return res.StatusCode == http.StatusSeeOther && strings.HasSuffix(strings.SplitN(loc, "?", 2)[0], "/login") && !strings.HasSuffix(res.Request.URL.Path, "/login")
}

func TestRouteMatrix(t *testing.T) {
	t.Parallel()
	t.Run("every route has a row and every row a route", func(t *testing.T) {
		seen := map[string]bool{}
		for _, r := range handlers.Routes {
			key := r.Method + " " + r.Path
			seen[key] = true
			if _, ok := routeMatrix[key]; !ok {
				t.Errorf("route %s has no row in routeMatrix: say who may use it", key)
			}
		}
		for key := range routeMatrix {
			if !seen[key] {
				t.Errorf("routeMatrix row %s has no route", key)
			}
		}
	})

	f := mustMatrixFixture(t)
	t.Run("registered routes are exactly the route table", func(t *testing.T) {
		for _, r := range f.e.app.GetRoutes(true) {
			if r.Method == "HEAD" || r.Path == "/assets/*" || r.Method == "USE" {
				continue
			}
			if _, ok := routeMatrix[r.Method+" "+r.Path]; !ok {
				t.Errorf("%s %s is registered outside the route table", r.Method, r.Path)
			}
		}
	})

	for _, r := range handlers.Routes {
		key := r.Method + " " + r.Path
		row := routeMatrix[key]
		for _, who := range everyone {
			allowed := false
			for _, a := range row.allowed {
				allowed = allowed || a == who
			}
			name := fmt.Sprintf("%s as %s is %s", key, who, map[bool]string{true: "allowed", false: "refused"}[allowed])
			t.Run(name, func(t *testing.T) {
				c := f.signedIn(t, who)
				path := f.path(t, r.Path)
				if r.Has(handlers.EventStream) { // a stream has no end for app.Test to wait for: read it (live_test.go)
					if got := streamRefused(t, c, path); got == allowed {
						t.Fatalf("stream %s as %s: refused=%v", path, who, got)
					}
					return
				}
				var res *response
				if r.Method == "GET" {
					res = c.get(path)
				} else {
					form := url.Values{}
					if row.form != nil {
						form = row.form(f)
					}
					if r.Method == "POST" {
						res = c.post(path, form)
					} else { // PATCH (the API's): the same form, sent with the row's method
						res = c.do(r.Method, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
					}
				}
				if got := denied(res); got == allowed {
					t.Fatalf("%s %s as %s: status %d, location %q, denied=%v", r.Method, path, who, res.StatusCode, res.Header.Get("Location"), got)
				}
				if res.StatusCode >= 500 {
					t.Fatalf("%s %s as %s: status %d", r.Method, path, who, res.StatusCode)
				}
			})
		}
	}
}
