package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
)

// TestPortalRequestFlow is issue 16's whole portal flow in Chromium at
// 1280 and 375 px, with staff and the client's contact side by side: the
// owner defines a request type with a required field; the contact opens a
// request of that type with files (the field asked for when left empty,
// a progress bar per file filling as the bytes go up); staff watching the
// inbox see it arrive without a reload, open it and reply; the reply
// arrives in the open portal page without a reload, and each side sees
// "seen" arrive on its own; staff ask for a document; the contact sees it
// on the portal home, uploads it from the case's checklist, and it arrives
// in the staff page's checklist without a reload, leaving the note staff
// are typing as it was; staff accept it and the open portal page says so
// without a reload. Staff
// then upload a file on the case, its bar filling too. Screenshots: e2e/artifacts/*-flow-*.
func TestPortalRequestFlow(t *testing.T) {
	staffAndContact(t, "flow", portalRequestFlow)
}

func portalRequestFlow(staff, contact *story, smtp *mailtest.Server, slug string) {
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
	mustInviteContact(staff, contact, smtp, agencyPath, "Rio Ltd", "rio-"+slug+"@example.test")

	// Staff watch the inbox.
	staff.do("open the inbox", chromedp.Navigate(staff.base+agencyPath+"/inbox"))
	staff.waitFor("the inbox's stream is open", `location.pathname === `+js(agencyPath+"/inbox")+` && `+liveIdle, true)
	staff.do("mark the page, to see it is not reloaded", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))

	// The contact opens a request of that type; the required field is
	// asked for when left empty.
	contact.do("open the new request form", chromedp.Navigate(contact.base+agencyPath+"/portal/requests/new"))
	contact.atPath("new request", agencyPath+"/portal/requests/new", "h1", "New request")
	contact.do("choose the type", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-type");
		sel.value = [...sel.options].find(o => o.textContent.includes("Website change")).value;
	})()`))
	contact.do("confirm the type", contact.click(`form.request-kind button[type=submit]`))
	contact.waitFor("the type's field", `!!document.querySelector('#request-form input[name^="f_"]')`, true)
	subject := "New banner " + w
	contact.do("fill the request", contact.fill("f-subject", subject), contact.fillText("f-body", "Please replace the banner."))
	contact.do("skip the required field and send", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the required field is asked for", `document.body.innerText.includes("This field is required.")`, true)
	contact.noConsoleErrors("the required field left empty", "status of 422 (Unprocessable Entity) "+contact.base+agencyPath+"/portal/requests") // on purpose
	contact.do("fill the required field", chromedp.Evaluate[chromedp.Void](`document.querySelector('#request-form input[name^="f_"]').value = "https://rio.test/"`))

	// With two files: a line and a bar each, the bars filling as the
	// bytes go up (the upload throttled, so that it takes a while).
	dir := t.TempDir()
	shot, brief := filepath.Join(dir, "homepage.png"), filepath.Join(dir, "brief.pdf")
	mustWrite(t, shot, filestest.PNG(320, 200))
	mustWrite(t, brief, filestest.PDF(2, uploadBytes))
	contact.do("attach two files", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{shot, brief}))
	contact.waitFor("a line with a progress bar per file", `(() => {
		const items = [...document.querySelectorAll("#request-form [data-upload-queue] .upload-item")];
		return items.length === 2 && items.every(li => li.querySelector("progress"))
			&& items[0].textContent.includes("homepage.png") && items[1].textContent.includes("brief.pdf");
	})()`, true)
	contact.screenshot("flow-01-new-request-" + w)
	contact.recordBars("#request-form [data-upload-queue]")
	contact.throttleUploads(true)
	contact.do("send the request", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the request's page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.innerText.includes(`+js(subject)+`)`, true)
	contact.throttleUploads(false)
	contact.barsFilled("the request's files", 1)
	portalCase := contact.path()
	contact.atPath("the answer is shown", portalCase, ".request-details", "https://rio.test/")
	contact.atPath("the message and its files", portalCase, ".thread", "homepage.png")
	contact.atPath("the second file too", portalCase, ".thread", "brief.pdf")
	contact.noConsoleErrors("open a request")

	// It arrives in the inbox and its count, without a reload.
	staff.waitFor("the request arrives in the inbox", `document.querySelector("#inbox-lists").textContent.includes(`+js(subject)+`)
		&& !!document.querySelector("#inbox-count .count-badge")`, true)
	staff.waitFor("the inbox was not reloaded", `window.liveMark === "unchanged"`, true)
	staff.screenshot("flow-02-inbox-" + w)
	staff.noConsoleErrors("the inbox")

	// Staff open it; the contact's open page hears that it was seen.
	contact.waitFor("the portal page's stream is open", liveIdle, true)
	contact.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	// Followed by its address: a live update may swap the list under a click.
	href, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](`document.querySelector('#inbox-lists a[href*="/cases/"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	staff.do("open the request", chromedp.Navigate(staff.base+href))
	staff.waitFor("the case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := staff.path()
	staff.atPath("the client's message", casePath, ".thread", "Please replace the banner.")
	staff.atPath("the thumbnail", casePath, ".thread img", "")
	staff.atPath("the second file", casePath, ".thread", "brief.pdf")
	contact.waitFor("the portal hears staff saw the request", `document.querySelector(".thread").textContent.includes("Seen by the agency")`, true)

	// Staff reply; the reply arrives in the open portal page, and staff's
	// open page hears that the client saw it.
	staff.waitFor("the case page's stream is open", liveIdle, true)
	staff.do("mark the case page", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	reply := "On it, ready tomorrow."
	staff.do("write the reply", staff.fillText("f-reply", reply))
	staff.do("send the reply", staff.click("form.reply-form button[type=submit]"))
	staff.atPath("reply sent", casePath, ".thread", reply)
	contact.waitFor("the reply arrives in the portal", `document.querySelector(".thread").textContent.includes(`+js(reply)+`)`, true)
	contact.waitFor("the portal page was not reloaded", `window.liveMark === "unchanged"`, true)
	contact.screenshot("flow-03-portal-reply-" + w)
	staff.waitFor("staff hear the client saw the reply", `document.querySelector(".thread").textContent.includes("Seen by the client")`, true)
	staff.screenshot("flow-04-staff-thread-" + w)
	staff.noConsoleErrors("reply and seen", `#timer-here`)
	contact.noConsoleErrors("reply and seen")

	// Staff ask for a document.
	staff.do("open the ask form", staff.click("#docrequests summary"))
	staff.do("fill it", staff.fill("d-name", "Passport copy"), staff.fill("d-note", "Both pages, please"))
	staff.do("ask", staff.click("#docreq-form button[type=submit]"))
	staff.atPath("asked", casePath, "#docrequests", "Passport copy")
	staff.noConsoleErrors("ask for a document")

	// Staff stay on the case page, typing an internal note and a second
	// document to ask for, while the client sends the first.
	staff.waitFor("the case page's stream is open again", liveIdle, true)
	staff.do("mark the case page before the client sends", chromedp.Evaluate[chromedp.Void](`window.liveMark = "unchanged"`))
	note, second := "Half-written internal note", "Typed while the client sends"
	staff.do("type an internal note", staff.fillText("f-body", note))
	staff.do("open the ask form again", staff.click("#docrequests > details > summary"))
	staff.do("type a second document's note", staff.fill("d-name", "Signed brief"), staff.fillText("d-note", second))

	// The contact sees it on the portal home and sends it from the
	// case's checklist.
	contact.do("open the portal home", chromedp.Navigate(contact.base+agencyPath+"/portal"))
	contact.atPath("things to send", agencyPath+"/portal", "#to-send", "1 thing to send")
	contact.screenshot("flow-05-home-to-send-" + w)
	contact.do("open the item", contact.click(`#to-send a`))
	contact.waitFor("the checklist", `location.pathname === `+js(portalCase)+` && document.readyState === "complete"
		&& !!document.querySelector("#docrequests .docreq-upload")`, true)
	passport := filepath.Join(dir, "passport.pdf")
	mustWrite(t, passport, filestest.PDF(1, 500))
	contact.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#docrequests .docreq-upload input[type=file]"), []string{passport}))
	contact.do("send it", contact.click("#docrequests .docreq-upload button[type=submit]"))
	contact.atPath("sent", portalCase, "#docrequests", "Sent, being checked")
	contact.screenshot("flow-06-checklist-sent-" + w)
	contact.noConsoleErrors("send a document")
	contact.waitFor("the portal page's stream is open again", liveIdle, true)
	contact.do("mark the page after sending", chromedp.Evaluate[chromedp.Void](`window.liveMark = "sent"`))

	// The staff page's checklist shows the file without a reload, and what
	// staff were typing is still there.
	staff.waitFor("the file arrives in the staff checklist", `document.querySelector("#docreq-checklist").textContent.includes("passport.pdf")
		&& document.querySelector("#docreq-pending").textContent.includes("1 to check")
		&& !!document.querySelector('#docreq-checklist form[action$="/accept"]')`, true)
	staff.waitFor("the case page was not reloaded", `window.liveMark === "unchanged"`, true)
	staff.waitFor("the typed note survived the live update", `document.getElementById("f-body").value === `+js(note), true)
	staff.waitFor("the ask form is still open, as typed", `document.querySelector("#docrequests > details").open
		&& document.getElementById("d-name").value === "Signed brief" && document.getElementById("d-note").value === `+js(second), true)
	staff.screenshot("flow-07a-checklist-live-" + w)
	staff.waitFor("the live update has settled", liveIdle, true)
	staff.noConsoleErrors("the checklist's live update", `#timer-here`)

	// Staff accept it; the portal says so.
	staff.do("accept", staff.click(`#docrequests form[action$="/accept"] button`))
	staff.atPath("accepted", casePath, "#docrequests", "Accepted")
	staff.screenshot("flow-07-accepted-" + w)
	staff.noConsoleErrors("accept a document", `#timer-here`)
	contact.waitFor("accepted on the portal, without a reload", `document.querySelector("#docrequests").textContent.includes("Accepted")
		&& window.liveMark === "sent"`, true)
	contact.waitFor("the portal's live update has settled", liveIdle, true)
	contact.noConsoleErrors("accepted")

	// Staff's drop zone: a file on the case, its bar filling as it goes up.
	plan := filepath.Join(dir, "site-plan.pdf")
	mustWrite(t, plan, filestest.PDF(3, uploadBytes))
	staff.recordBars("#documents [data-upload-queue]")
	staff.throttleUploads(true)
	staff.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#documents form[data-doc-upload] input[type=file]"), []string{plan}))
	staff.waitFor("the file is uploaded", `!!document.querySelector("#documents [data-upload-queue] .upload-item.up-done")`, true)
	staff.throttleUploads(false)
	staff.barsFilled("the staff upload", 0)
	staff.atPath("the file in the case's list", casePath, "#case-documents-list", "site-plan.pdf")
	staff.noConsoleErrors("upload on the case", `#timer-here`)
}

