package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBilling walks an invoice's life in Chromium at desktop and phone
// width: a client with an email, a new invoice with two lines (the second
// added with htmx), issued with a number, its PDF downloaded (a PDF naming
// the number), and a partial bank transfer recorded. Screenshots go to
// e2e/artifacts/billing-*.
//
//	go test ./e2e -run TestBilling -v
func TestBilling(t *testing.T) {
	forEachWidth(t, "bill", (*story).billing)
}

func (s *story) billing(slug string) {
	agencyPath := "/a/" + slug
	s.signUp(slug, "Ledger Studio "+s.vp.name, "Lina Ledger")

	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Rūta Rivers"), s.fillText("f-emails", "ruta@example.test"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && document.body.innerText.includes("Rūta Rivers")`, true)

	// The invoices page, through the navigation.
	s.navTo(`header nav a[href="` + agencyPath + `/invoices"]`)
	s.atPath("invoice list", agencyPath+"/invoices", "h1", "Invoices")
	s.do("open the new invoice form", s.click(`a[href="`+agencyPath+`/invoices/new"]`))
	s.atPath("invoice editor", agencyPath+"/invoices/new", "h1", "New invoice")
	s.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-client_id");
		sel.value = [...sel.options].find(o => o.textContent.includes("Rūta Rivers")).value;
	})()`))
	line := func(n int, name string) string {
		return `#invoice-lines fieldset:nth-of-type(` + string(rune('0'+n)) + `) input[name="` + name + `"]`
	}
	setLine := func(n int, desc, qty, price, vat string) chromedp.Action[chromedp.Void] {
		steps := []chromedp.Action[chromedp.Void]{}
		for name, v := range map[string]string{"line_description": desc, "line_quantity": qty, "line_price": price, "line_vat": vat} {
			steps = append(steps, chromedp.WaitVisible(chromedp.CSS(line(n, name))), chromedp.Clear(chromedp.CSS(line(n, name))), chromedp.SendKeys(chromedp.CSS(line(n, name)), v))
		}
		return chromedp.Steps(steps...)
	}
	s.do("fill the first line", setLine(1, "Brand design", "1.5", "100", "21"))
	s.do("add a second line", s.click(`button[hx-get$="/invoices/line"]`))
	s.waitFor("the second line", `document.querySelectorAll("#invoice-lines fieldset").length === 2`, true)
	s.do("fill the second line", setLine(2, "Hosting", "1", "9.99", "9"))
	// The editor's totals follow the typing, by the server's rounding rule (issue 22 point 3).
	s.waitFor("the live totals", `document.querySelector("#invoice-totals").innerText.includes("192.39 EUR")`, true)
	s.screenshot("billing-01-editor")
	s.noConsoleErrors("invoice editor")
	s.do("save the draft", s.click(".invoice-form button[type=submit]"))
	s.waitFor("draft page", `/^\/a\/[^/]+\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.body.innerText.includes("192.39 EUR")`, true)
	invoicePath := s.path()

	s.do("issue it", s.click("#invoice-issue"))
	// Issuing asks first, in a dialog that says who will be emailed (issue 22 point 5).
	s.waitFor("the issue question", `(() => { const d = document.querySelector("dialog.confirm-dialog"); return !!d && d.open && d.innerText.includes("Issue this invoice to") })()`, true)
	s.screenshot("billing-01b-confirm-issue")
	s.do("confirm issuing", s.click("dialog.confirm-dialog .confirm-actions button[type=submit]"))
	s.atPath("issued invoice", invoicePath, "h1", "INV-")
	number, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent.trim()`))
	if err != nil || !strings.HasPrefix(number, "INV-") {
		s.t.Fatalf("number %q: %v", number, err)
	}
	s.screenshot("billing-02-issued")

	// The PDF, as the download link fetches it.
	pdf, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#invoice-pdf").href).then(async r =>
		r.headers.get("content-type") + "\n" + new TextDecoder("latin1").decode(await r.arrayBuffer()))`, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatal(err)
	}
	if !strings.HasPrefix(pdf, "application/pdf\n%PDF-") || !strings.Contains(pdf, number) {
		s.t.Fatalf("the download is not a PDF naming %s: %q", number, pdf[:min(80, len(pdf))])
	}

	// A partial bank transfer.
	s.do("type the amount", s.fill("f-amount", "100"))
	s.do("type the reference", s.fill("f-reference", "SEPA-42"))
	s.do("record the payment", s.click(`.payment-form button[type=submit]`))
	s.atPath("partially paid", invoicePath, "#invoice-status", "Partially paid")
	s.atPath("what is still owed", invoicePath, "#invoice-outstanding", "92.39 EUR")
	s.atPath("the payment's reference", invoicePath, "main", "SEPA-42")
	s.screenshot("billing-03-paid")
	s.noConsoleErrors("billing")

	// The other billing pages render, fit the screen and run no inline script.
	for _, pg := range []struct{ path, h1, shot string }{
		{agencyPath + "/invoices/reports", "Billing reports", "billing-04-reports"},
		{agencyPath + "/recurring/new", "New recurring invoice", "billing-05-recurring"},
		{agencyPath + "/settings/billing", "Billing settings", "billing-06-settings"},
	} {
		s.do("open "+pg.path, chromedp.Navigate(s.base+pg.path))
		s.atPath(pg.h1, pg.path, "h1", pg.h1)
		if pg.shot == "billing-04-reports" {
			s.atPath("outstanding by client", pg.path, "#outstanding", "92.39 EUR")
		}
		s.screenshot(pg.shot)
	}
	s.noConsoleErrors("billing pages")
}
