package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"mintedmind/auth"
	"mintedmind/mail/mailtest"
)

// TestFirstDay is a brand-new agency's first day in Chromium, at 1280 and
// at 375 px: the landing page (its cookie banner within 15 % of a phone's
// screen), sign-up with the address filled in from the agency's name, the
// dashboard's checklist, each step of it followed from its link (billing
// details, a light brand colour whose focus ring still stands out, a
// colleague invited, a first client, a portal invitation) until the
// checklist has ticked them, the shell's search box opened with "/" and
// its dropdown as the person types, and the account menu. Every page it
// visits passes axe-core (axe_test.go) with no violation. Screenshots go to
// e2e/artifacts/*-day-*.
//
//	go test ./e2e -run TestFirstDay -v
func TestFirstDay(t *testing.T) {
	staffAndContact(t, "day", func(s, contact *story, smtp *mailtest.Server, slug string) {
		s.firstDay(slug, contact, smtp)
	})
}

// lightAccent is a brand colour too light to read on white: the focus
// ring and links must fall back to a darker shade of it.
const lightAccent = "#ffe45c"

func (s *story) firstDay(suffix string, contact *story, smtp *mailtest.Server) {
	t := s.t
	start := time.Now()
	slug := "brightside-studio-" + strings.ReplaceAll(suffix, " ", "-")
	agencyPath := "/a/" + slug
	owner := "Bea Bright"
	contactEmail := "quilla-" + slug + "@example.test"

	// The landing page: for agencies, with pricing, a description for
	// search engines, and a cookie banner that leaves the phone's screen
	// to the page.
	s.do("open the landing page", chromedp.Navigate(s.base+"/"))
	s.atPath("landing page", "/", "h1", "agency")
	s.atPath("pricing from the plans", "/", "#pricing", "Pricing")
	s.waitFor("a meta description", `(document.querySelector('meta[name="description"]')?.content || "").length > 50`, false)
	s.bannerFits()
	s.screenshot("day-01-landing")
	s.axe("landing page")
	s.noConsoleErrors("landing page")
	s.do("choose essential cookies only", s.click(`#consent-banner button[value="essential"]`))
	s.waitFor("the banner gone", `!document.getElementById("consent-banner")`, true)

	// Sign-up: the address follows the agency's name.
	s.do("open the sign-up page", chromedp.Navigate(s.base+"/signup"))
	s.atPath("sign-up page", "/signup", "h1", "Create your agency")
	s.do("type the agency's name", s.fill("f-agency_name", "Brightside Študio & Co."))
	s.waitFor("the address filled in from the name", `document.getElementById("f-slug").value === "brightside-studio-co"`, true)
	// The person's own address stays, whatever the name becomes.
	s.do("type an address of one's own", s.fill("f-slug", slug))
	s.do("change the name", s.fill("f-agency_name", "Brightside Studio"))
	s.waitFor("the typed address kept", `document.getElementById("f-slug").value === `+js(slug), true)
	s.atPath("address check", "/signup", "#slug-check .field-ok", "Available")
	s.do("fill the rest of the form",
		s.fill("f-owner_name", owner),
		s.fill("f-email", slug+"@example.test"),
		s.fill("f-password", password),
	)
	s.screenshot("day-02-signup")
	s.axe("sign-up page")
	s.do("create the agency", s.click("#signup-form button[type=submit]"))
	s.atPath("dashboard after sign-up", agencyPath, "h1", "Welcome, "+owner)
	s.atPath("the checklist", agencyPath, ".checklist", "0 of 6 done")
	s.atPath("trial state", agencyPath, "#account-title", "subscription")
	s.shellMarks("Dashboard")
	s.screenshot("day-03-dashboard")
	s.axe("dashboard")
	s.noConsoleErrors("dashboard")

	// The sidebar shows the sections at desktop width; a phone keeps them
	// in the drawer until it is opened.
	clients := `header nav a[href="` + agencyPath + `/clients"]`
	visible, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.querySelector(`+js(clients)+`).checkVisibility()`))
	if err != nil {
		t.Fatal(err)
	}
	if visible == s.vp.mobile {
		t.Errorf("shell (%s): the Clients link is visible=%v before any menu is opened; want the sidebar on wide screens and a closed drawer on phones", s.vp.name, visible)
	}

	// Each step from its link on the checklist.
	step := func(label string) {
		t.Helper()
		s.do("open the dashboard", chromedp.Navigate(s.base+agencyPath))
		s.atPath("dashboard", agencyPath, ".checklist", "Get started")
		s.do("mark the step's link", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".checklist-steps a")].find(a => a.textContent.trim() === `+js(label)+`).dataset.e2eStep = "1"`))
		s.do("follow "+label, s.click(`.checklist-steps a[data-e2e-step]`))
	}

	step("Add your billing details")
	s.atPath("billing settings", agencyPath+"/settings/billing", "h1", "Billing")
	s.atPath("the Settings area's sub-navigation", agencyPath+"/settings/billing", `nav.subnav a[aria-current="page"]`, "Billing")
	s.do("fill the billing details", s.fill("f-legal_name", "Brightside Studio UAB"), s.fillText("f-address", "Gedimino pr. 1, Vilnius"))
	s.do("save them", s.click(`form[action$="/settings/billing"] button[type=submit]`))
	s.atPath("billing saved", agencyPath+"/settings/billing", ".flash", "saved")
	s.screenshot("day-04-billing")
	s.axe("billing settings")

	step("Brand your portal")
	s.atPath("branding", agencyPath+"/settings/branding", "h1", "Branding")
	s.do("choose a light brand colour", chromedp.SetValue(chromedp.ID("f-accent"), lightAccent),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="default_accent"]').checked = false`))
	s.do("save the branding", s.click(`form[action$="/settings/branding"] button[type=submit]`))
	s.atPath("branding saved", agencyPath+"/settings/branding", ".flash", "")
	s.waitFor("the brand stylesheet", `!!document.querySelector('link[href*="/brand.css"]') && getComputedStyle(document.documentElement).getPropertyValue("--mm-focus").trim() !== ""`, true)
	s.waitFor("the links take a readable shade of the brand colour, not Pico's blue", `(() => {
		const v = getComputedStyle(document.documentElement).getPropertyValue("--pico-primary").trim();
		return v !== "" && v !== "#0172ad" && v !== "#01aaff";
	})()`, false)
	s.focusRingReadable()
	s.axe("branding")

	step("Invite your team")
	s.atPath("team", agencyPath+"/users", "h1", "Team")
	s.do("invite a colleague", s.fill("f-email", "colleague-"+slug+"@example.test"), chromedp.SetValue(chromedp.ID("f-role"), "staff"))
	s.do("send the invitation", s.click(`#invite-form button[type=submit]`))
	s.atPath("colleague invited", agencyPath+"/users", ".flash", "")
	s.axe("team")

	step("Add your first client")
	s.atPath("new client form", agencyPath+"/clients/new", "h1", "New client")
	s.do("fill the client form", s.fill("f-name", "Quilla Marsh"), s.fillText("f-emails", "quilla-"+slug+"@example.test"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Quilla Marsh")`, true)
	clientPath := s.path()
	s.shellMarks("Clients")
	s.axe("client page")

	step("Invite a client to the portal")
	s.atPath("client list", agencyPath+"/clients", "h1", "Clients")
	s.axe("client list")
	s.do("open the client", s.click(`a[href="`+clientPath+`"]`))
	s.atPath("client page", clientPath, "h1", "Quilla Marsh")
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	s.waitFor("the client is chosen", `document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("Quilla Marsh")`, true)
	s.do("fill the case form", s.fill("f-title", "Brand guidelines review"))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	s.axe("case page")
	s.do("open the portal tab", chromedp.Navigate(s.base+clientPath+"?tab=portal"))
	s.atPath("portal tab", clientPath, "#client-tabs", "No one from this client can sign in yet.")
	s.do("type the contact's email", s.fill("f-email", contactEmail))
	s.do("send the portal invitation", s.click(`#client-tabs form button[type=submit]`))
	s.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	s.screenshot("day-05-portal-invite")
	s.axe("portal tab")

	// The contact accepts, and lands in the portal's lighter shell.
	mail := smtp.WaitFor(t, contactEmail, 10*time.Second)
	link := inviteLink.FindString(mail.Body)
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", mail.Body)
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.waitFor("invitation page", `document.readyState === "complete" && document.body.innerText.includes("client portal")`, true)
	contact.do("choose essential cookies only", contact.click(`#consent-banner button[value="essential"]`))
	contact.waitFor("the invitation page again", `document.readyState === "complete" && !document.getElementById("consent-banner") && !!document.getElementById("f-password")`, true)
	contact.axe("invitation page")
	contact.do("accept", contact.fill("f-name", "Quilla Marsh"), contact.fill("f-password", password), contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Quilla Marsh")
	contact.atPath("the case in the portal", agencyPath+"/portal", ".portal-cases", "Brand guidelines review")
	contact.shellMarks("Home")
	contact.waitFor("the portal's own sections, no Settings", `(() => {
		const links = [...document.querySelectorAll("header nav.app-nav .nav-links a")].map(a => a.textContent.trim());
		return links.join() === "Home,Requests,Invoices,Quotes,Agreements,My data" && !document.querySelector('header a[href$="/settings"]');
	})()`, false)
	contact.screenshot("day-09-portal-home")
	contact.screen("day-09-portal-home")
	contact.axe("portal home")
	contact.noConsoleErrors("portal home")

	// The checklist has ticked every step but Paysera.
	s.do("open the dashboard", chromedp.Navigate(s.base+agencyPath))
	s.atPath("the checklist ticked", agencyPath, ".checklist", "5 of 6 done")
	s.waitFor("only Paysera to do", `[...document.querySelectorAll(".checklist-steps li.step-todo a")].map(a => a.textContent).join() === "Take payments with Paysera"`, false)
	s.screenshot("day-06-checklist-ticked")
	s.screen("day-06-checklist-ticked")
	s.axe("dashboard with the steps done")

	// "/" goes to the search box; typing shows the dropdown; the arrow
	// keys reach its hits.
	s.do("press /", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`), pressSlash())
	s.waitFor("the search box has the focus, with nothing typed in it", `document.activeElement && document.activeElement.id === "shell-q" && document.activeElement.value === ""`, true)
	s.do("type a client's name", chromedp.SendKeys(chromedp.ID("shell-q"), "quilla"))
	s.waitFor("the client in the dropdown", `[...document.querySelectorAll("#shell-suggest a")].some(a => a.getAttribute("href") === `+js(clientPath)+`)`, true)
	s.screenshot("day-07-search-dropdown")
	s.axe("search dropdown")
	s.do("walk into the dropdown", chromedp.KeyEvent(kb.ArrowDown))
	s.waitFor("the first hit has the focus", `document.activeElement && document.activeElement.closest("#shell-suggest") !== null`, true)
	s.do("close it", chromedp.KeyEvent(kb.Escape))
	s.waitFor("the dropdown closed, the box focused", `document.getElementById("shell-suggest").children.length === 0 && document.activeElement.id === "shell-q"`, true)
	s.do("see all results", chromedp.KeyEvent(kb.Enter))
	s.atPath("the full results page", agencyPath+"/search", "h1", "Search")
	s.shellMarks("Search")
	s.axe("search page")

	// The account menu under the person's name.
	s.do("open the dashboard", chromedp.Navigate(s.base+agencyPath))
	s.atPath("dashboard", agencyPath, "h1", "Welcome")
	s.openAccountMenu()
	for _, label := range []string{"Account", "Sessions", "Two-factor sign-in", "Email preferences", "Sign out"} {
		s.atPath("account menu: "+label, agencyPath, "details.account-menu[open]", label)
	}
	s.screenshot("day-08-account-menu")
	s.axe("account menu")
	s.do("open two-factor sign-in", s.click(`details.account-menu a[href="`+agencyPath+`/account/two-factor"]`))
	s.recoveryCodes(agencyPath, slug)
	s.noConsoleErrors("first day")
	s.csrfAgrees("first day")
	t.Logf("%s first-day story took %s", s.vp.name, time.Since(start).Round(time.Millisecond))
}

// recoveryCodes turns on two-factor sign-in from its page and saves the
// recovery codes both ways the page offers: a text file, downloaded for
// real, and the clipboard.
func (s *story) recoveryCodes(agencyPath, slug string) {
	t := s.t
	t.Helper()
	page := agencyPath + "/account/two-factor"
	s.atPath("two-factor page", page, "h1", "Two-factor sign-in")
	s.axe("two-factor page")
	s.do("start the set-up", s.click(`form[action$="/two-factor/setup"] button[type=submit]`))
	s.waitFor("the QR code", `(() => { const img = document.querySelector(".qr img"); return !!img && img.complete && img.naturalWidth > 100; })()`, true)
	s.waitFor("the key in groups of four", `[...document.querySelectorAll("code.secret span")].every((g, i, all) => g.textContent.length === 4 || (i === all.length - 1 && g.textContent.length > 0))`, false)
	s.waitFor("a numeric one-time-code field", `(() => { const f = document.getElementById("f-code"); return !!f && f.inputMode === "numeric" && f.autocomplete === "one-time-code"; })()`, false)
	s.axe("two-factor set-up")
	secret, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.querySelector("code.secret").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	s.do("type the app's code", s.fill("f-code", auth.TOTPCode(secret, time.Now())))
	s.do("turn it on", s.click(`form[action$="/two-factor/confirm"] button[type=submit]`))
	s.waitFor("recovery codes", `document.querySelectorAll(".recovery-codes code").length === 10`, true)
	codes, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".recovery-codes code")].map(c => c.textContent).join("\n") + "\n"`))
	if err != nil {
		t.Fatal(err)
	}
	s.screenshot("day-10-recovery-codes")
	s.axe("recovery codes")

	// The download, into a folder of the test's.
	dir := t.TempDir()
	bc := chromedp.FromContext(s.ctx).BrowserContextID
	eventsOn := true
	if _, err := chromedp.CallBrowser(s.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: bc, DownloadPath: dir, EventsEnabled: &eventsOn}); err != nil {
		t.Fatal(err)
	}
	downloaded := make(chan struct{})
	var once sync.Once
	chromedp.ListenBrowser(s.ctx, func(ev any) {
		if p, ok := ev.(*browser.EventDownloadProgress); ok && p.State == browser.DownloadProgressStateCompleted {
			once.Do(func() { close(downloaded) })
		}
	})
	s.do("download the codes", s.click(`button[data-codes][data-filename]`))
	s.waitFor("download confirmed", `(document.getElementById("codes-status")?.textContent || "").includes(`+js("Saved as "+slug+"-recovery-codes.txt")+`)`, true)
	file := filepath.Join(dir, slug+"-recovery-codes.txt")
	select {
	case <-downloaded:
	case <-time.After(10 * time.Second):
		t.Errorf("recovery codes (%s): the browser reported no finished download within 10s", s.vp.name)
	}
	got, err := os.ReadFile(file)
	if string(got) != codes {
		t.Errorf("recovery codes (%s): the downloaded %s holds %q (%v), want the 10 codes of the page %q", s.vp.name, file, got, err, codes)
	}

	// The clipboard, which the page may write and the test may read.
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(s.ctx, browser.SetPermission, browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: s.base, BrowserContextID: bc}); err != nil {
			t.Fatal(err)
		}
	}
	s.do("copy the codes", s.click(`button[data-codes][data-copy]`))
	s.waitFor("copy confirmed", `(document.getElementById("codes-status")?.textContent || "").includes("Copied to the clipboard.")`, true)
	clip, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil || clip != codes {
		t.Errorf("recovery codes (%s): the clipboard holds %q (%v), want %q", s.vp.name, clip, err, codes)
	}
	s.noConsoleErrors("recovery codes")
}

