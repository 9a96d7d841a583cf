package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// TestPortalInLithuanianBrowser is a Lithuanian contact's visit to the
// portal in Chromium at 375 px: staff of a Vilnius agency (time zone set
// on the settings page) issue an invoice of 1 911,50 € and invite the
// contact, who chooses Lietuvių on their account page; the portal's home,
// invoices, invoice and case pages are then in Lithuanian, money reads
// "1 911,50 €" and the case's times are in the agency's zone, named (EET).
// Screenshots go to e2e/artifacts/portal-lt-*.
//
//	go test ./e2e -run '^TestPortalInLithuanianBrowser$' -count=1 -v
func TestPortalInLithuanianBrowser(t *testing.T) {
	execPath := requireChromium(t)
	smtp := mailtest.Start(t)
	base := startServer(t, "-smtp-url", smtp.URL())
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	phone := viewports[len(viewports)-1]
	if phone.width != 375 {
		t.Fatalf("the last viewport is %d px wide, want the 375 px phone", phone.width)
	}
	staff := newStory(t, browser, base, artifacts, viewports[0])
	contact := newStory(t, browser, base, artifacts, phone)
	slug := fmt.Sprintf("lt-portal-%d", time.Now().UnixNano()%1_000_000)
	agencyPath := "/a/" + slug
	contactEmail := "ruta-" + slug + "@example.test"

	// Staff: sign up, put the agency in Vilnius, a client with a case, an invoice.
	staff.signUp(slug, "Vilniaus biuras", "Jonas Jonaitis")
	staff.do("open the settings", chromedp.Navigate(staff.base+agencyPath+"/settings"))
	staff.do("choose Vilnius", staff.fill("time_zone", "Europe/Vilnius"))
	staff.do("save the settings", staff.click(`form[action$="/settings"] button[type=submit]`))
	staff.waitFor("settings saved", `document.readyState === "complete" && document.querySelector("#time_zone").value === "Europe/Vilnius"`, true)

	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "UAB Azuolas"), staff.fillText("f-emails", contactEmail))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("UAB Azuolas")`, true)
	clientPath := staff.path()
	staff.do("open the new case form", staff.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	staff.waitFor("the client is chosen", `!!document.querySelector("#f-client_id") && document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("UAB Azuolas")`, true)
	staff.do("fill the case form", staff.fill("f-title", "Nuomos sutartis"))
	staff.do("open the case", staff.click(".case-form button[type=submit]"))
	staff.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)

	staff.do("open the invoice editor", chromedp.Navigate(staff.base+agencyPath+"/invoices/new"))
	staff.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-client_id");
		sel.value = [...sel.options].find(o => o.textContent.includes("UAB Azuolas")).value;
	})()`))
	first := func(name, value string) chromedp.Action[chromedp.Void] {
		css := `#invoice-lines fieldset:nth-of-type(1) input[name="` + name + `"]`
		return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), value))
	}
	staff.do("fill the line", first("line_description", "Sutarties perziura"), first("line_quantity", "1"), first("line_price", "1911.50"), first("line_vat", "0"))
	staff.do("save the draft", staff.click(".invoice-form button[type=submit]"))
	staff.waitFor("draft page", `/^\/a\/[^/]+\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.body.innerText.includes("1,911.50 EUR")`, true)
	invoicePath := staff.path()
	staff.do("issue it", staff.click("#invoice-issue"))
	staff.waitFor("the issue question", `(() => { const d = document.querySelector("dialog.confirm-dialog"); return !!d && d.open })()`, true)
	staff.do("confirm issuing", staff.click("dialog.confirm-dialog .confirm-actions button[type=submit]"))
	staff.atPath("issued invoice", invoicePath, "h1", "INV-")

	staff.do("open the portal tab", chromedp.Navigate(staff.base+clientPath+"?tab=portal"))
	staff.do("type the contact's email", staff.fill("f-email", contactEmail))
	staff.do("send the invitation", staff.click(`#client-tabs form button[type=submit]`))
	staff.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")

	// The contact accepts, then chooses Lithuanian on their account page.
	mail := smtp.WaitFor(t, contactEmail, 10*time.Second)
	link := inviteLink.FindString(mail.Body)
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", mail.Body)
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.do("fill the invitation form", contact.fill("f-name", "Ruta Kuke"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.waitFor("portal home", `location.pathname === `+js(agencyPath+"/portal")+` && document.readyState === "complete"`, true)
	contact.do("open the account page", chromedp.Navigate(contact.base+agencyPath+"/account"))
	contact.do("choose Lietuvių", chromedp.SetValue(chromedp.ID("language"), "lt"))
	contact.do("save the language", contact.click(`#account-language button[type=submit]`))
	contact.waitFor("the account page in Lithuanian", `document.documentElement.lang === "lt" || document.body.innerText.includes("Kalba")`, true)

	contact.do("open the portal", chromedp.Navigate(contact.base+agencyPath+"/portal"))
	contact.atPath("Lithuanian greeting", agencyPath+"/portal", "h1", "Sveiki, Ruta Kuke")
	contact.atPath("invoices to pay", agencyPath+"/portal", ".unpaid", "Apmokėtinos sąskaitos")
	contact.atPath("the amount in Lithuanian", agencyPath+"/portal", ".unpaid", "1\u00a0911,50\u00a0€")
	contact.screenshot("portal-lt-01-home")
	contact.noConsoleErrors("Lithuanian portal home")

	contact.do("open the invoices", chromedp.Navigate(contact.base+agencyPath+"/portal/invoices"))
	contact.atPath("invoices page", agencyPath+"/portal/invoices", "h1", "Sąskaitos")
	contact.atPath("the total", agencyPath+"/portal/invoices", "main", "1\u00a0911,50\u00a0€")
	contact.screenshot("portal-lt-02-invoices")
	contact.do("open the invoice", contact.click(`main a[href^="`+agencyPath+`/portal/invoices/"]`))
	contact.waitFor("invoice page", `/\/portal\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	contact.atPath("the invoice's total", contact.path(), "main", "1\u00a0911,50\u00a0€")
	contact.screenshot("portal-lt-03-invoice")

	contact.do("open the portal again", chromedp.Navigate(contact.base+agencyPath+"/portal"))
	contact.do("open the case", contact.click(`.portal-cases a[href^="`+agencyPath+`/portal/cases/"]`))
	contact.waitFor("case page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.innerText.includes("Nuomos sutartis")`, true)
	casePage := contact.bodyText()
	for _, want := range []string{"Pokalbis", "Dokumentai", "Istorija", "Siųsti"} {
		if !strings.Contains(casePage, want) {
			t.Errorf("the case page lacks %q:\n%s", want, casePage)
		}
	}
	if when := regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} EET`).FindString(casePage); when == "" {
		t.Errorf("no time in the agency's zone, named EET, on the case page:\n%s", casePage)
	}
	if !strings.Contains(casePage, "atidarė bylą") {
		t.Errorf("the case's history is not in Lithuanian:\n%s", casePage)
	}
	contact.screenshot("portal-lt-04-case")
	contact.noConsoleErrors("Lithuanian portal case")
}
