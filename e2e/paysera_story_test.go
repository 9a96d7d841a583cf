package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// TestPayseraStory is issue 22's browser story, at desktop and phone
// (375 px) width: an owner sets up Paysera with the stand-in's project,
// password and key and presses "Check Paysera" (a signed test request
// and a test callback verified on the server), issues an invoice after
// the confirmation that names who is emailed, and the client's contact
// pays it in the portal through the stand-in, whose callback is signed
// with its own key; the invoices page's money at a glance then counts
// the payment: this month's bar grows from nothing and the chart's table
// reads the amount. Screenshots go to e2e/artifacts/paysera-*.
//
//	CI=true go test ./e2e -run TestPayseraStory -v
func TestPayseraStory(t *testing.T) {
	execPath := requireChromium(t)
	smtp := mailtest.Start(t)
	pay, paySrv := newStandInPaysera(t)
	base := startServer(t, "-smtp-url", smtp.URL(), "-paysera-url", paySrv.URL+"/pay/")
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	for i, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			staff := newStory(t, browser, base, artifacts, vp)
			contact := newStory(t, browser, base, artifacts, vp)
			payseraStory(staff, contact, smtp, pay, fmt.Sprintf("pay-%d-%d", i, time.Now().UnixNano()%1_000_000))
		})
	}
}

// glanceJS reads the invoices page's chart: the last month's row of its
// table and the height of the last bar.
const glanceJS = `(() => {
	const rows = document.querySelectorAll(".money-glance .chart-table tbody tr");
	const bars = document.querySelectorAll(".money-glance svg rect.bar");
	const last = rows.length ? rows[rows.length - 1].querySelector("td").textContent.trim() : "";
	const h = bars.length ? parseFloat(bars[bars.length - 1].getAttribute("height")) : -1;
	return last + "|" + h;
})()`

