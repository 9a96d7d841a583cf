package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/handlers"
	"mintedmind/mail"
)

func TestDemoCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	args := []string{"demo", "-data", dir, "-base-url", "https://crm.example.com", "-clients", "12", "-cases", "30", "-events", "400", "-seed", "3"}
	var out, errs bytes.Buffer
	if err := run(ctx, args, &out, &errs); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.String(), errs.String())
	}
	text := out.String()
	for _, want := range []string{
		"https://crm.example.com/a/demo/login",
		"owner@demo.example", "admin@demo.example", "staff1@demo.example", "staff2@demo.example", "client@demo.example",
		"Created 12 clients, 30 cases, 400 history events",
		"Case numbers: C-0001 to C-0030.",
		"A case with 200 history events: C-0016 https://crm.example.com/a/demo/cases/",
		"client@demo.example (Carla Client), contact of ", "the portal, https://crm.example.com/a/demo/portal",
		"credit note", "payments; https://crm.example.com/a/demo/invoices",
		"Recurring invoices: ", "active, ", "paused, ", "ended); https://crm.example.com/a/demo/recurring",
		"Documents: ", "shared with the client",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	m := regexp.MustCompile(`Password for every sign-in: (\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no password in:\n%s", text)
	}
	password := m[1]

	t.Run("every printed sign-in works, through the login directory", func(t *testing.T) {
		control, err := control.Open(ctx, dir, controlSchema, clock.System{})
		if err != nil {
			t.Fatal(err)
		}
		defer control.Close()
		pool, err := tenant.NewPool(dir, tenantSchema, tenant.PoolConfig{MaxOpen: 2, IdleTimeout: time.Hour}, clock.System{}, newLogger(&config{}, &errs))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		hasher := auth.NewHasher(auth.DefaultParams, 1)
		for email, role := range map[string]string{
			"owner@demo.example": tenant.RoleOwner, "admin@demo.example": tenant.RoleAdmin, "staff1@demo.example": tenant.RoleStaff,
			"staff2@demo.example": tenant.RoleStaff, "client@demo.example": tenant.RoleClient,
		} {
			agencies, err := control.AgenciesForEmail(ctx, email)
			if err != nil || len(agencies) != 1 || agencies[0].Slug != "demo" {
				t.Fatalf("%s in the directory: %v %v", email, agencies, err)
			}
			tn, release, err := pool.Acquire(ctx, agencies[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := tn.UserByEmail(ctx, email)
			release()
			if err != nil || u.Role != role {
				t.Fatalf("%s: %v %v", email, u, err)
			}
			if ok, err := hasher.Verify(ctx, u.PasswordHash, password); err != nil || !ok {
				t.Errorf("%s: the printed password does not match (%v)", email, err)
			}
		}
	})

	t.Run("the client sign-in sees a full portal and the staff see invoices in every state", func(t *testing.T) {
		web := mustDemoWeb(t, dir)
		client := web.signIn(t, "client@demo.example", password, "/a/demo/portal")
		home := client.get(t, "/a/demo/portal")
		for _, want := range []string{"Hello, Carla Client", "Invoices to pay", "/a/demo/portal/invoices/", "Your open cases", `class="activity"`} {
			if !strings.Contains(home, want) {
				t.Errorf("the portal's home lacks %q:\n%s", want, home)
			}
		}
		invoice := regexp.MustCompile(`/a/demo/portal/invoices/[0-9a-f-]{36}`).FindString(home)
		if page := client.get(t, invoice); !strings.Contains(page, "Still owed") {
			t.Errorf("the invoice to pay %s does not say what is owed:\n%s", invoice, page)
		}
		if res := client.do(t, invoice+"/pdf"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("the invoice's PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		docs := 0
		for _, link := range regexp.MustCompile(`/a/demo/portal/cases/[0-9a-f-]{36}`).FindAllString(home, -1) {
			page := client.get(t, link)
			for _, doc := range regexp.MustCompile(link+`/documents/[0-9a-f-]{36}`).FindAllString(page, -1) {
				docs++
				if res := client.do(t, doc); res.StatusCode != 200 || !strings.Contains("application/pdf image/jpeg image/png", res.Header.Get("Content-Type")) {
					t.Errorf("%s: %d %s", doc, res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		}
		if docs == 0 {
			t.Error("no shared document on the portal's cases")
		}

		owner := web.signIn(t, "owner@demo.example", password, "/a/demo")
		seen := ""
		for page, next := 0, "/a/demo/invoices"; next != "" && page < 20; page++ {
			list := owner.get(t, next)
			seen += list
			next = ""
			if m := regexp.MustCompile(`href="(/a/demo/invoices\?before=[^"]+)"`).FindStringSubmatch(list); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		for _, want := range []string{"inv-draft", "inv-issued", "inv-overdue", "inv-partially_paid", "inv-paid", "inv-void", "<small>credit note</small>"} {
			if !strings.Contains(seen, want) {
				t.Errorf("the invoice list has no %q", want)
			}
		}
		recurring := owner.get(t, "/a/demo/recurring")
		for _, want := range []string{">active<", ">paused<", ">ended<"} {
			if !strings.Contains(recurring, want) {
				t.Errorf("the recurring invoices lack %q:\n%s", want, recurring)
			}
		}
	})

	t.Run("a taken slug is a clear error", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), `"demo" already exists`) || !strings.Contains(err.Error(), "-slug") {
			t.Fatalf("%v", err)
		}
	})

	t.Run("another slug makes a second demo agency", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"demo", "-data", dir, "-slug", "demo-two", "-clients", "1", "-cases", "1", "-events", "1"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "/a/demo-two/login") || !strings.Contains(out.String(), "owner@demo-two.example") {
			t.Errorf("%s", out.String())
		}
	})

	for name, bad := range map[string][]string{
		"-events":   {"-cases", "10", "-events", "5"},
		"-cases":    {"-cases", "2000000"},
		"-clients":  {"-clients", "-3"},
		"-slug":     {"-slug", "Not A Slug"},
		"-slug too": {"-slug", "admin"},
	} {
		t.Run("a bad "+name+" is refused before anything is created", func(t *testing.T) {
			d := t.TempDir()
			var out bytes.Buffer
			err := run(ctx, append([]string{"demo", "-data", d}, bad...), &out, &out)
			flagName := strings.Fields(name)[0]
			if err == nil || !strings.Contains(err.Error(), flagName) {
				t.Fatalf("%v", err)
			}
		})
	}
}

