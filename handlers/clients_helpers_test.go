package handlers_test

import (
	"mintedmind/db/tenant"
	"mintedmind/handlers"

	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// clientFixture is agency A with an owner (a.Owner signed in), an admin
// and two staff members, each with a signed-in browser, and agency B.
type clientFixture struct {
	e                        *env
	a, b                     *agency
	tn                       *tenant.Store
	owner, admin             *tenant.User
	staff1, staff2           *tenant.User
	adminC, staff1C, staff2C *browser
	bOwner                   *tenant.User // agency B's owner: a user of another agency
}

func mustClientFixture(t *testing.T, opts ...func(*handlers.Config)) *clientFixture {
	t.Helper()
	ctx := context.Background()
	f := &clientFixture{e: mustNewEnv(t, opts...)}
	f.a = f.e.mustSignup(t, "cli")
	f.b = f.e.mustSignup(t, "cli-other")
	f.tn = f.e.mustTenant(t, f.a.ID)
	var email string
	f.adminC, email = f.e.mustAddUser(t, f.a, "admin")
	f.admin = mustUser(t, f.tn, email)
	f.staff1C, email = f.e.mustAddUser(t, f.a, "staff")
	f.staff1 = mustUser(t, f.tn, email)
	f.staff2C, email = f.e.mustAddUser(t, f.a, "staff")
	f.staff2 = mustUser(t, f.tn, email)
	f.owner = mustUser(t, f.tn, f.a.OwnerEmail)
	var err error
	if f.bOwner, err = f.e.mustTenant(t, f.b.ID).UserByEmail(ctx, f.b.OwnerEmail); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustUser(t *testing.T, tn *tenant.Store, email string) *tenant.User {
	t.Helper()
	u, err := tn.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// path is a path under agency A's clients.
func (f *clientFixture) path(rest string) string { return "/a/" + f.a.Slug + "/clients" + rest }

// clientValues is a valid client form, with key/value overrides.
func clientValues(name string, kv ...string) url.Values {
	v := url.Values{"name": {name}, "kind": {"person"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// mustCreateClient creates a client through the form and returns its id.
func (f *clientFixture) mustCreateClient(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	res := b.post(f.path(""), form)
	wantStatus(t, res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	id := strings.TrimPrefix(loc, f.path("/"))
	if id == loc || id == "" {
		t.Fatalf("create went to %q", loc)
	}
	return id
}

// mustSeedClient stores a client directly, as the owner.
func (f *clientFixture) mustSeedClient(t *testing.T, in tenant.ClientInput) *tenant.Client {
	t.Helper()
	c, err := f.tn.CreateClient(context.Background(), tenant.Viewer{UserID: f.owner.ID}, in, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustClient loads a client as the owner.
func (f *clientFixture) mustClient(t *testing.T, id string) *tenant.Client {
	t.Helper()
	c, err := f.tn.Client(context.Background(), tenant.Viewer{UserID: f.owner.ID}, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clientState is every client row, list value and audit entry of the
// agency as one string, to prove a refused request changed nothing.
func clientState(t *testing.T, tn *tenant.Store) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT id || '|' || name || '|' || kind || '|' || company_code || '|' || vat_number || '|' || street || '|' || city || '|' || postal_code || '|' || country || '|' || notes || '|' || COALESCE(responsible_id, '') || '|' || updated_at || '|' || COALESCE(archived_at, '') FROM clients ORDER BY id`,
		`SELECT client_id || '|' || position || '|' || email FROM client_emails ORDER BY 1`,
		`SELECT client_id || '|' || position || '|' || phone FROM client_phones ORDER BY 1`,
		`SELECT client_id || '|' || tag FROM client_tags ORDER BY 1`,
		`SELECT id || '|' || action || '|' || target || '|' || detail FROM audit_log WHERE action LIKE 'client.%' ORDER BY id`,
	} {
		rows, err := tn.Read().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			sb.WriteString(s + "\n")
		}
		rows.Close()
		sb.WriteString("--\n")
	}
	return sb.String()
}

// wantUnchanged fails when the agency's clients changed since before.
func wantUnchanged(t *testing.T, tn *tenant.Store, before string) {
	t.Helper()
	if after := clientState(t, tn); after != before {
		t.Fatalf("the database changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// auditEntries returns the agency's audit entries with action, newest first.
func auditEntries(t *testing.T, tn *tenant.Store, action string) []tenant.Audit {
	t.Helper()
	entries, err := tn.AuditLog(context.Background(), tenant.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// htmx makes the next requests of b as plain htmx requests (or boosted
// ones), until the returned function is called.
func htmx(b *browser, extra ...string) func() {
	b.headers["HX-Request"] = "true"
	for i := 0; i+1 < len(extra); i += 2 {
		b.headers[extra[i]] = extra[i+1]
	}
	return func() {
		delete(b.headers, "HX-Request")
		for i := 0; i+1 < len(extra); i += 2 {
			delete(b.headers, extra[i])
		}
	}
}

// upload posts a file as the multipart field "file".
func (b *browser) upload(path, filename string, content []byte) *response {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_csrf", b.csrf); err != nil {
		b.e.t.Fatal(err)
	}
	part, err := w.CreateFormFile("file", filename)
	if err != nil {
		b.e.t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	return b.do("POST", path, &body, w.FormDataContentType())
}

// countClients counts the agency's clients.
func countClients(t *testing.T, tn *tenant.Store) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM clients`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantNotContains(t *testing.T, res *response, s string) {
	t.Helper()
	if strings.Contains(res.Body, s) {
		t.Fatalf("body has %q:\n%s", s, res.Body)
	}
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func lines(format string, n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, format+"\n", i)
	}
	return sb.String()
}
