package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// The catalogue story's tax preset and its legal note.
const reverseChargeNote = "Reverse charge: the buyer accounts for the VAT."

// TestCatalogue is picking lines from the catalogue in Chromium at desktop
// and phone width (issue 22 point 3): an owner adds a tax preset and two
// priced items (one with the preset, one at the default rate), then in
// the invoice editor picks both with the picker's button: each line comes
// filled from its item (text, one of it, price, the preset's rate and
// preset), a discount on a line and one on the total are typed, and the
// live totals, the saved draft and its tax note say what the server's
// rule makes of them. The quote editor picks the same items and its saved
// quote totals the same and prints the note. Screenshots go to
// e2e/artifacts/catalogue-*.
//
//	CI=true go test ./e2e -run TestCatalogue -v
func TestCatalogue(t *testing.T) {
	forEachWidth(t, "cat", (*story).catalogue)
}

func (s *story) catalogue(slug string) {
	agencyPath := "/a/" + slug
	s.signUp(slug, "Picker Studio "+s.vp.name, "Pia Picker")

	// Settings › Tax: the default rate and a reverse-charge preset.
	tax := agencyPath + "/settings/tax"
	s.do("open the tax settings", chromedp.Navigate(s.base+tax))
	s.atPath("tax settings", tax, "h1", "Tax")
	s.do("type the default rate", s.fill("f-default-vat", "21"))
	s.do("save it", s.click(`form[action="`+tax+`"] button[type=submit]`))
	s.atPath("default rate saved", tax, ".flash", "Default VAT rate saved.")
	s.do("fill the preset", s.fill("f-name", "Reverse charge"), s.fill("f-rate", "0"), s.fillText("f-note", reverseChargeNote))
	s.do("add the preset", s.click(`form[action="`+tax+`/presets"] button[type=submit]`))
	s.atPath("preset added", tax, ".flash", "Tax preset added.")

	// Settings › Catalogue: an item with the preset, one at the default rate.
	cat := agencyPath + "/settings/catalogue"
	s.do("open the catalogue", chromedp.Navigate(s.base+cat))
	s.atPath("catalogue", cat, "h1", "Catalogue")
	for _, item := range []struct{ name, text, price, preset string }{
		{"Logo", "Logo design, three proposals", "400", "Reverse charge"},
		{"Hosting", "", "10", ""},
	} {
		s.do("fill the item "+item.name, s.fill("f-name", item.name), s.fillText("f-description", item.text), s.fill("f-unit_price", item.price))
		if item.preset != "" {
			s.do("choose its preset", chromedp.Evaluate[chromedp.Void](`(() => {
				const sel = document.querySelector("#f-tax_preset");
				sel.value = [...sel.options].find(o => o.textContent.includes(`+js(item.preset)+`)).value;
			})()`))
		}
		s.do("add the item "+item.name, s.click(`form[action="`+cat+`"] button[type=submit]`))
		s.atPath("item "+item.name+" added", cat, ".catalogue-items", item.name)
	}
	s.screenshot("catalogue-01-items")
	s.noConsoleErrors("catalogue settings")

	s.do("open the new client form", chromedp.Navigate(s.base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Petra Picks"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new") && document.body.innerText.includes("Petra Picks")`, true)

	// The invoice editor.
	s.do("open the invoice editor", chromedp.Navigate(s.base+agencyPath+"/invoices/new"))
	s.atPath("invoice editor", agencyPath+"/invoices/new", "h1", "New invoice")
	s.chooseClient("Petra Picks")
	s.pickLines("#invoice-lines")
	// 400 less 10 % at 0 %, 10 at 21 %; 5 % off the total per rate:
	// 342.00 + 9.50 net, VAT 1.995 → 2.00, total 353.50; the 5 % took
	// 18.00 + 0.50.
	s.waitFor("the live totals", `(() => { const t = document.querySelector("#invoice-totals").innerText;
		return t.includes("353.50 EUR") && t.includes("18.50") && t.includes("2.00 EUR") })()`, true)
	s.screenshot("catalogue-02-invoice-editor")
	s.noConsoleErrors("invoice editor")
	s.do("save the draft", s.click(".invoice-form button[type=submit]"))
	s.waitFor("draft page", `/^\/a\/[^/]+\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	invoicePath := s.path()
	s.atPath("the draft's total", invoicePath, "main", "353.50 EUR")
	s.atPath("the picked line", invoicePath, "main", "Logo design, three proposals")
	s.atPath("the draft's tax note", invoicePath, ".tax-notes", reverseChargeNote)
	s.screenshot("catalogue-03-invoice")
	s.noConsoleErrors("invoice draft")

	// The quote editor picks the same way.
	s.do("open the quote editor", chromedp.Navigate(s.base+agencyPath+"/quotes/new"))
	s.waitFor("quote editor", `location.pathname === `+js(agencyPath+"/quotes/new")+` && document.readyState === "complete" && !!document.querySelector("#quote-lines")`, true)
	s.chooseClient("Petra Picks")
	s.pickLines("#quote-lines")
	s.screenshot("catalogue-04-quote-editor")
	s.do("save the quote", s.click(".invoice-form button[type=submit]"))
	s.waitFor("quote page", `/^\/a\/[^/]+\/quotes\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	quotePath := s.path()
	s.atPath("the quote's total", quotePath, "#quote-total", "353.50 EUR")
	s.atPath("the quote's tax note", quotePath, ".tax-notes", reverseChargeNote)
	s.screenshot("catalogue-05-quote")
	s.noConsoleErrors("quote")
}

// chooseClient chooses the client named name in the editor's client select.
func (s *story) chooseClient(name string) {
	s.t.Helper()
	s.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-client_id");
		sel.value = [...sel.options].find(o => o.textContent.includes(`+js(name)+`)).value;
	})()`))
}

