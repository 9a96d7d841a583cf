package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// TestLiveUpdates: a note posted and a status changed in one tab appear in
// another tab of the same case without it reloading, and the status in the
// client's portal (issue 16 point 5).
func TestLiveUpdates(t *testing.T) {
	execPath := requireChromium(t)
	smtp := mailtest.Start(t)
	base := startServer(t, "-smtp-url", smtp.URL())
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	vp := viewports[0]
	s := newStory(t, browser, base, artifacts, vp)
	slug := fmt.Sprintf("live-%d", time.Now().UnixNano()%1_000_000)
	agencyPath := "/a/" + slug
	note := "Live note from the first tab"

	s.signUp(slug, "Live Office", "Lena Live")
	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Lumen Ltd"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Lumen Ltd")`, true)
	clientPath := s.path()
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	s.do("fill the case form", s.fill("f-title", "Live case"))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := s.path()

	// The client's contact, invited from the Portal tab, opens the case in the portal.
	contactEmail := "lu-" + slug + "@example.test"
	s.do("open the portal tab", chromedp.Navigate(s.base+clientPath+"?tab=portal"))
	s.do("type the contact's email", s.fill("f-email", contactEmail))
	s.do("send the invitation", s.click(`#client-tabs form button[type=submit]`))
	s.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	link := inviteLink.FindString(smtp.WaitFor(t, contactEmail, 10*time.Second).Body)
	if link == "" {
		t.Fatal("no invitation link")
	}
	contact := newStory(t, browser, base, artifacts, vp)
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.waitFor("invitation page", `document.body.innerText.includes("client portal")`, true)
	contact.do("fill the invitation form", contact.fill("f-name", "Lu Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", ".portal-cases", "Live case")
	contact.do("open the case", contact.click(`.portal-cases a[href^="`+agencyPath+`/portal/cases/"]`))
	contact.waitFor("portal case page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.getAttribute("data-live-state") === "open"`, true)
	contact.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	s.do("back to the case", chromedp.Navigate(s.base+casePath))

	// A second tab of the same browser (the same session) on the same case.
	watch := &consoleWatch{}
	ctx2, cancel := chromedp.NewContext(s.ctx, chromedp.WithListener(watch.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx2); err != nil { // opens the tab, which lives as long as this call's context
		t.Fatalf("open a second tab: %v", err)
	}
	other := &story{t: t, ctx: ctx2, base: base, artifacts: artifacts, vp: vp, watch: watch}
	other.do("open the case in a second tab", chromedp.Navigate(base+casePath))
	other.atPath("second tab", casePath, "#case-state", "New")
	other.waitFor("the second tab's stream is open", `document.body.getAttribute("data-live-state") === "open"`, true)
	s.waitFor("the first tab's stream is open", `document.body.getAttribute("data-live-state") === "open"`, true)
	other.do("mark the page, to see it is not reloaded", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))

	s.do("write a note", s.fillText("f-body", note))
	s.do("add it", s.click("#note-form button[type=submit]"))
	s.atPath("the note in the first tab", casePath, "#timeline", note)
	other.waitFor("the note appears in the second tab", `document.querySelector("#timeline").textContent.includes(`+js(note)+`)`, true)

	s.do("choose a status", chromedp.SetValue(chromedp.ID("q-status"), "waiting"))
	s.do("change it", s.click(`form[action$="/status"] button[type=submit]`))
	other.waitFor("the status changes in the second tab", `document.querySelector("#case-state").textContent.includes("Waiting")`, true)
	other.waitFor("the second tab was not reloaded", `window.liveMark === "unchanged"`, true)
	other.screenshot("live-01-second-tab")
	contact.waitFor("the status changes in the portal", `document.querySelector("#portal-case-props").textContent.includes("Waiting")
		&& document.querySelector("#portal-history").textContent.includes("Waiting")`, true)
	contact.waitFor("the portal page was not reloaded", `window.liveMark === "unchanged"`, true)
	contact.waitFor("the internal note never reaches the portal", `!document.body.textContent.includes(`+js(note)+`)`, true)
	contact.screenshot("live-02-portal")
	contact.noConsoleErrors("live updates, portal")
	// The case page's timer (issue 24) logs this while its box is not on the page; not a live-update error.
	const timer = `#timer-here`
	s.noConsoleErrors("live updates, first tab", timer)
	other.noConsoleErrors("live updates, second tab", timer)
}
