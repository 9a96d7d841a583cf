package e2e

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"mintedmind/mail/mailtest"
)

// TestQuoteStory (issue 18), at 1280 and 375 px: staff send a quote with
// an optional line and a deposit whose invoice acceptance issues; the
// contact ticks the optional line (the total follows), asks a question,
// staff answer; the contact asks for the signing code, draws a signature
// and accepts with the code from the in-process SMTP server; the deposit
// invoice is on both sides, and the signed PDF renders (pdftoppm) with
// the signature on it.
func TestQuoteStory(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	staffAndContact(t, "quote", quoteStory)
}

var signingCode = regexp.MustCompile(`(?m)^(\d{6})\r?$`)

func quoteStory(staff, contact *story, smtp *mailtest.Server, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	contactEmail := "quinn-" + slug + "@example.test"
	staff.signUp(slug, "Quill Studio", "Quentin Quill")
	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "Quinn Client"), staff.fillText("f-emails", contactEmail))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Quinn Client")`, true)
	clientPath := staff.path()
	clientID := clientPath[strings.LastIndex(clientPath, "/")+1:]
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
	contact.do("fill the invitation form", contact.fill("f-name", "Quinn Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Quinn Contact")

	// Staff draft and send the quote: a line, an optional one, a 30 % deposit issued on acceptance.
	staff.do("open the quote editor", chromedp.Navigate(staff.base+agencyPath+"/quotes/new?client="+clientID))
	staff.waitFor("quote editor", `!!document.querySelector("#quote-lines fieldset")`, true)
	line := func(n int, name string) string {
		return `#quote-lines fieldset:nth-of-type(` + string(rune('0'+n)) + `) [name="` + name + `"]`
	}
	setLine := func(n int, desc, qty, price, vat string) chromedp.Action[chromedp.Void] {
		steps := []chromedp.Action[chromedp.Void]{}
		for name, v := range map[string]string{"line_description": desc, "line_quantity": qty, "line_price": price, "line_vat": vat} {
			steps = append(steps, chromedp.WaitVisible(chromedp.CSS(line(n, name))), chromedp.Clear(chromedp.CSS(line(n, name))), chromedp.SendKeys(chromedp.CSS(line(n, name)), v))
		}
		return chromedp.Steps(steps...)
	}
	staff.do("choose the client", chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-client_id").value = `+js(clientID)))
	staff.do("fill the first line", setLine(1, "Website", "1", "1000", "21"))
	staff.do("add a second line", staff.click(`button[hx-get$="/quotes/line"]`))
	staff.waitFor("the second line", `document.querySelectorAll("#quote-lines fieldset").length === 2`, true)
	staff.do("fill the second line", setLine(2, "Care plan", "1", "100", "21"))
	staff.do("make it optional", chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(line(2, "line_optional"))+`).value = "1"`))
	staff.do("ask a deposit", chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-deposit_kind").value = "percent"`), staff.fill("f-deposit_value", "30"))
	staff.do("issue the deposit invoice on acceptance", staff.click("#f-start_deposit"))
	staff.screenshot("quote-01-editor")
	staff.do("save the draft", staff.click(".invoice-form button[type=submit]"))
	staff.waitFor("draft page", `/^\/a\/[^/]+\/quotes\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	quotePath := staff.path()
	quoteID := quotePath[strings.LastIndex(quotePath, "/")+1:]
	staff.do("send it", staff.click(`form[action$="/send"] button[type=submit]`))
	staff.waitFor("sent", `location.pathname === `+js(quotePath)+` && document.body.innerText.includes("Q-")`, true)
	staff.noConsoleErrors("send a quote")

	// The contact ticks the optional line and asks a question.
	portalQuote := agencyPath + "/portal/quotes/" + quoteID
	contact.do("open the quotes", chromedp.Navigate(contact.base+agencyPath+"/portal/quotes"))
	contact.do("open the quote", contact.click(`a[href="`+portalQuote+`"]`))
	contact.atPath("the quote", portalQuote, "#quote-choice", "1,210.00")
	contact.do("tick the optional line", contact.click("#chosen-1"))
	contact.waitFor("the total follows", `document.querySelector("#quote-choice").innerText.includes("1,331.00")`, true)
	contact.screenshot("quote-02-ticked")
	contact.do("type a question", contact.fillText("f-body", "Does the care plan include backups?"))
	contact.do("ask it", contact.click(`form[action$="/questions"] button[type=submit]`))
	contact.atPath("asked", portalQuote, "#questions", "include backups")

	staff.do("reload the quote", chromedp.Navigate(staff.base+quotePath))
	staff.waitFor("the question", `document.querySelector("#questions").innerText.includes("include backups")`, true)
	staff.do("type the answer", staff.fillText("f-body", "Yes, daily backups."))
	staff.do("answer", staff.click(`form[action$="/answers"] button[type=submit]`))
	staff.waitFor("answered", `document.querySelector("#questions") && document.querySelector("#questions").innerText.includes("daily backups")`, true)

	// The contact asks for the code, draws the signature and accepts.
	contact.do("reload the quote", chromedp.Navigate(contact.base+portalQuote))
	contact.atPath("the answer", portalQuote, "#questions", "daily backups")
	contact.do("ask for the code", contact.click(`button[formaction$="/code"]`))
	contact.atPath("code sent", portalQuote, ".flash", contactEmail)
	code := ""
	for deadline := time.Now().Add(20 * time.Second); code == "" && time.Now().Before(deadline); {
		if m := signingCode.FindStringSubmatch(smtp.WaitFor(t, contactEmail, 10*time.Second).Body); m != nil {
			code = m[1]
		}
	}
	if code == "" {
		t.Fatal("no signing code was emailed")
	}
	contact.waitFor("the canvas", `(() => { const c = document.querySelector("canvas.signature-pad"); if (!c || c.closest("[hidden]")) return false;
		c.scrollIntoView({block: "center"}); return true; })()`, true)
	rect, err := chromedp.Run(contact.ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector("canvas.signature-pad").getBoundingClientRect();
		return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	x, y, w, h := rect[0], rect[1], rect[2], rect[3]
	strokes := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x+w*0.1, y+h*0.5, chromedp.ButtonLeft)}
	for i := 1; i <= 20; i++ {
		f := float64(i) / 20
		strokes = append(strokes, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+w*(0.1+0.8*f), y+h*(0.5+0.3*(f-0.5)*float64(1-2*(i%2))), chromedp.ButtonLeft))
	}
	strokes = append(strokes, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x+w*0.9, y+h*0.5, chromedp.ButtonLeft))
	contact.do("draw the signature", strokes...)
	contact.waitFor("the drawing is kept", `document.querySelector('input[name="signature_png"]').value.startsWith("data:image/png;base64,")
		&& document.querySelector("#f-sig-drawn").checked`, true)
	contact.do("agree to the terms", contact.click("#f-agree"))
	contact.do("type the code", contact.fill("f-code", code))
	contact.screenshot("quote-03-signing")
	contact.do("accept", contact.click(`form[action$="/accept"] button[type=submit]:not([formaction])`))
	contact.atPath("accepted", portalQuote, ".flash", "accepted")
	contact.waitFor("the deposit invoice is linked", `!!document.querySelector('a[href^="`+agencyPath+`/portal/invoices/"]')`, true)
	contact.screenshot("quote-04-accepted")
	contact.noConsoleErrors("accept a quote")

	// The deposit invoice, 30 % of 1,331.00, on both sides.
	contact.do("open the portal invoices", chromedp.Navigate(contact.base+agencyPath+"/portal/invoices"))
	contact.waitFor("the deposit in the portal", `document.body.innerText.includes("399.30")`, true)
	staff.do("open the invoices", chromedp.Navigate(staff.base+agencyPath+"/invoices"))
	staff.waitFor("the deposit on the staff list", `document.body.innerText.includes("399.30")`, true)
	staff.screenshot("quote-05-invoices")

	// The signed PDF, fetched by the contact's browser, renders with the signature.
	b64, err := chromedp.Run(contact.ctx, chromedp.Evaluate[string](`fetch(`+js(portalQuote+"/signed")+`).then(r => r.arrayBuffer()).then(b => {
		let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the signed PDF: %v (%d bytes)", err, len(pdf))
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Fatal("the signed PDF has no signature image")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "40", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) < 2 {
		t.Fatalf("the signed PDF rendered %d pages, want the quote and the attestation", len(pages))
	}
	last, err := os.ReadFile(pages[len(pages)-1])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(last))
	if err != nil {
		t.Fatal(err)
	}
	dark := 0
	for py := img.Bounds().Min.Y; py < img.Bounds().Max.Y; py++ {
		for px := img.Bounds().Min.X; px < img.Bounds().Max.X; px++ {
			if r, g, b, _ := img.At(px, py).RGBA(); r+g+b < 3*0x4000 {
				dark++
			}
		}
	}
	if dark == 0 {
		t.Fatal("the attestation page renders blank")
	}
	_ = os.WriteFile(filepath.Join(mustArtifactsDir(t), "quote-06-signed-"+staff.vp.name+".png"), last, 0o644)
}