// pickLines takes the editor's empty first line away, picks the Logo
// and the Hosting items with the catalogue picker's button, checks that
// each line is its item's, and types a 10 % discount on the first line
// and 5 % on the total.
func (s *story) pickLines(lines string) {
	s.t.Helper()
	fieldset := func(n int) string { return lines + ` fieldset:nth-of-type(` + strconv.Itoa(n) + `)` }
	s.do("remove the empty line", s.click(fieldset(1)+" .remove-line"))
	s.waitFor("no line", `document.querySelectorAll(`+js(lines+" fieldset")+`).length === 0`, true)
	for n, item := range []string{"Logo", "Hosting"} {
		s.do("choose "+item+" in the picker", chromedp.Evaluate[chromedp.Void](`(() => {
			const sel = document.querySelector("#f-catalogue_item");
			sel.value = [...sel.options].find(o => o.textContent.startsWith(`+js(item+" · ")+`)).value;
			sel.dispatchEvent(new Event("change", {bubbles: true}));
		})()`))
		s.do("add "+item, s.click(`.catalogue-pick button[hx-get]`))
		s.waitFor(item+"'s line", `document.querySelectorAll(`+js(lines+" fieldset")+`).length === `+strconv.Itoa(n+1), true)
	}
	// Each line is its item's: text, one of it, price, rate and preset.
	got, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+js(lines+" fieldset")+`)].map(f => {
		const v = n => f.querySelector("[name=" + n + "]").value;
		const tax = f.querySelector("select[name=line_tax]");
		return [v("line_description"), v("line_quantity"), v("line_price"), v("line_vat"), tax.selectedOptions[0].textContent.trim()].join(" | ");
	})`))
	if err != nil {
		s.t.Fatal(err)
	}
	want := []string{"Logo design, three proposals | 1 | 400.00 | 0 | Reverse charge (0 %)", "Hosting | 1 | 10.00 | 21 | "}
	if len(got) != 2 || got[0] != want[0] || len(got[1]) < len(want[1]) || got[1][:len(want[1])] != want[1] {
		s.t.Fatalf("picked lines (%s):\n  %q\nwant them to start\n  %q", s.vp.name, got, want)
	}
	if lines == "#invoice-lines" {
		// The live totals follow lines added and taken away, before any typing.
		totals := func(what, total string) {
			s.waitFor(what, `document.querySelector("#invoice-totals").innerText.includes(`+js(total)+`)`, true)
		}
		totals("the picked lines' totals", "412.10 EUR")
		s.do("remove the Hosting line", s.click(fieldset(2)+" .remove-line"))
		totals("the totals without it", "400.00 EUR")
		s.do("add Hosting again", s.click(`.catalogue-pick button[hx-get]`))
		totals("the totals with it again", "412.10 EUR")
	}
	discount := fieldset(1) + ` input[name="line_discount"]`
	s.do("a 10 % discount on the first line", chromedp.Clear(chromedp.CSS(discount)), chromedp.SendKeys(chromedp.CSS(discount), "10"))
	s.do("5 % off the total", s.fill("f-discount", "5"))
}