// demoWeb is the server's handlers over a data directory, for requests
// made in the test.
type demoWeb struct{ app *fiber.App }

func mustDemoWeb(t *testing.T, dir string) *demoWeb {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctl, err := control.Open(ctx, dir, controlSchema, clock.System{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	pool, err := tenant.NewPool(dir, tenantSchema, tenant.PoolConfig{MaxOpen: 2, IdleTimeout: time.Hour}, clock.System{}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	views, _ := fs.Sub(webFS, "views")
	mailer, err := mail.New(ctl, mail.Config{}, views, clock.System{}, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := handlers.DefaultConfig()
	cfg.BaseURL = "http://mm.test"
	app, err := handlers.New(handlers.Deps{Config: cfg, Control: ctl, Pool: pool, Hasher: auth.NewHasher(auth.DefaultParams, 1),
		Mailer: mailer, Clock: clock.System{}, Log: log, Views: webFS, Assets: webFS})
	if err != nil {
		t.Fatal(err)
	}
	return &demoWeb{app: app}
}

// demoBrowser is one signed-in person's cookies.
type demoBrowser struct {
	web *demoWeb
	jar *cookiejar.Jar
}

var demoBase, _ = url.Parse("http://mm.test/")

func (b *demoBrowser) send(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	for _, c := range b.jar.Cookies(demoBase) {
		req.AddCookie(c)
	}
	res, err := b.web.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	b.jar.SetCookies(demoBase, res.Cookies())
	return res, string(body)
}

// do fetches path and returns the response.
func (b *demoBrowser) do(t *testing.T, path string) *http.Response {
	t.Helper()
	res, _ := b.send(t, httptest.NewRequest("GET", path, nil))
	return res
}

// get fetches a page that must answer 200.
func (b *demoBrowser) get(t *testing.T, path string) string {
	t.Helper()
	res, body := b.send(t, httptest.NewRequest("GET", path, nil))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
	}
	return body
}

// signIn signs in on the demo agency's page, which sends the person to home.
func (w *demoWeb) signIn(t *testing.T, email, password, home string) *demoBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &demoBrowser{web: w, jar: jar}
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(b.get(t, "/a/demo/login"))
	if m == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	form := url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}}
	req := httptest.NewRequest("POST", "/a/demo/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, body := b.send(t, req)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != home {
		t.Fatalf("sign-in as %s: %d to %q, want %s\n%s", email, res.StatusCode, res.Header.Get("Location"), home, body)
	}
	return b
}
