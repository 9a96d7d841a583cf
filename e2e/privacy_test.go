package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestPrivacy answers the cookie banner at desktop and at phone width:
// only essential cookies until the person chooses; "Essential only" hides
// the banner and sets no analytics cookie; allowing analytics on /cookies
// sets it on the next page. Screenshots go to e2e/artifacts/privacy-*.
//
//	go test ./e2e -run TestPrivacy -v
func TestPrivacy(t *testing.T) {
	forEachWidth(t, "privacy", (*story).privacy)
}

// cookieNames lists the names of the cookies the browser holds for the site.
func (s *story) cookieNames() []string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base + "/"}})
	if err != nil {
		s.t.Fatalf("read cookies (%s): %v", s.vp.name, err)
	}
	var out []string
	for _, c := range res.Cookies {
		out = append(out, c.Name)
	}
	slices.Sort(out)
	return out
}

func (s *story) privacy(slug string) {
	t := s.t
	s.do("open the front page", chromedp.Navigate(s.base+"/"))
	s.waitFor("the consent banner", `!!document.querySelector("#consent-banner") && document.readyState === "complete"`, true)
	for _, n := range s.cookieNames() {
		if n != "mm_csrf" {
			t.Errorf("%s: cookie %s set before any choice (only essential ones may be)", s.vp.name, n)
		}
	}
	s.screenshot("privacy-01-banner")
	s.noConsoleErrors("front page with the banner")

	s.do("choose essential cookies only", s.click(`#consent-banner button[value="essential"]`))
	s.waitFor("the banner is gone and the choice confirmed", `location.pathname === "/" && document.readyState === "complete"
		&& !document.querySelector("#consent-banner") && document.body.innerText.includes("Saved: essential cookies only.")`, true)
	names := s.cookieNames()
	if !slices.Contains(names, "mm_consent") || slices.Contains(names, "mm_seen") {
		t.Errorf("%s: cookies after choosing essential only: %v", s.vp.name, names)
	}
	s.do("reload the front page", chromedp.Navigate(s.base+"/"))
	s.waitFor("the front page", `location.pathname === "/" && document.readyState === "complete"`, true)
	if slices.Contains(s.cookieNames(), "mm_seen") {
		t.Errorf("%s: analytics cookie set after refusing analytics", s.vp.name)
	}

	s.do("open the cookies page", chromedp.Navigate(s.base+"/cookies"))
	s.atPath("cookies page", "/cookies", "#cookie-registry", "mm_session")
	s.atPath("current choice", "/cookies", "#consent-choice", "Essential cookies only")
	s.do("allow analytics", s.click(`#consent-choice input[value="analytics"]`))
	s.do("save the choice", s.click(`#consent-choice button[type=submit]`))
	s.atPath("choice saved", "/cookies", "#consent-choice", "You allowed analytics")
	s.screenshot("privacy-02-cookies")
	s.do("open the privacy policy", chromedp.Navigate(s.base+"/privacy"))
	s.atPath("privacy policy", "/privacy", "h1", "Privacy policy")
	if !slices.Contains(s.cookieNames(), "mm_seen") {
		t.Errorf("%s: no analytics cookie after allowing analytics: %v", s.vp.name, s.cookieNames())
	}
	s.screenshot("privacy-03-policy")
	s.noConsoleErrors("privacy pages")
	_ = slug
}
