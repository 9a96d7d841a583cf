package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
)

// TestRequestsStory is issue 16's requests and conversation in Chromium at
// desktop and phone width: the owner defines a request type with a
// required field → the client's contact opens a request with a file and
// that field → staff see it in the inbox (counted in the navigation) and
// reply → the contact sees the reply → both see "seen". Screenshots go to
// e2e/artifacts/requests-*.
func TestRequestsStory(t *testing.T) {
	staffAndContact(t, "req", requestsStory)
}

func requestsStory(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	w := staff.vp.name
	staff.signUp(slug, "Request Desk "+w, "Rita Desk")

	// The owner defines a request type with a required field.
	staff.do("open request types", chromedp.Navigate(staff.base+agencyPath+"/settings/requests"))
	staff.atPath("request types", agencyPath+"/settings/requests", "h1", "Request types")
	staff.do("fill the type", staff.fill("f-name", "Website change"), staff.fill("f-field-0-label", "Page address"))
	staff.do("make it required", staff.click(`input[name="field_0_required"]`))
	staff.do("save the type", staff.click(`form[action$="/settings/requests"] button[type=submit]`))
	staff.atPath("type saved", agencyPath+"/settings/requests", ".request-types", "Website change")

	// A client with a portal contact.
	contactEmail := "rio-" + slug + "@example.test"
	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "Rio Ltd"))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Rio Ltd")`, true)
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
	contact.do("fill the invitation form", contact.fill("f-name", "Rio Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.waitFor("portal home", `location.pathname === `+js(agencyPath+"/portal"), true)

	// The contact opens a request of that type with a file.
	contact.do("open the new request form", chromedp.Navigate(contact.base+agencyPath+"/portal/requests/new"))
	contact.atPath("new request", agencyPath+"/portal/requests/new", "h1", "New request")
	contact.do("choose the type", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-type");
		sel.value = [...sel.options].find(o => o.textContent.includes("Website change")).value;
	})()`))
	contact.do("confirm the type", contact.click(`form.request-kind button[type=submit]`))
	contact.waitFor("the type's field", `!!document.querySelector('#request-form input[name^="f_"]')`, true)
	shot := filepath.Join(t.TempDir(), "homepage.png")
	if err := os.WriteFile(shot, filestest.PNG(320, 200), 0o600); err != nil {
		t.Fatal(err)
	}
	contact.do("fill the request", contact.fill("f-subject", "New banner "+w), contact.fillText("f-body", "Please replace the banner."))
	contact.do("skip the required field and send", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the required field is asked for", `document.body.innerText.includes("This field is required.")`, true)
	contact.do("fill the required field", chromedp.Evaluate[chromedp.Void](`document.querySelector('#request-form input[name^="f_"]').value = "https://rio.test/"`))
	contact.do("attach the file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{shot}))
	contact.screenshot("requests-01-new-" + w)
	contact.do("send the request", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the request's page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.innerText.includes("New banner")`, true)
	portalCase := contact.path()
	contact.atPath("the answer is shown", portalCase, ".request-details", "https://rio.test/")
	contact.atPath("the message and its file", portalCase, ".thread", "homepage.png")
	contact.noConsoleErrors("open a request", "status of 422 (Unprocessable Entity) "+contact.base+agencyPath+"/portal/requests") // the required field left empty, on purpose

	// Staff see it in the inbox, with its count in the navigation, and reply.
	staff.do("open the dashboard", chromedp.Navigate(staff.base+agencyPath))
	staff.waitFor("the inbox count", `!!document.querySelector(".nav-count .count-badge")`, true)
	staff.do("open the inbox", chromedp.Navigate(staff.base+agencyPath+"/inbox"))
	staff.atPath("the request in the inbox", agencyPath+"/inbox", "#inbox-lists", "New banner "+w)
	staff.screenshot("requests-02-inbox-" + w)
	// Followed by its address: a live update may swap the list under a click.
	href, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](`document.querySelector('#inbox-lists a[href*="/cases/"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	staff.do("open the request", chromedp.Navigate(staff.base+href))
	staff.waitFor("the case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := staff.path()
	staff.atPath("the client's message", casePath, ".thread", "Please replace the banner.")
	staff.atPath("the thumbnail", casePath, ".thread", "homepage.png")
	staff.do("write the reply", staff.fillText("f-reply", "On it, ready tomorrow."))
	staff.do("send the reply", staff.click("form.reply-form button[type=submit]"))
	staff.atPath("reply sent", casePath, ".thread", "On it, ready tomorrow.")
	staff.noConsoleErrors("reply")

	// The contact sees the reply; both see "seen".
	contact.do("open the request again", chromedp.Navigate(contact.base+portalCase))
	contact.atPath("the reply", portalCase, ".thread", "On it, ready tomorrow.")
	contact.atPath("staff saw the request", portalCase, ".thread", "Seen by the agency")
	contact.screenshot("requests-03-portal-thread-" + w)
	staff.do("reload the case", chromedp.Navigate(staff.base+casePath))
	staff.atPath("the client saw the reply", casePath, ".thread", "Seen by the client")
	staff.screenshot("requests-04-staff-thread-" + w)
	staff.noConsoleErrors("seen")
	contact.noConsoleErrors("seen")
}
