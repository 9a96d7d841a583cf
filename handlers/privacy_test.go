package handlers_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/db/tenant"
	"mintedmind/handlers"
)

// setCookieNames returns the names of the cookies a response sets (or clears).
func setCookieNames(res *response) []string {
	var out []string
	for _, ck := range res.Cookies() {
		out = append(out, ck.Name)
	}
	return out
}

func TestPrivacyPolicy(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	anon := e.newClient()

	t.Run("the shipped policy shows its last-updated date and version 1", func(t *testing.T) {
		res := anon.get("/privacy")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Last updated: <time datetime=\"2026-03-14\">2026-03-14</time> · version 1")
		wantContains(t, res, "<h2>4. Cookies</h2>")
		wantContains(t, res, "<li>Account data: name, email, password hash, role, login/session data.</li>")
	})

	email := mustCreateOperator(t, e)
	op := mustOperatorBrowser(t, e, email)

	t.Run("an empty policy is refused and nothing is published", func(t *testing.T) {
		res := op.post("/operator/privacy/policy", url.Values{"body": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Write the policy text.")
		wantContains(t, anon.get("/privacy"), "version 1")
	})

	t.Run("an unchanged policy is refused", func(t *testing.T) {
		res := op.get("/operator/privacy")
		body := res.Body[strings.Index(res.Body, `name="body" rows="18">`)+len(`name="body" rows="18">`):]
		body = body[:strings.Index(body, "</textarea>")]
		res = op.post("/operator/privacy/policy", url.Values{"body": {htmlUnescape(body)}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "This is the current text")
	})

	t.Run("the operator's edit is a new version dated today", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, time.UTC))
		op = mustOperatorBrowser(t, e, email)
		res := op.post("/operator/privacy/policy", url.Values{"body": {"1. Who we are\nWe are a test.\n- first point\n- second point"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = anon.get("/privacy")
		wantContains(t, res, "2026-12-24</time> · version 2")
		wantContains(t, res, "<h2>1. Who we are</h2>")
		wantContains(t, res, "<ul><li>first point</li><li>second point</li></ul>")
		wantContains(t, op.get("/operator/privacy"), "Version 2, last updated 2026-12-24")
	})
}

// mustOperatorBrowser signs the operator in and opens their privacy page.
func mustOperatorBrowser(t *testing.T, e *env, email string) *browser {
	t.Helper()
	op := e.newClient()
	op.get("/operator/login")
	wantStatus(t, op.post("/operator/login", url.Values{"email": {email}, "password": {testPassword}}), http.StatusSeeOther)
	wantStatus(t, op.get("/operator/privacy"), http.StatusOK)
	return op
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#34;", `"`, "&quot;", `"`).Replace(s)
}

func TestCookieRegistryMatchesCookiesSet(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	seen := map[string]bool{}
	record := func(res *response) *response {
		for _, n := range setCookieNames(res) {
			seen[n] = true
		}
		return res
	}

	// Sign-up, with the consent banner answered "analytics" on the way.
	b := e.newClient()
	record(b.get("/signup"))
	record(b.post("/consent", url.Values{"choice": {"analytics"}, "next": {"/signup"}}))
	record(b.get("/signup"))
	slug := "cookie-" + uuid.NewString()[:8]
	ownerEmail := slug + "@example.test"
	res := record(b.post("/signup", url.Values{"agency_name": {"Cookie Agency"}, "slug": {slug}, "owner_name": {"Olive Owner"}, "email": {ownerEmail}, "password": {testPassword}}))
	wantStatus(t, res, http.StatusSeeOther)
	record(b.get(res.Header.Get("Location")))
	record(b.post("/a/"+slug+"/logout", nil))

	// Sign-in in another browser, without consent.
	c := e.newClient()
	record(c.get("/a/" + slug + "/login"))
	record(c.get("/a/" + slug + "/login?lang=en")) // the language switcher
	res = record(c.post("/a/"+slug+"/login", url.Values{"email": {ownerEmail}, "password": {testPassword}}))
	wantStatus(t, res, http.StatusSeeOther)
	record(c.get(res.Header.Get("Location")))

	// The operator.
	opEmail := mustCreateOperator(t, e)
	op := e.newClient()
	record(op.get("/operator/login"))
	record(op.post("/operator/login", url.Values{"email": {opEmail}, "password": {testPassword}}))
	record(op.get("/operator"))

	names := map[string]bool{}
	for _, ck := range handlers.CookieRegistry {
		names[ck.Name] = true
		if ck.Category != handlers.CookieEssential && ck.Category != handlers.CookieAnalytics {
			t.Errorf("cookie %s: category %q", ck.Name, ck.Category)
		}
		if ck.Purpose == "" || ck.Lifetime == "" {
			t.Errorf("cookie %s: purpose and lifetime must be said", ck.Name)
		}
	}
	for n := range seen {
		if !names[n] {
			t.Errorf("the app set cookie %s, which the registry (and /cookies) does not list", n)
		}
	}
	for n := range names {
		if !seen[n] {
			t.Errorf("the registry lists %s, which no flow set", n)
		}
	}

	t.Run("/cookies lists every registered cookie", func(t *testing.T) {
		res := e.newClient().get("/cookies")
		wantStatus(t, res, http.StatusOK)
		for _, ck := range handlers.CookieRegistry {
			wantContains(t, res, "<code>"+ck.Name+"</code>")
		}
	})
}

func TestConsentAndAnalytics(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	a := e.mustSignup(t, "consent")
	rows := func() int64 {
		t.Helper()
		n, err := e.control.AnalyticsRowCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Sign-up itself was without consent.
	if n := rows(); n != 0 {
		t.Fatalf("%d analytics rows before anyone consented", n)
	}

	t.Run("without a choice the banner shows, only essential cookies are set and nothing is recorded", func(t *testing.T) {
		b := e.newClient()
		for _, p := range []string{"/", "/login", "/privacy", "/cookies", "/a/" + a.Slug + "/login"} {
			res := b.get(p)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `id="consent-banner"`)
			for _, n := range setCookieNames(res) {
				if n == "mm_seen" || n == "mm_consent" {
					t.Fatalf("%s set %s without consent", p, n)
				}
			}
		}
		if n := rows(); n != 0 {
			t.Fatalf("%d analytics rows without consent", n)
		}
	})

	t.Run("essential only: the banner goes, still nothing is recorded", func(t *testing.T) {
		b := e.newClient()
		b.get("/login")
		res := b.post("/consent", url.Values{"choice": {"essential"}, "next": {"/login"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/login" {
			t.Fatalf("went to %q", loc)
		}
		if got := b.cookie("mm_consent"); got != "essential.v1" {
			t.Fatalf("consent cookie %q", got)
		}
		res = b.get("/login")
		wantLacks(t, res, `id="consent-banner"`)
		if slices.Contains(setCookieNames(res), "mm_seen") {
			t.Fatal("analytics cookie set after refusing analytics")
		}
		if n := rows(); n != 0 {
			t.Fatalf("%d analytics rows after refusing", n)
		}
	})

	t.Run("bad choices, foreign redirects and missing CSRF tokens are refused", func(t *testing.T) {
		b := e.newClient()
		b.get("/login")
		res := b.post("/consent", url.Values{"choice": {"everything"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Allow analytics")
		if b.cookie("mm_consent") != "" {
			t.Fatal("a bad choice was remembered")
		}
		res = b.post("/consent", url.Values{"choice": {"analytics"}, "_csrf": {"forged"}})
		wantStatus(t, res, http.StatusForbidden)
		res = b.post("/consent", url.Values{"choice": {"essential"}, "next": {"//evil.example/"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/cookies" {
			t.Fatalf("went to %q", loc)
		}
	})

	t.Run("with consent, views are counted per route pattern and day, once per visitor a day", func(t *testing.T) {
		staffB, _ := e.mustAddUser(t, a, "staff")
		res := staffB.post("/a/"+a.Slug+"/consent", url.Values{"choice": {"analytics"}, "next": {"/a/" + a.Slug}})
		wantStatus(t, res, http.StatusSeeOther)
		id := e.mustCaseClient(t, a, "Counted Client", "")
		res = staffB.get("/a/" + a.Slug + "/clients/" + id)
		wantStatus(t, res, http.StatusOK)
		if !slices.Contains(setCookieNames(res), "mm_seen") {
			t.Fatal("no analytics cookie after consenting")
		}
		staffB.get("/a/" + a.Slug + "/clients/" + id)
		staffB.get("/a/" + a.Slug + "/clients/" + uuid.NewString()) // a 404 is not counted
		now := e.clock.Now()
		paths, err := e.control.AnalyticsTopPaths(ctx, now, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 1 || paths[0].Path != "/a/:slug/clients/:id" || paths[0].Views != 2 {
			t.Fatalf("paths %+v", paths)
		}
		days, err := e.control.AnalyticsDays(ctx, now, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 || days[0].Visitors != 1 || days[0].Views != 2 {
			t.Fatalf("days %+v", days)
		}

		t.Run("and the choice is in the audit log with the policy version", func(t *testing.T) {
			entries := auditEntries(t, e.mustTenant(t, a.ID), "consent.changed")
			if len(entries) != 1 || !strings.Contains(entries[0].Detail, "analytics: allowed; policy version 1") {
				t.Fatalf("audit %+v", entries)
			}
		})

		t.Run("changing it on /cookies stops the counting and clears the analytics cookie", func(t *testing.T) {
			res := staffB.get("/a/" + a.Slug + "/cookies")
			wantContains(t, res, "You allowed analytics")
			res = staffB.post("/a/"+a.Slug+"/consent", url.Values{"choice": {"essential"}, "next": {"/a/" + a.Slug + "/cookies"}})
			wantStatus(t, res, http.StatusSeeOther)
			if staffB.cookie("mm_seen") != "" {
				t.Fatal("the analytics cookie stayed")
			}
			before := rows()
			staffB.get("/a/" + a.Slug + "/clients/" + id)
			if rows() != before {
				t.Fatal("counted after withdrawing consent")
			}
			if n := len(auditEntries(t, e.mustTenant(t, a.ID), "consent.changed")); n != 2 {
				t.Fatalf("%d consent entries", n)
			}
		})
	})

	t.Run("the operator sees a chart and route patterns, never slugs or ids", func(t *testing.T) {
		op := mustOperatorBrowser(t, e, mustCreateOperator(t, e))
		res := op.get("/operator/privacy")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `action="/operator/consent"`)
		wantContains(t, res, `<svg viewBox="0 0 600 170"`)
		wantContains(t, res, `class="bar"`)
		wantContains(t, res, "<code>/a/:slug/clients/:id</code>")
		table := res.Body[strings.Index(res.Body, `id="top-paths"`):]
		table = table[:strings.Index(table, "</table>")]
		if strings.Contains(table, a.Slug) {
			t.Fatal("the analytics show an agency's slug")
		}
		wantStatus(t, op.post("/operator/consent", url.Values{"choice": {"essential"}, "next": {"/operator/privacy"}}), http.StatusSeeOther)
		wantLacks(t, op.get("/operator/privacy"), `id="consent-banner"`)
	})
}

func TestMyData(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	ctx := context.Background()
	clientB, clientEmail := f.e.mustAddUser(t, f.a, "client")
	me := mustUser(t, f.tn, clientEmail)
	base := "/a/" + f.a.Slug

	t.Run("a person corrects their name; a bad name is refused", func(t *testing.T) {
		res := clientB.get(base + "/account/data")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, clientEmail)
		res = clientB.post(base+"/account/profile", url.Values{"name": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a name.")
		res = clientB.post(base+"/account/profile", url.Values{"name": {"Corrected Name"}})
		wantStatus(t, res, http.StatusSeeOther)
		if u := mustUser(t, f.tn, clientEmail); u.Name != "Corrected Name" {
			t.Fatalf("name %q", u.Name)
		}
		if len(auditEntries(t, f.tn, "privacy.profile_corrected")) != 1 {
			t.Fatal("not audited")
		}
	})

	t.Run("a person downloads their own data as a ZIP of JSON, without the password hash", func(t *testing.T) {
		res := clientB.get(base + "/account/data.zip")
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/zip" {
			t.Fatalf("content type %q", ct)
		}
		files := unzip(t, res.Body)
		for _, name := range []string{"account.json", "sessions.json", "audit.json", "notes.json", "history.json", "client_records.json"} {
			if _, ok := files[name]; !ok {
				t.Fatalf("zip lacks %s: %v", name, keys(files))
			}
		}
		var account map[string]any
		if err := json.Unmarshal([]byte(files["account.json"]), &account); err != nil {
			t.Fatal(err)
		}
		if account["email"] != clientEmail || account["name"] != "Corrected Name" {
			t.Fatalf("account %v", account)
		}
		for name, body := range files {
			if strings.Contains(body, "password") || strings.Contains(body, me.PasswordHash) {
				t.Fatalf("%s holds the password hash", name)
			}
		}
		if !strings.Contains(files["audit.json"], "privacy.profile_corrected") {
			t.Fatalf("audit.json lacks the person's own action:\n%s", files["audit.json"])
		}
	})

	t.Run("a person asks for deletion; staff cannot see requests, an admin declines one", func(t *testing.T) {
		wantStatus(t, clientB.post(base+"/account/deletion", nil), http.StatusSeeOther)
		wantContains(t, clientB.get(base+"/account/data"), `id="deletion-pending"`)
		wantStatus(t, f.staff1C.get(base+"/privacy"), http.StatusNotFound)
		res := f.adminC.get(base + "/privacy")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, clientEmail)
		wantStatus(t, f.adminC.post(base+"/privacy/requests/"+me.ID+"/decline", nil), http.StatusSeeOther)
		wantLacks(t, f.adminC.get(base+"/privacy"), clientEmail)
		if len(auditEntries(t, f.tn, "privacy.deletion_declined")) != 1 {
			t.Fatal("decline not audited")
		}
	})

	t.Run("admins set the invoice retention period; bad values are refused", func(t *testing.T) {
		res := f.adminC.get(base + "/privacy")
		wantContains(t, res, `value="10"`)
		res = f.adminC.post(base+"/privacy/settings", url.Values{"invoice_retention_years": {"0"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a number of years from 1 to 30.")
		wantStatus(t, f.adminC.post(base+"/privacy/settings", url.Values{"invoice_retention_years": {"7"}}), http.StatusSeeOther)
		if n, _ := f.tn.InvoiceRetentionYears(ctx); n != 7 {
			t.Fatalf("retention %d", n)
		}
		wantStatus(t, f.staff1C.post(base+"/privacy/settings", url.Values{"invoice_retention_years": {"1"}}), http.StatusNotFound)
	})

	t.Run("a person without a pending request cannot be erased through a request", func(t *testing.T) {
		wantStatus(t, f.adminC.post(base+"/privacy/requests/"+f.staff2.ID+"/erase", nil), http.StatusNotFound)
		wantStatus(t, f.adminC.post(base+"/privacy/requests/"+f.bOwner.ID+"/erase", nil), http.StatusNotFound)
	})

	t.Run("an admin carries out a request: the account is anonymised, signed out and cannot sign in", func(t *testing.T) {
		wantStatus(t, clientB.post(base+"/account/deletion", nil), http.StatusSeeOther)
		wantStatus(t, f.adminC.post(base+"/privacy/requests/"+me.ID+"/erase", nil), http.StatusSeeOther)
		u, err := f.tn.UserByID(ctx, me.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != tenant.ErasedUserName || u.Status != tenant.UserDisabled || strings.Contains(u.Email, clientEmail) {
			t.Fatalf("user after erasure %+v", u)
		}
		res := clientB.get(base + "/account")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("erased person's session still works: %d", res.StatusCode)
		}
		c := f.e.newClient()
		c.get(base + "/login")
		wantStatus(t, c.post(base+"/login", url.Values{"email": {clientEmail}, "password": {testPassword}}), http.StatusUnauthorized)
		if ags, _ := f.e.control.AgenciesForEmail(ctx, clientEmail); len(ags) != 0 {
			t.Fatal("the login directory still knows the email")
		}
		wantNoTrace(t, f.tn, nil, clientEmail, "Corrected Name")
		if len(auditEntries(t, f.tn, "privacy.deletion_carried_out")) != 1 {
			t.Fatal("erasure not audited")
		}
	})

	t.Run("an admin cannot carry out an owner's request, and the last owner's cannot be carried out", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(base+"/account/deletion", nil), http.StatusSeeOther)
		wantStatus(t, f.adminC.post(base+"/privacy/requests/"+f.owner.ID+"/erase", nil), http.StatusForbidden)
		f.a.Owner.get(base + "/privacy")
		wantStatus(t, f.a.Owner.post(base+"/privacy/requests/"+f.owner.ID+"/erase", nil), http.StatusConflict)
		if u := mustUser(t, f.tn, f.a.OwnerEmail); u.Status != tenant.UserActive {
			t.Fatal("the last owner was erased")
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

// wantNoTrace fails if any text value in any table of the agency's
// database (the search index's own tables included) holds one of terms,
// in any case. Tables in except are not searched.
func wantNoTrace(t *testing.T, tn *tenant.Store, except []string, terms ...string) {
	t.Helper()
	ctx := context.Background()
	rows, err := tn.Read().QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, table := range tables {
		if slices.Contains(except, table) {
			continue
		}
		cols, err := tn.Read().QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for cols.Next() {
			var n string
			cols.Scan(&n)
			names = append(names, n)
		}
		cols.Close()
		for _, col := range names {
			for _, term := range terms {
				var n int
				q := `SELECT COUNT(*) FROM "` + table + `" WHERE typeof("` + col + `") = 'text' AND lower("` + col + `") LIKE ?`
				if err := tn.Read().QueryRowContext(ctx, q, "%"+strings.ToLower(term)+"%").Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if n > 0 {
					t.Errorf("%s.%s still holds %q in %d rows", table, col, term, n)
				}
			}
		}
	}
}

func TestClientExportAndErase(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	ctx := context.Background()
	base := "/a/" + f.a.Slug
	owner := tenant.Viewer{UserID: f.owner.ID}
	actor := tenant.Actor{ID: f.owner.ID, Name: f.owner.Name}
	cl := f.mustSeedClient(t, tenant.ClientInput{Name: "Ramona Quillfeather", Kind: "person", Emails: []string{"ramona.quill@example.test"},
		Phones: []string{"+370 612 34567"}, City: "Vilnius", Street: "Gedimino 1", Notes: "Prefers calls from Quillfeather HQ", Tags: []string{"vip"}})
	cl = f.mustClient(t, cl.ID)
	k, err := f.tn.CreateCase(ctx, owner, actor, tenant.CaseInput{ClientID: cl.ID, Title: "Quillfeather dispute", Description: "Ramona Quillfeather wrote from ramona.quill@example.test", Labels: []string{"quillfeather"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.tn.AddNote(ctx, owner, actor, k.ID, "Called Ramona Quillfeather at +370 612 34567", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tn.UpdateCase(ctx, owner, actor, k.ID, 0, tenant.CaseChange{Title: ptr("Quillfeather dispute, second round")}); err != nil {
		t.Fatal(err)
	}
	// A document on her case, with its file.
	docID := uuid.NewString()
	os.MkdirAll(filepath.Join(f.tn.Dir, "files", "ab"), 0o700)
	if err := os.WriteFile(filepath.Join(f.tn.Dir, "files", "ab", docID), []byte("%PDF-1.4 her passport"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = f.tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, uploader_name, created_at)
			VALUES (?, ?, 'Quillfeather passport.pdf', 'application/pdf', 21, 'x', ?, 'Olive Owner', 1)`, docID, k.ID, "ab/"+docID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another client's case that mentions her.
	other := f.mustSeedClient(t, tenant.ClientInput{Name: "Bystander Ltd", Kind: "company"})
	k2, err := f.tn.CreateCase(ctx, owner, actor, tenant.CaseInput{ClientID: other.ID, Title: "Referral", Description: "Referred by Ramona Quillfeather"})
	if err != nil {
		t.Fatal(err)
	}
	// Her portal account.
	token, _, err := f.tn.CreateContactInvite(ctx, owner, cl.ID, "ramona.quill@example.test", "", time.Hour, tenant.Audit{Action: "contact.invited"})
	if err != nil {
		t.Fatal(err)
	}
	hash := mustUser(t, f.tn, f.a.OwnerEmail).PasswordHash
	portal, err := f.tn.AcceptInvite(ctx, token, "Ramona Quillfeather", hash, tenant.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.e.control.AddToDirectory(ctx, portal.Email, f.a.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("staff export the client's complete record as a ZIP", func(t *testing.T) {
		f.a.Owner.get(base + "/invoices/new")
		inv := f.a.Owner.post(base+"/invoices", url.Values{"client_id": {cl.ID}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
			"line_description": {"Advice"}, "line_quantity": {"1"}, "line_price": {"80"}, "line_vat": {"21"}})
		wantStatus(t, inv, http.StatusSeeOther)
		wantStatus(t, f.a.Owner.post(inv.Header.Get("Location")+"/issue", nil), http.StatusSeeOther)
		number := f.e.caseQuery(t, f.a, `SELECT number FROM invoices WHERE client_id = ?`, cl.ID)
		res := f.staff1C.get(base + "/clients/" + cl.ID + "/export.zip")
		wantStatus(t, res, http.StatusOK)
		files := unzip(t, res.Body)
		for _, want := range []struct{ file, text string }{
			{"client.json", "ramona.quill@example.test"},
			{"client.json", "+370 612 34567"},
			{"cases.json", "Quillfeather dispute, second round"},
			{"cases.json", "quillfeather"},
			{"notes.json", "Called Ramona Quillfeather"},
			{"history.json", "Quillfeather dispute, second round"},
			{"audit.json", "client.created"},
			{"portal_users.json", "ramona.quill@example.test"},
		} {
			if !strings.Contains(files[want.file], want.text) {
				t.Fatalf("%s lacks %q:\n%s", want.file, want.text, files[want.file])
			}
		}
		if files["documents/C-0001/"+docID+"-Quillfeather passport.pdf"] != "%PDF-1.4 her passport" || !strings.Contains(files["documents.json"], "Quillfeather passport.pdf") {
			t.Fatalf("documents not exported: %v", keys(files))
		}
		if !strings.HasPrefix(files["invoices/"+number+".pdf"], "%PDF") {
			t.Fatalf("the invoice's PDF is not in the export: %v", keys(files))
		}
		if strings.Contains(files["cases.json"], "Referral") {
			t.Fatal("another client's case is in the export")
		}
		if len(auditEntries(t, f.tn, "client.exported")) != 1 {
			t.Fatal("export not audited")
		}
	})

	t.Run("another agency's client, and an unknown id, are not found", func(t *testing.T) {
		bClient := f.e.mustCaseClient(t, f.b, "B's client", "")
		wantStatus(t, f.a.Owner.get(base+"/clients/"+bClient+"/export.zip"), http.StatusNotFound)
		wantStatus(t, f.a.Owner.get(base+"/clients/"+bClient+"/erase"), http.StatusNotFound)
		wantStatus(t, f.a.Owner.post(base+"/clients/"+bClient+"/erase", url.Values{"confirm_name": {"B's client"}}), http.StatusNotFound)
		wantStatus(t, f.a.Owner.get(base+"/clients/not-a-uuid/export.zip"), http.StatusNotFound)
	})

	t.Run("staff cannot erase", func(t *testing.T) {
		wantStatus(t, f.staff1C.get(base+"/clients/"+cl.ID+"/erase"), http.StatusNotFound)
		wantStatus(t, f.staff1C.post(base+"/clients/"+cl.ID+"/erase", url.Values{"confirm_name": {cl.Name}}), http.StatusNotFound)
	})

	t.Run("the wrong name is refused and nothing changes", func(t *testing.T) {
		before := clientState(t, f.tn)
		res := f.adminC.get(base + "/clients/" + cl.ID + "/erase")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Type the client")
		for _, wrong := range []string{"", "ramona quillfeather", "Ramona"} {
			res = f.adminC.post(base+"/clients/"+cl.ID+"/erase", url.Values{"confirm_name": {wrong}})
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "This is not the client&#39;s name.")
		}
		wantUnchanged(t, f.tn, before)
	})

	t.Run("the right name erases her everywhere, disables her portal account and is audited", func(t *testing.T) {
		res := f.adminC.post(base+"/clients/"+cl.ID+"/erase", url.Values{"confirm_name": {"Ramona Quillfeather"}})
		wantStatus(t, res, http.StatusSeeOther)
		// Her issued invoice keeps its buyer for the legal retention period.
		kept := []string{"invoices", "invoice_lines", "payments", "paysera_orders", "invoice_reminders"}
		wantNoTrace(t, f.tn, kept, "Ramona Quillfeather", "Quillfeather", "ramona.quill@example.test", "+370 612 34567", "Gedimino")
		if _, err := os.Stat(filepath.Join(f.tn.Dir, "files", "ab", docID)); !os.IsNotExist(err) {
			t.Fatal("her document's file is still on disk")
		}
		got := f.mustClient(t, cl.ID)
		if got.Name != tenant.ErasedClientName || len(got.Emails) != 0 || len(got.Phones) != 0 || !got.Archived() {
			t.Fatalf("client after erasure %+v", got)
		}
		u, err := f.tn.UserByID(ctx, portal.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Status != tenant.UserDisabled {
			t.Fatal("portal user still active")
		}
		if ags, _ := f.e.control.AgenciesForEmail(ctx, "ramona.quill@example.test"); len(ags) != 0 {
			t.Fatal("the login directory still knows her email")
		}
		entries := auditEntries(t, f.tn, "client.erased")
		if len(entries) != 1 || entries[0].Target != cl.ID || entries[0].ActorID != f.admin.ID {
			t.Fatalf("audit %+v", entries)
		}
		// The other client's case is still there, her name swept out.
		var desc string
		f.tn.Read().QueryRowContext(ctx, `SELECT description FROM cases WHERE id = ?`, k2.ID).Scan(&desc)
		if desc != "Referred by [erased]" {
			t.Fatalf("other case's description %q", desc)
		}
		// The search finds nothing of her.
		res = f.adminC.get(base + "/search?q=Quillfeather")
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, "Quillfeather dispute")
	})
}

func ptr[T any](v T) *T { return &v }

func TestAgencyArchiveDownload(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "whole")
	tn := e.mustTenant(t, a.ID)
	if err := os.WriteFile(filepath.Join(tn.Dir, "files", "contract.pdf"), []byte("%PDF-1.4 test"), 0o600); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.mustAddUser(t, a, "admin")

	t.Run("admins may not download the whole agency", func(t *testing.T) {
		wantStatus(t, admin.get("/a/"+a.Slug+"/archive.tar.gz"), http.StatusNotFound)
	})

	t.Run("the owner gets a snapshot and the files", func(t *testing.T) {
		res := a.Owner.get("/a/" + a.Slug + "/archive.tar.gz")
		wantStatus(t, res, http.StatusOK)
		files := untar(t, res.Body)
		if files["files/contract.pdf"] != "%PDF-1.4 test" {
			t.Fatalf("archive entries %v", keys(files))
		}
		path := filepath.Join(t.TempDir(), "tenant.db")
		os.WriteFile(path, []byte(files["tenant.db"]), 0o600)
		d, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM users WHERE email = ?`, a.OwnerEmail).Scan(&n); err != nil || n != 1 {
			t.Fatalf("snapshot users: %d, %v", n, err)
		}
		if len(auditEntries(t, tn, "agency.archive_downloaded")) != 1 {
			t.Fatal("download not audited")
		}
	})
}

func untar(t *testing.T, body string) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
	return out
}
