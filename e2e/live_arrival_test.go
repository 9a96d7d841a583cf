package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// mustInviteContact adds client name and invites contactEmail to its
// portal as staff, and signs the contact up from the invitation; it
// returns the client's page.
func mustInviteContact(staff, contact *story, smtp *mailtest.Server, agencyPath, name, contactEmail string) string {
	t := staff.t
	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", name))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes(`+js(name)+`)`, true)
	clientPath := staff.path()
	staff.do("open the portal tab", chromedp.Navigate(staff.base+clientPath+"?tab=portal"))
	staff.do("type the contact's email", staff.fill("f-email", contactEmail))
	staff.do("send the invitation", staff.click(`#client-tabs form button[type=submit]`))
	staff.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	link := inviteLink.FindString(smtp.WaitFor(t, contactEmail, 10*time.Second).Body)
	if link == "" {
		t.Fatal("no invitation link")
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.waitFor("invitation page", `document.body.innerText.includes("client portal")`, true)
	contact.do("fill the invitation form", contact.fill("f-name", "Ada Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.waitFor("portal home", `location.pathname === `+js(agencyPath+"/portal"), true)
	// The cookie banner would cover the conversation in the screenshots.
	contact.do("choose essential cookies", contact.click(`#consent-banner button[value="essential"]`))
	contact.waitFor("the banner is gone", `!document.querySelector("#consent-banner")`, true)
	return clientPath
}

// TestLivePollingFallback: over the per-person cap of open streams a tab
// is refused its stream, says it polls, and still shows a change made in
// another tab within the 30 s poll (issue 16 point 5).
func TestLivePollingFallback(t *testing.T) {
	execPath := requireChromium(t)
	smtp := mailtest.Start(t)
	base := startServer(t, "-smtp-url", smtp.URL(), "-live-streams-per-person", "1")
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	vp := viewports[0]
	s := newStory(t, browser, base, artifacts, vp)
	slug := "poll-" + time.Now().Format("150405")
	agencyPath := "/a/" + slug
	s.signUp(slug, "Poll Office", "Pat Poll")
	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Polar Ltd"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete"`, true)
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.do("fill the case form", s.fill("f-title", "Polled case"))
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := s.path()
	s.waitFor("the first tab holds the one stream", `document.body.getAttribute("data-live-state") === "open"`, true)

	watch := &consoleWatch{}
	ctx2, cancel := chromedp.NewContext(s.ctx, chromedp.WithListener(watch.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx2); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	other := &story{t: t, ctx: ctx2, base: base, artifacts: artifacts, vp: vp, watch: watch}
	other.do("open the case in a second tab", chromedp.Navigate(base+casePath))
	other.waitFor("the second tab is refused its stream and polls", `document.body.getAttribute("data-live-state") === "polling"`, true)
	other.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))

	note := "Seen by polling"
	s.do("write a note", s.fillText("f-body", note))
	s.do("add it", s.click("#note-form button[type=submit]"))
	s.atPath("the note in the first tab", casePath, "#timeline", note)
	waitWithin(other, "the note appears in the polling tab", 40*time.Second, `document.querySelector("#timeline").textContent.includes(`+js(note)+`)`)
	other.waitFor("the polling tab was not reloaded", `window.liveMark === "unchanged"`, true)
	other.screenshot("arrival-04-polling")
}

// waitWithin is story.waitFor with a longer limit (a poll comes every 30 s).
func waitWithin(s *story, what string, limit time.Duration, expr string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, limit)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.PollFunction[bool](`() => { try { return !!(`+expr+`) } catch (e) { return false } }`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(limit)))
	if err != nil || !ok {
		s.t.Fatalf("%s: not true after %s: %s (%v)\n%s", what, limit, expr, err, s.bodyText())
	}
}
