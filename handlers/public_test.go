package handlers_test

import (
	"context"
	"encoding/xml"
	"html"
	"net/http"
	"strings"
	"testing"

	"mintedmind/billing"
	"mintedmind/handlers"
)

// TestLandingPage: the front page speaks to agencies, shows the pictures
// and prices every plan the operator offers; search engines get a
// description, robots.txt keeps them out of agencies, portals and the
// console, and the sitemap lists the public pages only.
func TestLandingPage(t *testing.T) {
	e := mustNewEnv(t)
	a := e.mustSignup(t, "landing")
	res := e.newClient().get("/")
	wantStatus(t, res, http.StatusOK)

	t.Run("it prices each plan from the plans", func(t *testing.T) {
		plans, err := e.control.Plans(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(plans) == 0 {
			t.Fatal("no plans to show")
		}
		body := html.UnescapeString(res.Body)
		for _, p := range plans {
			wantContains(t, &response{Body: body}, "<h3>"+p.Name+"</h3>")
			if p.Priced() {
				wantContains(t, &response{Body: body}, billing.FormatMoney(p.MonthlyPrice, p.Currency))
			}
		}
	})
	t.Run("it has a description, pictures with text, and a way in", func(t *testing.T) {
		for _, s := range []string{`<meta name="description" content="`, `img/landing/dashboard.png`, `img/landing/portal-phone.png`, `href="/signup"`, "For your agency", "For your clients"} {
			wantContains(t, res, s)
		}
		wantLacks(t, res, `name="robots"`)
		wantLacks(t, res, `alt=""`)
	})
	t.Run("agency pages are not to be indexed", func(t *testing.T) {
		for _, page := range []struct {
			b    *browser
			path string
		}{{e.newClient(), "/a/" + a.Slug + "/login"}, {a.Owner, "/a/" + a.Slug}, {a.Owner, "/a/" + a.Slug + "/clients"}} {
			res := page.b.get(page.path)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `<meta name="robots" content="noindex, nofollow">`)
		}
	})
	t.Run("robots.txt keeps crawlers out of agencies, portals and the console", func(t *testing.T) {
		res := e.newClient().get("/robots.txt")
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{"User-agent: *", "Disallow: /a/", "Disallow: /operator", "Sitemap: http://mm.test/sitemap.xml"} {
			wantContains(t, res, s)
		}
	})
	t.Run("the sitemap lists the public pages", func(t *testing.T) {
		res := e.newClient().get("/sitemap.xml")
		wantStatus(t, res, http.StatusOK)
		var m struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(res.Body), &m); err != nil {
			t.Fatalf("not XML: %v\n%s", err, res.Body)
		}
		var locs []string
		for _, u := range m.URLs {
			locs = append(locs, u.Loc)
			if strings.Contains(u.Loc, "/a/") || strings.Contains(u.Loc, "/operator") {
				t.Errorf("the sitemap lists %s", u.Loc)
			}
			if page := e.newClient().get(strings.TrimPrefix(u.Loc, "http://mm.test")); page.StatusCode != http.StatusOK {
				t.Errorf("%s answers %d", u.Loc, page.StatusCode)
			}
		}
		if got := strings.Join(locs, " "); !strings.Contains(got, "http://mm.test/ ") || !strings.Contains(got, "http://mm.test/signup") {
			t.Errorf("the sitemap lists %s", got)
		}
	})
	t.Run("a self-hosted installation shows no prices", func(t *testing.T) {
		self := mustNewEnv(t, func(c *handlers.Config) { c.SelfHosted = true })
		res := self.newClient().get("/")
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, `id="pricing"`)
	})
}