// liveIdle is true once the page's stream is open and the catch-up fetch
// its opening fires (live.js) has come back: a step that leaves the page
// sooner aborts that fetch, which htmx reports as a console error.
const liveIdle = `document.body.getAttribute("data-live-state") === "open" && !document.querySelector(".htmx-request")`

// uploadBytes pads the files whose progress is watched: at
// uploadThroughput bytes a second they take about two seconds to go up.
const (
	uploadBytes      = 2 << 20
	uploadThroughput = 1 << 20
)

func mustWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// throttleUploads limits (or frees again) the tab's upload speed to
// uploadThroughput, so that an upload's progress events come while it
// goes up rather than all at its end.
func (s *story) throttleUploads(on bool) {
	s.t.Helper()
	up := float64(-1)
	if on {
		up = uploadThroughput
	}
	if _, err := chromedp.Call(s.ctx, network.Enable, network.EnableParams{}); err != nil {
		s.t.Fatalf("network domain (%s): %v", s.vp.name, err)
	}
	if _, err := chromedp.Call(s.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: up}}}); err != nil {
		s.t.Fatalf("throttle uploads (%s): %v", s.vp.name, err)
	}
}

// recordBars writes down, into the tab's sessionStorage (which outlives
// the page a successful request navigates away from), every value each
// progress bar under queue takes, in order: bar i's values are
// e2eBars[i].
func (s *story) recordBars(queue string) {
	s.do("record the progress bars", chromedp.Evaluate[chromedp.Void](`(() => {
		const queue = document.querySelector(`+js(queue)+`);
		const log = [];
		const note = () => {
			queue.querySelectorAll("progress").forEach((b, i) => {
				const l = log[i] || (log[i] = []);
				const v = Number(b.value);
				if (l[l.length - 1] !== v) l.push(v);
			});
			sessionStorage.setItem("e2eBars", JSON.stringify(log));
		};
		new MutationObserver(note).observe(queue, {subtree: true, childList: true, attributes: true, attributeFilter: ["value"]});
		note();
	})()`))
}

