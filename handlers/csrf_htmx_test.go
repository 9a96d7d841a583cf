package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// csrfHTMXHeaders are the headers htmx sends: with every request, with a
// boosted form, with a swap into a target.
var csrfHTMXHeaders = []struct {
	name    string
	headers map[string]string
}{
	{"HX-Request", map[string]string{"HX-Request": "true"}},
	{"HX-Request and HX-Boosted", map[string]string{"HX-Request": "true", "HX-Boosted": "true"}},
	{"HX-Request and HX-Target", map[string]string{"HX-Request": "true", "HX-Target": "main", "HX-Current-URL": "http://mm.test/"}},
}

// csrfTarget is one state-changing route and how to see that it changed
// nothing.
type csrfTarget struct {
	b    *browser
	path string
	// body is the request with formToken as its _csrf field (none when "").
	body func(formToken string) (io.Reader, string)
	// other is a token that is valid, but for another session (or, before
	// sign-in, another browser).
	other string
	// state is what the request would change, as a string.
	state func(t *testing.T) string
}

// urlencoded is a form body with _csrf set to formToken.
func urlencoded(form url.Values) func(string) (io.Reader, string) {
	return func(formToken string) (io.Reader, string) {
		v := url.Values{}
		for k, vs := range form {
			v[k] = vs
		}
		v.Set("_csrf", formToken)
		return strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	}
}

// send posts the target's body with formToken in _csrf and headerToken in
// X-CSRF-Token (each left out when ""), plus headers.
func (tg csrfTarget) send(formToken, headerToken string, headers map[string]string) *response {
	for k, v := range headers {
		tg.b.headers[k] = v
	}
	if headerToken != "" {
		tg.b.headers["X-CSRF-Token"] = headerToken
	}
	defer func() {
		for k := range headers {
			delete(tg.b.headers, k)
		}
		delete(tg.b.headers, "X-CSRF-Token")
	}()
	body, ct := tg.body(formToken)
	return tg.b.do("POST", tg.path, body, ct)
}

// wantCSRFRefusedUnderHTMX posts the target with htmx's headers and no
// token, a forged one or another session's, in the X-CSRF-Token header and
// in the _csrf field: each is refused with the status of a plain form
// without a token and changes nothing. Last, the right token in the header
// goes through, so the refusals were the CSRF check's.
func wantCSRFRefusedUnderHTMX(t *testing.T, tg csrfTarget) {
	t.Helper()
	const forged = "forged-token-forged-token-forged-token-xyz"
	before := tg.state(t)
	plain := tg.send("", "", nil)
	if plain.StatusCode != http.StatusForbidden {
		t.Fatalf("a plain form without a token: status %d, want %d", plain.StatusCode, http.StatusForbidden)
	}
	if got := tg.state(t); got != before {
		t.Fatalf("a plain form without a token changed %q → %q", before, got)
	}
	tokens := []struct{ name, form, header string }{
		{"no token", "", ""},
		{"a forged token in X-CSRF-Token", "", forged},
		{"a forged token in _csrf", forged, ""},
		{"another session's token in X-CSRF-Token", "", tg.other},
		{"another session's token in _csrf", tg.other, ""},
	}
	for _, hx := range csrfHTMXHeaders {
		for _, tok := range tokens {
			t.Run("with "+hx.name+" and "+tok.name+" is refused and changes nothing", func(t *testing.T) {
				res := tg.send(tok.form, tok.header, hx.headers)
				if res.StatusCode != plain.StatusCode {
					t.Errorf("status %d, want %d as for a plain form", res.StatusCode, plain.StatusCode)
				}
				if got := tg.state(t); got != before {
					t.Errorf("the request changed %q → %q", before, got)
				}
			})
		}
	}
	t.Run("with HX-Request and the right token in X-CSRF-Token goes through", func(t *testing.T) {
		res := tg.send("", tg.b.csrf, csrfHTMXHeaders[0].headers)
		if res.StatusCode == plain.StatusCode || res.StatusCode >= 400 {
			t.Fatalf("status %d\n%s", res.StatusCode, firstLine(res.Body))
		}
		if tg.state(t) == before {
			t.Fatal("the accepted request changed nothing: the state check sees nothing")
		}
	})
}

