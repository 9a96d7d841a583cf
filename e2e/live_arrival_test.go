package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
)

// TestLiveArrivalStory (issue 16 points 1 and 5), at 1280 and 375 px: staff
// watch the inbox while the client's contact opens a request with two
// files, each with its own progress bar; the request arrives in the inbox
// and its count without a reload; staff reply and the reply arrives in the
// open portal page without a reload. Screenshots: e2e/artifacts/arrival-*.
func TestLiveArrivalStory(t *testing.T) {
	staffAndContact(t, "arrive", liveArrivalStory)
}

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

func liveArrivalStory(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	w := staff.vp.name
	staff.signUp(slug, "Arrival Desk "+w, "Ari Desk")
	mustInviteContact(staff, contact, smtp, agencyPath, "Arrow Ltd", "ada-"+slug+"@example.test")

	// Staff watch the inbox.
	staff.do("open the inbox", chromedp.Navigate(staff.base+agencyPath+"/inbox"))
	staff.waitFor("the inbox's stream is open", `location.pathname === `+js(agencyPath+"/inbox")+` && document.body.getAttribute("data-live-state") === "open"`, true)
	staff.do("mark the page, to see it is not reloaded", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))

	// The contact opens a request with two files: a line and a bar each.
	dir := t.TempDir()
	var shots []string
	for i, size := range [][2]int{{640, 400}, {1200, 900}} {
		p := filepath.Join(dir, []string{"plan.png", "photo.png"}[i])
		if err := os.WriteFile(p, filestest.PNG(size[0], size[1]), 0o600); err != nil {
			t.Fatal(err)
		}
		shots = append(shots, p)
	}
	subject := "Live arrival " + w
	contact.do("open the new request form", chromedp.Navigate(contact.base+agencyPath+"/portal/requests/new"))
	contact.atPath("new request", agencyPath+"/portal/requests/new", "h1", "New request")
	contact.do("fill the request", contact.fill("f-subject", subject), contact.fillText("f-body", "Two pictures for the new page."))
	contact.do("attach two files", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), shots))
	contact.waitFor("a line with a progress bar per file", `(() => {
		const items = [...document.querySelectorAll("#request-form [data-upload-queue] .upload-item")];
		return items.length === 2 && items.every(li => li.querySelector("progress"))
			&& items[0].textContent.includes("plan.png") && items[1].textContent.includes("photo.png");
	})()`, true)
	contact.screenshot("arrival-01-files-" + w)
	contact.do("send the request", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the request's page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.innerText.includes(`+js(subject)+`)`, true)
	portalCase := contact.path()
	contact.atPath("both files with the message", portalCase, ".thread", "photo.png")
	contact.atPath("the first file too", portalCase, ".thread", "plan.png")

	// It arrives in the inbox and its count, without a reload.
	staff.waitFor("the request arrives in the inbox", `document.querySelector("#inbox-lists").textContent.includes(`+js(subject)+`)
		&& !!document.querySelector("#inbox-count .count-badge")`, true)
	staff.waitFor("the inbox was not reloaded", `window.liveMark === "unchanged"`, true)
	staff.screenshot("arrival-02-inbox-" + w)

	// Staff reply; the reply arrives in the open portal page.
	contact.waitFor("the portal page's stream is open", `document.body.getAttribute("data-live-state") === "open"`, true)
	contact.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	href, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](`document.querySelector('#inbox-lists a[href*="/cases/"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	staff.do("open the request", chromedp.Navigate(staff.base+href))
	staff.waitFor("the case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	reply := "Thanks, both pictures arrived."
	staff.do("write the reply", staff.fillText("f-reply", reply))
	staff.do("send the reply", staff.click("form.reply-form button[type=submit]"))
	staff.atPath("reply sent", staff.path(), ".thread", reply)
	contact.waitFor("the reply arrives in the portal", `document.querySelector(".thread").textContent.includes(`+js(reply)+`)`, true)
	contact.waitFor("the portal page was not reloaded", `window.liveMark === "unchanged"`, true)
	contact.screenshot("arrival-03-portal-reply-" + w)
	staff.noConsoleErrors("live arrival, staff", `#timer-here`)
	contact.noConsoleErrors("live arrival, portal")
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
