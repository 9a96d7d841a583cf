package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCRM walks a staff member's day with the real binary in Chromium, at
// desktop and at phone width: sign up, create a client, open a case for it,
// add a note, change the status, find the case through the search box as
// they type, open it from the results, and see its history (the creation,
// the status change and the note). Screenshots go to e2e/artifacts/crm-*.
//
//	go test ./e2e -run TestCRM -v
func TestCRM(t *testing.T) {
	forEachWidth(t, "crm", (*story).crm)
}

// navTo follows a link of the main navigation, opening the menu on phones.
func (s *story) navTo(css string) {
	s.t.Helper()
	if s.vp.mobile {
		s.do("open the menu", s.click("header nav details > summary"))
	}
	s.do("follow "+css, s.click(css))
}

func (s *story) crm(slug string) {
	t := s.t
	start := time.Now()
	agencyPath := "/a/" + slug
	word := "Lighthouse"
	title := word + " permit renewal " + s.vp.name

	// Sign up: the owner lands on the dashboard, signed in.
	s.signUp(slug, "Harbour Office "+s.vp.name, "Hana Harbour")
	s.noConsoleErrors("sign-up")

	// A client, through the clients page.
	s.navTo(`header nav a[href="` + agencyPath + `/clients"]`)
	s.atPath("client list", agencyPath+"/clients", "h1", "Clients")
	s.do("open the new client form", s.click(`a[href="`+agencyPath+`/clients/new"]`))
	s.atPath("new client form", agencyPath+"/clients/new", "h1", "New client")
	s.do("fill the client form",
		s.fill("f-name", "Quentin Marlowe"),
		s.fillText("f-emails", "quentin@example.test"),
		s.fill("f-city", "Klaipėda"),
	)
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Quentin Marlowe")`, true)
	s.screenshot("crm-01-client")
	s.noConsoleErrors("client created")

	// A case for the client, from the client's page.
	s.do("open the new case form", s.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	s.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	chosen := `document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("Quentin Marlowe")`
	if !s.waitFor("the client page's New case link chooses the client", chosen, false) {
		// Report it, then choose the client as a person would, so that the
		// rest of the story still runs.
		s.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
			const sel = document.querySelector("#f-client_id");
			sel.value = [...sel.options].find(o => o.textContent.includes("Quentin Marlowe")).value;
		})()`))
	}
	s.do("fill the case form",
		s.fill("f-title", title),
		s.fillText("f-description", "Renew the harbour permit before the season starts."),
	)
	s.do("open the case", s.click(".case-form button[type=submit]"))
	s.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"
		&& document.querySelector("h1") && document.querySelector("h1").textContent.includes(`+js(title)+`)`, true)
	casePath := s.path()

	// A note, then a status change.
	s.do("write a note", s.fillText("f-body", "Called the harbour office: the form is on its way."))
	s.do("add the note", s.click("#note-form button[type=submit]"))
	s.atPath("the note in the history", casePath, "#timeline", "the form is on its way")
	s.do("choose a status", chromedp.SetValue(chromedp.ID("q-status"), "in_progress"))
	s.do("change the status", s.click(`form[action$="/status"] button[type=submit]`))
	s.atPath("the status change in the history", casePath, "#timeline", "to In progress")
	s.screenshot("crm-02-case")
	s.noConsoleErrors("note and status")
	s.csrfAgrees("case page")

	// Find the case through the search box, as a person types.
	s.navTo(`header nav a[href="` + agencyPath + `/search"]`)
	s.atPath("search page", agencyPath+"/search", "h1", "Search")
	s.atPath("search tips", agencyPath+"/search", "#search-results", "Type a few letters")
	s.do("type a word of the title", s.fill("search-q", strings.ToLower(word[:6])))
	hit := `#search-results a.search-title[href="` + casePath + `"]`
	s.waitFor("the case among the results", `(() => {
		const a = document.querySelector(`+js(hit)+`);
		return !!a && a.textContent.includes(`+js(title)+`) && !!a.querySelector("mark");
	})()`, true)
	s.waitFor("the typed query in the address bar", `location.pathname === `+js(agencyPath+"/search")+` && new URLSearchParams(location.search).get("q") === `+js(strings.ToLower(word[:6])), true)
	s.screenshot("crm-03-search")
	s.noConsoleErrors("search")

	// The search result leads to the case and its history.
	s.do("open the case from the results", s.click(hit))
	s.atPath("case page from search", casePath, "h1", title)
	for _, want := range []string{"opened the case", "changed the status from New to In progress", "added a note", "the form is on its way"} {
		s.atPath("history shows: "+want, casePath, "#timeline", want)
	}
	s.screenshot("crm-04-history")
	s.noConsoleErrors("history")

	// Back to the search: the results come back with the page.
	s.do("go back", chromedp.NavigateBack())
	s.waitFor("search restored by the back button", `location.pathname === `+js(agencyPath+"/search")+` && !!document.querySelector(`+js(hit)+`)`, false)
	s.noConsoleErrors("back to the search")

	t.Logf("%s CRM story took %s", s.vp.name, time.Since(start).Round(time.Millisecond))
}

// fillText types into a textarea: fill's Clear fails on an empty one.
func (s *story) fillText(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById(`+js(id)+`).value = ""`),
		chromedp.SendKeys(chromedp.ID(id), value),
	)
}

// path is the tab's current path.
func (s *story) path() string {
	s.t.Helper()
	p, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}