// CSRF holds for htmx requests as for plain forms, on every kind of route:
// staff pages, the portal, the operator console and the public forms.
func TestCSRFRefusesHTMXRequestsWithoutTheSessionToken(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	e, a := f.e, f.a
	ctx := context.Background()
	count := func(query string, args ...any) func(t *testing.T) string {
		return func(t *testing.T) string { return e.caseQuery(t, a, query, args...) }
	}

	t.Run("a staff member's note", func(t *testing.T) {
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: f.staff, path: "/a/" + a.Slug + "/cases/" + f.caseX + "/notes",
			body:  urlencoded(url.Values{"body": {"Sneaky note"}, "visible_to_client": {"1"}}),
			other: e.mustLogin(t, a, f.staffEmail).csrf,
			state: count(`SELECT COUNT(*) || '/' || (SELECT COUNT(*) FROM case_events) FROM notes`),
		})
	})
	t.Run("a staff member's upload", func(t *testing.T) {
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: f.staff, path: "/a/" + a.Slug + "/cases/" + f.caseX + "/documents",
			body: func(formToken string) (io.Reader, string) {
				return multipartBody(formToken, url.Values{"shared": {"1"}}, upFile{"sneaky.pdf", filestest.PDF(1, 0)})
			},
			other: e.mustLogin(t, a, f.staffEmail).csrf,
			state: count(`SELECT COUNT(*) FROM documents`),
		})
	})
	t.Run("an owner's invite", func(t *testing.T) {
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: a.Owner, path: "/a/" + a.Slug + "/invites",
			body:  urlencoded(url.Values{"email": {"sneaky@example.test"}, "role": {"admin"}}),
			other: e.mustLogin(t, a, a.OwnerEmail).csrf,
			state: count(`SELECT COUNT(*) FROM invites`),
		})
	})
	t.Run("a portal contact's message", func(t *testing.T) {
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: f.contact, path: f.portal("/cases/" + f.caseX + "/messages"),
			body:  urlencoded(url.Values{"body": {"Sneaky message"}}),
			other: e.mustLogin(t, a, f.contactEmail).csrf,
			state: count(`SELECT COUNT(*) FROM notes`),
		})
	})
	t.Run("an operator's new plan", func(t *testing.T) {
		email := mustCreateOperator(t, e)
		op, other := mustOperatorBrowser(t, e, email), mustOperatorBrowser(t, e, email)
		op.get("/operator/plans/new")
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: op, path: "/operator/plans",
			body:  urlencoded(url.Values{"name": {"Sneaky plan"}, "monthly_price": {"1"}, "currency": {"EUR"}}),
			other: other.csrf,
			state: func(t *testing.T) string {
				plans, err := e.control.Plans(ctx)
				if err != nil {
					t.Fatal(err)
				}
				names := make([]string, len(plans))
				for i, p := range plans {
					names[i] = p.Name
				}
				return strings.Join(names, ",")
			},
		})
	})
	t.Run("the agency's sign-in form", func(t *testing.T) {
		b, other := e.newClient(), e.newClient()
		b.get("/a/" + a.Slug + "/login")
		other.get("/a/" + a.Slug + "/login")
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: b, path: "/a/" + a.Slug + "/login",
			body:  urlencoded(url.Values{"email": {f.contactEmail}, "password": {testPassword}}),
			other: other.csrf,
			state: count(`SELECT COUNT(*) FROM sessions`),
		})
	})
	t.Run("the central sign-in form", func(t *testing.T) {
		b, other := e.newClient(), e.newClient()
		b.get("/login")
		other.get("/login")
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: b, path: "/login",
			body:  urlencoded(url.Values{"email": {f.staffEmail}, "password": {testPassword}}),
			other: other.csrf,
			state: count(`SELECT COUNT(*) FROM sessions`),
		})
	})
	t.Run("the sign-up form", func(t *testing.T) {
		b, other := e.newClient(), e.newClient()
		b.get("/signup")
		other.get("/signup")
		wantCSRFRefusedUnderHTMX(t, csrfTarget{
			b: b, path: "/signup",
			body: urlencoded(url.Values{"agency_name": {"Sneaky Agency"}, "slug": {"sneaky-htmx"}, "owner_name": {"Sneaky"},
				"email": {"sneaky-owner@example.test"}, "password": {testPassword}}),
			other: other.csrf,
			state: func(t *testing.T) string {
				taken, err := e.control.SlugTaken(ctx, "sneaky-htmx")
				if err != nil {
					t.Fatal(err)
				}
				if taken {
					return "taken"
				}
				return "free"
			},
		})
	})
}
