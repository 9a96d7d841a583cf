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

// TestDocumentRequestStory (issue 16 point 6), at 1280 and 375 px: staff
// ask the client for a document on a case; the contact sees "1 thing to
// send" on the portal home, sends the file from the case's checklist;
// staff accept it, and the checklist says so.
func TestDocumentRequestStory(t *testing.T) {
	staffAndContact(t, "docreq", docRequestStory)
}

func docRequestStory(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	contactEmail := "dora-" + slug + "@example.test"
	staff.signUp(slug, "Dock Legal", "Dee Dock")
	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "Dora Client"), staff.fillText("f-emails", contactEmail))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Dora Client")`, true)
	clientPath := staff.path()
	staff.do("open the new case form", staff.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	staff.waitFor("the client is chosen", `!!document.querySelector("#f-client_id") && document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("Dora Client")`, true)
	staff.do("fill the case form", staff.fill("f-title", "Residence permit"))
	staff.do("open the case", staff.click(".case-form button[type=submit]"))
	staff.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := staff.path()

	staff.do("open the portal tab", chromedp.Navigate(staff.base+clientPath+"?tab=portal"))
	staff.do("type the contact's email", staff.fill("f-email", contactEmail))
	staff.do("send the invitation", staff.click(`#client-tabs form button[type=submit]`))
	staff.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	mail := smtp.WaitFor(t, contactEmail, 10*time.Second)
	link := inviteLink.FindString(mail.Body)
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", mail.Body)
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.waitFor("invitation page", `document.body.innerText.includes("client portal")`, true)
	contact.do("fill the invitation form", contact.fill("f-name", "Dora Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Dora Contact")

	// Staff ask for a document.
	staff.do("back to the case", chromedp.Navigate(staff.base+casePath))
	staff.do("open the ask form", staff.click("#docrequests summary"))
	staff.do("fill it", staff.fill("d-name", "Passport copy"), staff.fill("d-note", "Both pages, please"))
	staff.do("ask", staff.click("#docreq-form button[type=submit]"))
	staff.atPath("asked", casePath, "#docrequests", "Passport copy")
	staff.screenshot("docreq-01-asked")
	staff.noConsoleErrors("ask for a document")

	// The contact sends it from the checklist.
	contact.do("reload the portal home", chromedp.Navigate(contact.base+agencyPath+"/portal"))
	contact.atPath("things to send", agencyPath+"/portal", "#to-send", "1 thing to send")
	contact.screenshot("docreq-02-home")
	contact.do("open the item", contact.click(`#to-send a`))
	contact.waitFor("the checklist", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& !!document.querySelector("#docrequests .docreq-upload")`, true)
	portalCasePath := contact.path()
	doc := filepath.Join(t.TempDir(), "passport.pdf")
	if err := os.WriteFile(doc, filestest.PDF(1, 500), 0o600); err != nil {
		t.Fatal(err)
	}
	contact.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#docrequests .docreq-upload input[type=file]"), []string{doc}))
	contact.do("send it", contact.click("#docrequests .docreq-upload button[type=submit]"))
	contact.atPath("sent", portalCasePath, "#docrequests", "Sent, being checked")
	contact.screenshot("docreq-03-sent")
	contact.noConsoleErrors("send a document")

	// Staff accept it.
	staff.do("reload the case", chromedp.Navigate(staff.base+casePath))
	staff.atPath("to check", casePath, "#docrequests", "passport.pdf")
	staff.do("accept", staff.click(`#docrequests form[action$="/accept"] button`))
	staff.atPath("accepted", casePath, "#docrequests", "Accepted")
	staff.screenshot("docreq-04-accepted")
	staff.noConsoleErrors("accept a document")
	contact.do("reload the checklist", chromedp.Navigate(contact.base+portalCasePath))
	contact.atPath("accepted on the portal", portalCasePath, "#docrequests", "Accepted")
}
