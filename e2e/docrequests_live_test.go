package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
)

// TestDocRequestsLive: the documents asked for are live on both sides and
// a live update keeps what is being typed in them, at 1280 and 375 px
// (issue 16 points 5 and 6). The contact's open case page gets the three
// documents staff ask for without a reload. Staff, typing the reason to
// send the first back (the caret in it) and a new note in the third's
// "Change or withdraw", see the second arrive as sent without a reload:
// the reason, its focus and caret and the open, typed change form are
// kept. The contact, with a file chosen for the third, sees the first
// sent back with its reason and the second accepted without a reload, the
// chosen file kept, and sends it. At phone width the page has no
// Element.moveBefore, so htmx moves the kept item the older way and the
// focus is given back (assets/js/live.js). Screenshots:
// e2e/artifacts/*-docreqlive-*.
func TestDocRequestsLive(t *testing.T) {
	staffAndContact(t, "docreqlive", docRequestsLive)
}

func docRequestsLive(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	w := staff.vp.name
	staff.signUp(slug, "Paper Trail "+w, "Tess Trail")
	mustInviteContact(staff, contact, smtp, agencyPath, "Quill Ltd", "quill-"+slug+"@example.test")

	// The contact's case: a request of their own, which staff open.
	contact.do("open the new request form", chromedp.Navigate(contact.base+agencyPath+"/portal/requests/new"))
	contact.do("fill the request", contact.fill("f-subject", "Residence permit "+w), contact.fillText("f-body", "What do you need from me?"))
	contact.do("send the request", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the case page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"`, true)
	portalCase := contact.path()
	staff.do("open the inbox", chromedp.Navigate(staff.base+agencyPath+"/inbox"))
	staff.waitFor("the request in the inbox", `!!document.querySelector('#inbox-lists a[href*="/cases/"]')`, true)
	href, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](`document.querySelector('#inbox-lists a[href*="/cases/"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	staff.do("open the case", chromedp.Navigate(staff.base+href))
	staff.waitFor("the case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := staff.path()

	// Staff ask for three documents while the contact's page is open: its
	// checklist appears and fills without a reload.
	contact.waitFor("the portal page's stream is open", liveIdle, true)
	contact.do("mark the portal page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	docs := []string{"Passport copy", "Signed brief", "Utility bill"}
	for _, name := range docs {
		staff.waitFor("the case page's stream is open", liveIdle, true)
		staff.do("open the ask form", staff.click("#docrequests > details > summary"))
		staff.do("name the document", staff.fill("d-name", name))
		staff.do("ask for "+name, staff.click("#docreq-form button[type=submit]"))
		staff.waitFor(name+" is asked for", `location.pathname === `+js(casePath)+` && document.readyState === "complete"
			&& document.querySelector("#docreq-checklist").textContent.includes(`+js(name)+`)`, true)
	}
	contact.waitFor("the three arrive in the portal's checklist", `(() => {
		const list = document.querySelector("#portal-docreqs");
		return !!list && `+js(strings.Join(docs, "|"))+`.split("|").every(n => list.textContent.includes(n))
			&& list.querySelectorAll(".docreq-upload input[type=file]").length === 3;
	})()`, true)
	contact.waitFor("the portal page was not reloaded", `window.liveMark === "unchanged"`, true)
	contact.screenshot("docreqlive-01-portal-asked-" + w)
	passport, brief, bill := itemID(staff, "Passport copy"), itemID(staff, "Signed brief"), itemID(staff, "Utility bill")

	// The contact sends the passport copy.
	dir := t.TempDir()
	send := func(id, file string) {
		t.Helper()
		path := filepath.Join(dir, file)
		mustWrite(t, path, filestest.PDF(1, 500))
		contact.waitFor("the portal page's stream is open", liveIdle, true)
		contact.do("choose "+file, chromedp.SetUploadFiles(chromedp.CSS("#u-"+id), []string{path}))
		contact.do("send "+file, contact.click("#docreq-"+id+" .docreq-upload button[type=submit]"))
		contact.waitFor(file+" is sent", `location.pathname === `+js(portalCase)+` && document.readyState === "complete"
			&& document.querySelector("#docreq-`+id+`").textContent.includes("Sent, being checked")`, true)
	}
	send(passport, "passport.pdf")
	staff.waitFor("the passport arrives in the staff checklist", `!!document.querySelector("#r-`+passport+`")`, true)

	// Staff type a new note for the utility bill and the reason to send the
	// passport back, the caret left in the reason.
	staff.waitFor("the live update has settled", liveIdle, true)
	staff.do("mark the case page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	if staff.vp.mobile {
		staff.do("take Element.moveBefore away", chromedp.Evaluate[chromedp.Void](`delete Element.prototype.moveBefore`))
	}
	note, reason := "Any bill from the last three months", "The photo page is cut off"
	staff.do("open the bill's change form", staff.click("#docreq-"+bill+" details.docreq-change > summary"))
	staff.do("type the bill's note", staff.fillText("dt-"+bill, note))
	staff.do("type the reason", staff.fill("r-"+passport, reason))
	staff.do("move the caret into the reason", chromedp.Evaluate[chromedp.Void](`document.getElementById("r-`+passport+`").setSelectionRange(4, 9)`))

	// The contact sends the signed brief: it arrives, the typing stays.
	send(brief, "brief.pdf")
	staff.waitFor("the brief arrives without a reload", `document.querySelector("#docreq-`+brief+`").textContent.includes("brief.pdf")
		&& !!document.querySelector('#docreq-`+brief+` form[action$="/accept"]') && document.querySelector("#docreq-pending").textContent.includes("2 to check")`, true)
	staff.waitFor("the case page was not reloaded", `window.liveMark === "unchanged"`, true)
	staff.waitFor("the reason is as typed, with the focus and the caret", `(() => {
		const r = document.getElementById("r-`+passport+`");
		return r.value === `+js(reason)+` && document.activeElement === r && r.selectionStart === 4 && r.selectionEnd === 9;
	})()`, true)
	staff.waitFor("the bill's change form is open, as typed", `document.querySelector("#docreq-`+bill+` details.docreq-change").open
		&& document.getElementById("dt-`+bill+`").value === `+js(note), true)
	staff.screenshot("docreqlive-02-staff-typing-kept-" + w)
	staff.waitFor("the live update has settled", liveIdle, true)
	staff.noConsoleErrors("the checklist's live update while typing", `#timer-here`)

	// The contact chooses the bill's file; staff send the passport back
	// and accept the brief: both arrive in the portal, the file stays chosen.
	billFile := filepath.Join(dir, "bill.pdf")
	mustWrite(t, billFile, filestest.PDF(1, 500))
	contact.waitFor("the portal page's stream is open", liveIdle, true)
	contact.do("mark the portal page again", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	contact.do("choose the bill's file", chromedp.SetUploadFiles(chromedp.CSS("#u-"+bill), []string{billFile}))
	staff.do("send the passport back", staff.click("#docreq-"+passport+" .docreq-return button[type=submit]"))
	staff.waitFor("sent back", `location.pathname === `+js(casePath)+` && document.readyState === "complete"
		&& document.querySelector("#docreq-`+passport+`").textContent.includes("Sent back")`, true)
	contact.waitFor("sent back, with the reason, without a reload", `document.querySelector("#docreq-`+passport+`").textContent.includes(`+js("Sent back: "+reason)+`)
		&& !!document.querySelector("#u-`+passport+`")`, true)
	staff.waitFor("the case page's stream is open", liveIdle, true)
	staff.do("accept the brief", staff.click(`#docreq-`+brief+` form[action$="/accept"] button`))
	staff.waitFor("accepted", `location.pathname === `+js(casePath)+` && document.readyState === "complete"
		&& document.querySelector("#docreq-`+brief+`").textContent.includes("Accepted")`, true)
	contact.waitFor("accepted, without a reload", `document.querySelector("#docreq-`+brief+`").textContent.includes("Accepted")
		&& document.querySelector("#docreq-`+brief+` .docreq-mark").textContent === "✓"`, true)
	contact.waitFor("the portal page was not reloaded", `window.liveMark === "unchanged"`, true)
	contact.waitFor("the bill's file is still chosen", `document.getElementById("u-`+bill+`").files.length === 1
		&& document.getElementById("u-`+bill+`").files[0].name === "bill.pdf"`, true)
	contact.screenshot("docreqlive-03-portal-accepted-" + w)
	contact.waitFor("the live update has settled", liveIdle, true)
	contact.noConsoleErrors("the portal checklist's live updates")

	// The chosen file goes up.
	contact.do("send the bill", contact.click("#docreq-"+bill+" .docreq-upload button[type=submit]"))
	contact.waitFor("the bill is sent", `location.pathname === `+js(portalCase)+` && document.readyState === "complete"
		&& document.querySelector("#docreq-`+bill+`").textContent.includes("bill.pdf")`, true)
	contact.noConsoleErrors("send the bill")
}

// itemID is the id of the document asked for named name on the staff
// case page's checklist.
func itemID(s *story, name string) string {
	s.t.Helper()
	id, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => {
		const li = [...document.querySelectorAll("#docreq-checklist li[data-live-item]")].find(li => li.querySelector("strong").textContent === `+js(name)+`);
		return li ? li.id.replace(/^docreq-/, "") : "";
	})()`))
	if err != nil || id == "" {
		s.t.Fatalf("no item %q on the checklist (%s): %v", name, s.vp.name, err)
	}
	return id
}
