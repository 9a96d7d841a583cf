package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestHTMXRequestWithABadCSRFToken: htmx requests are checked for CSRF like
// any other post (issue 27, mutants csrf-htmx-requests-skipped and
// csrf-htmx-header-unchecked). A signed-in owner's page sends htmx posts
// (HX-Request set, the token in the X-CSRF-Token header from the page's
// hx-headers) to add a client: with a forged token and with none, the page
// shows the refusal as an alert toast and no client is made; with the
// page's own token the same request adds the client. One width only: the
// check does not depend on the screen.
//
//	CI=true go test ./e2e -run TestHTMXRequestWithABadCSRFToken -v
func TestHTMXRequestWithABadCSRFToken(t *testing.T) {
	execPath := requireChromium(t)
	base := startServer(t)
	browser := newBrowser(t, execPath)
	s := newStory(t, browser, base, mustArtifactsDir(t), viewports[0])
	slug := fmt.Sprintf("csrfhx-%d", time.Now().UnixNano()%1_000_000)
	agencyPath := "/a/" + slug
	s.signUp(slug, "Token Studio", "Tina Token")

	// send posts a new client by htmx from the page's shell, whose
	// hx-headers carry the CSRF token: token "" leaves it as rendered,
	// "-" sends no token at all, anything else replaces it.
	send := func(token, name string) {
		s.t.Helper()
		s.do("htmx post of client "+name, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const page = document.querySelector(".page[hx-headers]");
			if (%[1]s === "-") page.setAttribute("hx-headers", "{}");
			else if (%[1]s !== "") page.setAttribute("hx-headers", JSON.stringify({"X-CSRF-Token": %[1]s}));
			window.e2eStatus = 0;
			document.body.addEventListener("htmx:afterRequest", (e) => { window.e2eStatus = e.detail.xhr.status; }, {once: true});
			htmx.ajax("POST", %[2]s, {source: page, values: {name: %[3]s, kind: "company"}, swap: "none"});
		})()`, js(token), js(agencyPath+"/clients"), js(name))))
	}
	refused := func(what string) {
		s.t.Helper()
		s.waitFor(what+": refused with 403", `window.e2eStatus === 403`, true)
		s.waitFor(what+": the page says so", `[...document.querySelectorAll("#toasts .toast-error[role=alert]")].some(el => el.textContent.includes("This form has expired or came from somewhere else"))`, true)
	}

	send("forged-token", "Forged Ltd")
	refused("a forged token")
	s.screenshot("csrf-htmx-01-refused")
	s.do("reload the dashboard", chromedp.Navigate(s.base+agencyPath))
	s.atPath("dashboard again", agencyPath, "h1", "Welcome, Tina Token")
	send("-", "Tokenless Ltd")
	refused("no token")

	s.do("reload the dashboard", chromedp.Navigate(s.base+agencyPath))
	s.atPath("dashboard again", agencyPath, "h1", "Welcome, Tina Token")
	send("", "Genuine Ltd")
	s.waitFor("the page's own token: accepted", `window.e2eStatus >= 200 && window.e2eStatus < 300`, true)

	s.do("open the clients", chromedp.Navigate(s.base+agencyPath+"/clients"))
	s.atPath("clients list", agencyPath+"/clients", "main", "Genuine Ltd")
	s.waitFor("no refused client made", `!document.querySelector("main").textContent.includes("Forged Ltd") && !document.querySelector("main").textContent.includes("Tokenless Ltd")`, true)
	s.noConsoleErrors("htmx CSRF refusals", "htmx:responseError", "htmx:afterRequest", "403")
}
