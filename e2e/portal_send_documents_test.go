package e2e

import (
	"encoding/base64"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
)

// TestPortalSendDocuments: the portal case page's Send documents form is
// the drop zone of the New request form and the reply box, at 1280 and
// 375 px. Two files chosen and one dropped on it each get a line and a
// progress bar; sent (the upload throttled), the bars fill as the bytes go
// up and the case lists the three files. With the page's script turned
// off the same form is a plain file input that posts and lists the file.
// Screenshots: e2e/artifacts/*-senddocs-*.
func TestPortalSendDocuments(t *testing.T) {
	staffAndContact(t, "senddocs", portalSendDocuments)
}

func portalSendDocuments(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	w := staff.vp.name
	staff.signUp(slug, "Paper Desk "+w, "Pia Desk")
	mustInviteContact(staff, contact, smtp, agencyPath, "Lune Ltd", "lune-"+slug+"@example.test")

	// The contact's case: a request of their own.
	contact.do("open the new request form", chromedp.Navigate(contact.base+agencyPath+"/portal/requests/new"))
	contact.do("fill the request", contact.fill("f-subject", "Lease papers "+w), contact.fillText("f-body", "The papers follow."))
	contact.do("send the request", contact.click("#request-form button[type=submit]"))
	contact.waitFor("the case page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& !!document.querySelector("#portal-upload [data-drop-zone] input[type=file]")`, true)
	portalCase := contact.path()
	contact.waitFor("the page's stream is open", liveIdle, true)

	// Two files chosen and one dropped: a line with a bar each.
	dir := t.TempDir()
	scan, photo := filepath.Join(dir, "lease-scan.pdf"), filepath.Join(dir, "floor-plan.png")
	mustWrite(t, scan, filestest.PDF(2, uploadBytes))
	mustWrite(t, photo, filestest.PNG(320, 200))
	contact.do("choose two files", chromedp.SetUploadFiles(chromedp.CSS("#portal-upload #f-file"), []string{scan, photo}))
	dropped := base64.StdEncoding.EncodeToString(filestest.PDF(1, 500))
	contact.do("drop a third on the zone", chromedp.Evaluate[chromedp.Void](`(() => {
		const bytes = Uint8Array.from(atob(`+js(dropped)+`), c => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "dropped-deed.pdf", {type: "application/pdf"}));
		const zone = document.querySelector("#portal-upload [data-drop-zone]");
		zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	contact.waitFor("a line with a progress bar per file", `(() => {
		const items = [...document.querySelectorAll("#portal-upload [data-upload-queue] .upload-item")];
		return items.length === 3 && items.every(li => li.querySelector("progress"))
			&& items[0].textContent.includes("lease-scan.pdf") && items[1].textContent.includes("floor-plan.png")
			&& items[2].textContent.includes("dropped-deed.pdf")
			&& document.querySelector("#portal-upload #f-file").files.length === 3;
	})()`, true)
	contact.screenshot("senddocs-01-chosen-" + w)
	contact.recordBars("#portal-upload [data-upload-queue]")
	contact.throttleUploads(true)
	contact.do("send the documents", contact.click("#portal-upload button[type=submit]"))
	contact.waitFor("the case lists the three files", `location.pathname === `+js(portalCase)+` && document.readyState === "complete"
		&& ["lease-scan.pdf", "floor-plan.png", "dropped-deed.pdf"].every(n => document.querySelector("#portal-docs").textContent.includes(n))`, true)
	contact.throttleUploads(false)
	contact.barsFilled("the first file's bar", 0)
	contact.atPath("the flash says so", portalCase, ".flash", "")
	contact.waitFor("the page's stream is open again", liveIdle, true)
	contact.screenshot("senddocs-02-sent-" + w)
	contact.noConsoleErrors("send documents")

	// Without script: a plain file input that posts the form.
	if _, err := chromedp.Call(contact.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn scripts off (%s): %v", w, err)
	}
	plain := filepath.Join(dir, "plain-letter.pdf")
	mustWrite(t, plain, filestest.PDF(1, 800))
	contact.do("open the case without script", chromedp.Navigate(contact.base+portalCase))
	contact.waitFor("the page without script", `document.readyState === "complete" && !document.body.hasAttribute("data-live-state")
		&& !!document.querySelector("#portal-upload #f-file")`, true)
	contact.do("choose a file without script", chromedp.SetUploadFiles(chromedp.CSS("#portal-upload #f-file"), []string{plain}))
	contact.do("send it without script", contact.click("#portal-upload button[type=submit]"))
	// The form was posted by the browser itself (the page ran no script);
	// scripts go back on for this test's reading of the answer.
	if _, err := chromedp.Call(contact.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatalf("turn scripts on (%s): %v", w, err)
	}
	contact.waitFor("listed after the plain post", `location.pathname === `+js(portalCase)+` && document.readyState === "complete"
		&& document.querySelector("#portal-docs").textContent.includes("plain-letter.pdf")
		&& document.querySelectorAll("#portal-upload [data-upload-queue] .upload-item").length === 0
		&& document.querySelector(".flash").textContent.includes("plain-letter.pdf")`, true)
	contact.screenshot("senddocs-03-without-script-" + w)
}
