package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	good := url.Values{"agency_name": {"Good Agency"}, "slug": {"good-agency"}, "owner_name": {"Gina"}, "email": {"gina@example.test"}, "password": {testPassword}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, val := range good {
			f[key] = val
		}
		f.Set(k, v)
		return f
	}
	entries := func() []string {
		var names []string
		filepath.WalkDir(filepath.Dir(e.dir), func(p string, d os.DirEntry, err error) error {
			names = append(names, p)
			return nil
		})
		return names
	}

	for name, slug := range map[string]string{
		"a path":               "../x",
		"a slash":              "a/b",
		"capitals":             "Admin",
		"a reserved word":      "admin",
		"operator":             "operator",
		"empty":                "",
		"200 characters":       strings.Repeat("a", 200),
		"two characters":       "ab",
		"a leading dash":       "-abc",
		"a double dash":        "ab--cd",
		"a NUL":                "abc\x00def",
		"a script":             "<script>alert(1)</script>",
		"an encoded traversal": "..%2Fx",
	} {
		t.Run("a slug with "+name+" is refused with a message and creates nothing", func(t *testing.T) {
			before := entries()
			c := e.newClient()
			c.get("/signup")
			res := c.post("/signup", with("slug", slug))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, `id="f-slug"`)
			if !strings.Contains(res.Body, "Use 3 to 40 characters.") && !strings.Contains(res.Body, "Use lowercase letters") && !strings.Contains(res.Body, "reserved") && !strings.Contains(res.Body, "Choose an address") {
				t.Fatalf("no slug message:\n%s", res.Body)
			}
			if strings.Contains(res.Body, "<script>alert") {
				t.Fatal("slug echoed unescaped")
			}
			if after := entries(); len(after) != len(before) {
				t.Fatalf("files changed: %d → %d", len(before), len(after))
			}
			if n, _ := e.control.AgencyCount(ctx); n != 0 {
				t.Fatal("agency created")
			}
		})
	}

	t.Run("every field is checked and all messages shown at once", func(t *testing.T) {
		c := e.newClient()
		c.get("/signup")
		res := c.post("/signup", url.Values{"agency_name": {""}, "slug": {"ok-slug"}, "owner_name": {strings.Repeat("n", 101)}, "email": {"not-an-email"}, "password": {"short"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		for _, msg := range []string{"Enter a name.", "Use at most 100 characters.", "Enter a valid email address", "Use at least 8 characters."} {
			wantContains(t, res, msg)
		}
		wantContains(t, res, `value="ok-slug"`)
	})

	t.Run("a 129-character password is refused, 128 of any characters accepted", func(t *testing.T) {
		c := e.newClient()
		c.get("/signup")
		wantStatus(t, c.post("/signup", with("password", strings.Repeat("é", 129))), http.StatusUnprocessableEntity)
		res := c.post("/signup", with("password", strings.Repeat("é", 127)+"\x01"))
		wantStatus(t, res, http.StatusSeeOther)
	})

	t.Run("a taken slug is refused", func(t *testing.T) {
		c := e.newClient()
		c.get("/signup")
		res := c.post("/signup", with("email", "second@example.test"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "already taken")
	})

	t.Run("the slug check answers as you type", func(t *testing.T) {
		c := e.newClient()
		res := c.get("/signup/slug?slug=good-agency")
		wantContains(t, res, "already taken")
		res = c.get("/signup/slug?slug=fresh-one")
		wantContains(t, res, "Available")
		res = c.get("/signup/slug?slug=Admin")
		wantContains(t, res, "lowercase")
	})

	t.Run("the new agency's files live under the data directory by id", func(t *testing.T) {
		a, err := e.control.AgencyBySlug(ctx, "good-agency")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(e.dir, "tenants", a.ID, "tenant.db")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignupRefusesInvalidText(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	c := e.newClient()
	c.get("/signup")
	res := c.post("/signup", url.Values{"agency_name": {"Bad \xff\xfe name"}, "slug": {"bad-text"}, "owner_name": {"O"}, "email": {"o@example.test"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantContains(t, res, "not valid UTF-8")
}
