package handlers_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// shellHeader is the shell's header of a page; shellSubNav, the Settings
// area's sub-navigation.
var (
	shellHeader = regexp.MustCompile(`(?s)<header class="app-header[^"]*">.*?</header>`)
	shellSubNav = regexp.MustCompile(`(?s)<nav class="subnav" aria-label="Settings">.*?</nav>`)
	shellLink   = regexp.MustCompile(`<a href="([^"]+)"( aria-current="page")?[^>]*>([^<]*)</a>`)
)

// shellLinks are the links of the shell on the page at path (its header,
// and its Settings sub-navigation if any), label → address, and the
// labels marked as the current page.
func shellLinks(t *testing.T, b *browser, path string) (links map[string]string, current []string, body string) {
	t.Helper()
	res := b.get(path)
	wantStatus(t, res, http.StatusOK)
	links = map[string]string{}
	for _, part := range []*regexp.Regexp{shellHeader, shellSubNav} {
		for _, m := range shellLink.FindAllStringSubmatch(part.FindString(res.Body), -1) {
			label := strings.TrimSpace(html.UnescapeString(m[3]))
			if label == "" { // the brand: the logo and name link home
				continue
			}
			links[label] = html.UnescapeString(m[1])
			if m[2] != "" {
				current = append(current, label)
			}
		}
	}
	return links, current, res.Body
}

// TestShellFollowsAccess: each person's shell lists the sections, Settings
// pages and account pages their role may open, each of which opens, and
// none other; the page shown is marked.
func TestShellFollowsAccess(t *testing.T) {
	e := mustNewEnv(t)
	a := e.mustSignup(t, "shell")
	admin, _ := e.mustAddUser(t, a, "admin")
	staff, _ := e.mustAddUser(t, a, "staff")
	contact, _ := e.mustAddUser(t, a, "client")
	base := "/a/" + a.Slug
	for _, tt := range []struct {
		role     string
		b        *browser
		home     string
		want     []string // labels the shell shows
		wantNot  []string
		settings []string // the Settings area's pages it lists
	}{
		{"owner", a.Owner, base, []string{"Dashboard", "Clients", "Cases", "Invoices", "Search", "Settings", "Account", "Sessions", "Two-factor sign-in", "Email preferences"}, nil,
			[]string{"Team", "Billing", "Branding", "Privacy", "Audit log", "Plan"}},
		{"admin", admin, base, []string{"Dashboard", "Clients", "Cases", "Invoices", "Settings", "Account"}, nil, []string{"Team", "Billing", "Privacy", "Audit log"}},
		{"staff", staff, base, []string{"Dashboard", "Clients", "Cases", "Account", "Sessions"}, []string{"Team", "Billing", "Audit log", "Plan"}, nil},
		{"client contact", contact, base + "/portal", []string{"Home", "Invoices", "My data", "Account"}, []string{"Dashboard", "Clients", "Cases", "Settings", "Search"}, nil},
	} {
		t.Run(tt.role+" sees what the role may open, and each opens", func(t *testing.T) {
			links, current, body := shellLinks(t, tt.b, tt.home)
			for _, l := range tt.want {
				if links[l] == "" {
					t.Errorf("no %q in the shell; it has %v", l, links)
				}
			}
			for _, l := range tt.wantNot {
				if links[l] != "" {
					t.Errorf("%q in the shell, which the role may not open", l)
				}
			}
			if tt.role == "client contact" {
				wantLacks(t, &response{Body: body}, `id="shell-q"`)
			} else {
				wantContains(t, &response{Body: body}, `aria-keyshortcuts="/"`)
			}
			if len(current) != 1 {
				t.Errorf("current entries on %s: %v, want one", tt.home, current)
			}
			if tt.settings != nil {
				sub, _, _ := shellLinks(t, tt.b, links["Settings"])
				for _, l := range tt.settings {
					if sub[l] == "" {
						t.Errorf("the Settings area has no %q: %v", l, sub)
					}
				}
				for l, href := range sub {
					links[l] = href
				}
			}
			for label, href := range links {
				if res := tt.b.get(href); res.StatusCode != http.StatusOK {
					t.Errorf("%s (%s) answers %d", label, href, res.StatusCode)
				}
			}
		})
	}
	t.Run("the section of a page below it is marked, and the Settings page in the sub-navigation", func(t *testing.T) {
		for path, want := range map[string][]string{
			base + "/cases/new":         {"Cases"},
			base + "/settings/billing":  {"Settings", "Billing"},
			base + "/settings/branding": {"Settings", "Branding"},
			base + "/account/sessions":  {"Sessions"},
			base + "/search?q=x":        {"Search"},
		} {
			_, current, _ := shellLinks(t, a.Owner, path)
			if strings.Join(current, ",") != strings.Join(want, ",") {
				t.Errorf("%s marks %v, want %v", path, current, want)
			}
		}
	})
}