// screen saves what the screen shows (not the whole page) as a PNG:
// the landing page's pictures are taken from these.
func (s *story) screen(name string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		s.t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Fatalf("screenshot %s (%s): %v", name, s.vp.name, err)
	}
	path := filepath.Join(s.artifacts, fmt.Sprintf("%s-%dx%d-%s-screen.png", s.vp.name, s.vp.width, s.vp.height, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screen: %s", path)
}

// pressSlash presses "/" as a keyboard does: one keyDown that carries
// its text, so that a page that cancels the keydown types nothing
// (chromedp.KeyEvent sends a separate char event, which no page can cancel).
func pressSlash() chromedp.Action[chromedp.Void] {
	key := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash", Text: "/", UnmodifiedText: "/", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, key); err != nil {
			return err
		}
		key.Type, key.Text, key.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, key)
		return err
	})
}

// shellMarks checks that the shell marks the section label as the
// current page (aria-current), and no other.
func (s *story) shellMarks(label string) {
	s.t.Helper()
	s.waitFor("the shell marks "+label, `(() => {
		const cur = [...document.querySelectorAll('header nav.app-nav a[aria-current="page"]')].map(a => a.textContent.trim());
		return cur.length === 1 && cur[0] === `+js(label)+`;
	})()`, false)
}