// barsFilled fails unless bar i, as recordBars saw it, rose through at
// least two values between empty and full, never fell, and ended full:
// it followed the upload's progress, not only its end.
func (s *story) barsFilled(what string, i int) {
	s.t.Helper()
	raw, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`sessionStorage.getItem("e2eBars") || "[]"`))
	if err != nil {
		s.t.Fatalf("%s (%s): read the bars: %v", what, s.vp.name, err)
	}
	var bars [][]float64
	if err := json.Unmarshal([]byte(raw), &bars); err != nil {
		s.t.Fatalf("%s (%s): %v in %s", what, s.vp.name, err, raw)
	}
	if i >= len(bars) {
		s.t.Fatalf("%s (%s): bar %d never seen: %s", what, s.vp.name, i, raw)
	}
	between := 0
	for j, v := range bars[i] {
		if j > 0 && v < bars[i][j-1] {
			s.t.Errorf("%s (%s): bar %d went back from %v to %v: %v", what, s.vp.name, i, bars[i][j-1], v, bars[i])
		}
		if v > 0 && v < 100 {
			between++
		}
	}
	if between < 2 || bars[i][len(bars[i])-1] != 100 {
		s.t.Errorf("%s (%s): bar %d took %v: want it to rise through at least two values between 0 and 100 and end at 100", what, s.vp.name, i, bars[i])
	}
	s.t.Logf("%s (%s): bar %d took %v", what, s.vp.name, i, bars[i])
}