func payseraStory(staff, contact *story, smtp *mailtest.Server, pay *standInPaysera, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	contactEmail := "paula-" + slug + "@example.test"
	settings := agencyPath + "/settings/billing"

	// Paysera's settings, then the check button.
	staff.signUp(slug, "Checkout Studio "+staff.vp.name, "Cleo Checkout")
	staff.do("open the billing settings", chromedp.Navigate(staff.base+settings))
	staff.atPath("billing settings", settings, "h1", "Billing settings")
	staff.do("fill Paysera's settings",
		staff.fill("f-paysera_project_id", standInProject),
		staff.fill("f-paysera_password", standInPassword),
		chromedp.SetValue(chromedp.ID("f-paysera_public_key"), pay.publicKeyPEM()),
	)
	staff.do("save them", staff.click(`form[action="`+settings+`"] button[type=submit]`))
	staff.atPath("settings saved", settings, ".flash", "saved")
	staff.do("check Paysera", staff.click(`form[action="`+settings+`/paysera-check"] button[type=submit]`))
	staff.atPath("the check passed", settings+"/paysera-check", "#paysera-check [role=status]", "Paysera is set up correctly")
	steps, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#paysera-check .check-steps li")].map(li => li.textContent.trim().slice(0, 1)).join("")`))
	if err != nil || steps != "✓✓✓✓" {
		t.Fatalf("the check's steps (%s) are %q, want four ticks: %v\n%s", staff.vp.name, steps, err, staff.bodyText())
	}
	staff.screenshot("paysera-01-checked")
	staff.noConsoleErrors("Paysera check")

	// A client with a contact who can sign in to the portal.
	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "Paula Payer"), staff.fillText("f-emails", contactEmail))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Paula Payer")`, true)
	clientPath := staff.path()
	staff.do("open the portal tab", chromedp.Navigate(staff.base+clientPath+"?tab=portal"))
	staff.atPath("portal tab", clientPath, "#client-tabs", "No one from this client can sign in yet.")
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
	contact.do("fill the invitation form", contact.fill("f-name", "Paula Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Paula Contact")

	// The chart before: nothing received this month.
	invoices := agencyPath + "/invoices"
	staff.do("open the invoices", chromedp.Navigate(staff.base+invoices))
	staff.atPath("invoices page", invoices, ".money-glance", "")
	before, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](glanceJS))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(before, "363.00") {
		t.Fatalf("the chart counts the payment before it is made (%s): %q", staff.vp.name, before)
	}

	// An invoice, issued after the confirmation.
	staff.do("open the invoice editor", chromedp.Navigate(staff.base+invoices+"/new"))
	staff.atPath("invoice editor", invoices+"/new", "h1", "New invoice")
	staff.chooseClient("Paula Payer")
	first := func(name, value string) chromedp.Action[chromedp.Void] {
		css := `#invoice-lines fieldset:nth-of-type(1) input[name="` + name + `"]`
		return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), value))
	}
	staff.do("fill the line", first("line_description", "Checkout design"), first("line_quantity", "2"), first("line_price", "150"), first("line_vat", "21"))
	staff.do("save the draft", staff.click(".invoice-form button[type=submit]"))
	staff.waitFor("draft page", `/^\/a\/[^/]+\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.body.innerText.includes("363.00 EUR")`, true)
	invoicePath := staff.path()
	staff.do("issue it", staff.click("#invoice-issue"))
	staff.waitFor("the issue question names the contact", `(() => { const d = document.querySelector("dialog.confirm-dialog");
		return !!d && d.open && d.innerText.includes("Issue this invoice to") && d.innerText.includes(`+js(contactEmail)+`) })()`, true)
	staff.screenshot("paysera-02-confirm-issue")
	staff.do("confirm issuing", staff.click("dialog.confirm-dialog .confirm-actions button[type=submit]"))
	staff.atPath("issued invoice", invoicePath, "h1", "INV-")
	staff.noConsoleErrors("issue")

	// The contact pays in the portal through the stand-in.
	contact.do("open the invoices", chromedp.Navigate(contact.base+agencyPath+"/portal/invoices"))
	contact.atPath("the invoice to pay", agencyPath+"/portal/invoices", "main", "363.00 EUR")
	contact.do("open the invoice", contact.click(`main a[href^="`+agencyPath+`/portal/invoices/"]`))
	contact.waitFor("portal invoice", `location.pathname.startsWith(`+js(agencyPath+"/portal/invoices/")+`) && document.readyState === "complete"`, true)
	portalInvoicePath := contact.path()
	contact.screenshot("paysera-03-portal-invoice")
	contact.do("pay online", contact.click(`form[action$="/pay"] button[type=submit]`))
	select {
	case <-pay.paid:
	case <-time.After(15 * time.Second):
		t.Fatalf("the stand-in Paysera was not paid; the page is at %s:\n%s", contact.location(), contact.bodyText())
	}
	contact.atPath("back from Paysera", agencyPath+"/payments/paysera/accept", "h1", "Thank you")
	contact.do("back to the invoice", contact.click(`a[href="`+portalInvoicePath+`"]`))
	contact.atPath("paid in the portal", portalInvoicePath, ".payments", "363.00 EUR")
	contact.screenshot("paysera-04-portal-paid")
	contact.noConsoleErrors("payment")

	// The chart moved: this month's bar and row count the payment.
	staff.do("open the invoices again", chromedp.Navigate(staff.base+invoices))
	staff.atPath("paid this month", invoices, ".money-glance .money-figures", "363.00 EUR")
	after, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string](glanceJS))
	if err != nil {
		t.Fatal(err)
	}
	row, height, _ := strings.Cut(after, "|")
	if !strings.Contains(row, "363.00 EUR") || height == "0" || height == "-1" || after == before {
		t.Fatalf("the chart (%s) after the payment: row and bar %q (before %q), want this month's row at 363.00 EUR and its bar drawn", staff.vp.name, after, before)
	}
	staff.screenshot("paysera-05-chart")
	staff.noConsoleErrors("chart")
	staff.do("open the invoice", chromedp.Navigate(staff.base+invoicePath))
	staff.atPath("paid for staff", invoicePath, "#invoice-status", "Paid")
}