// bannerFits fails the test if the cookie banner takes more than 15 % of
// the screen's height (122 px of a 375 × 812 phone).
func (s *story) bannerFits() {
	s.t.Helper()
	h, err := chromedp.Run(s.ctx, chromedp.Evaluate[float64](`(() => { const b = document.getElementById("consent-banner"); return b ? b.getBoundingClientRect().height : -1; })()`))
	if err != nil {
		s.t.Fatal(err)
	}
	if h < 0 {
		s.t.Errorf("cookie banner (%s): not shown to a new visitor", s.vp.name)
		return
	}
	limit := 0.15 * float64(s.vp.height)
	s.t.Logf("cookie banner (%s): %.0fpx of %dpx (limit %.0fpx)", s.vp.name, h, s.vp.height, limit)
	if h > limit {
		s.t.Errorf("cookie banner (%s): %.0fpx high, more than 15%% (%.0fpx) of the %dpx screen", s.vp.name, h, limit, s.vp.height)
	}
}

// focusRingReadable focuses a link by the keyboard and checks that its
// focus ring is drawn and stands out from the page by WCAG's 3:1.
func (s *story) focusRingReadable() {
	s.t.Helper()
	s.do("focus the skip link", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`), chromedp.KeyEvent(kb.Tab))
	got, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return "nothing has the focus after Tab";
		const st = getComputedStyle(el);
		if (st.outlineStyle === "none" || parseFloat(st.outlineWidth) < 2) return "no focus ring: outline " + st.outlineStyle + " " + st.outlineWidth;
		const rgb = c => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
		const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
		let bg = document.body, bgc = getComputedStyle(bg).backgroundColor;
		if (bgc === "rgba(0, 0, 0, 0)") bgc = getComputedStyle(document.documentElement).backgroundColor;
		if (bgc === "rgba(0, 0, 0, 0)") bgc = "rgb(255, 255, 255)";
		const a = lum(rgb(st.outlineColor)), b = lum(rgb(bgc));
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		return ratio >= 3 ? "" : "focus ring " + st.outlineColor + " on " + bgc + ": contrast " + ratio.toFixed(2) + ", under 3:1";
	})()`))
	if err != nil {
		s.t.Fatal(err)
	}
	if got != "" {
		s.t.Errorf("focus ring with the light brand colour %s (%s): %s", lightAccent, s.vp.name, got)
	}
}
