package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/auth"
	"mintedmind/files/filestest"
	"mintedmind/mail/mailtest"
	"mintedmind/paysera"
)

// The stand-in Paysera's project and sign password, set in the agency's
// billing settings by the story.
const (
	standInProject  = "555"
	standInPassword = "stand-in sign password"
)

// standInPaysera is a payment page like Paysera's for the test: it checks
// the request's signature, reports the payment to the agency's callback
// address signed with its own key (ss1, ss2 and ss3, as Paysera does), and
// sends the payer back to the accept address.
type standInPaysera struct {
	t     *testing.T
	key   *rsa.PrivateKey
	paid  chan string // order ids reported and answered OK
	calls int
}

func newStandInPaysera(t *testing.T) (*standInPaysera, *httptest.Server) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &standInPaysera{t: t, key: key, paid: make(chan string, 4)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

// publicKeyPEM is what the agency pastes into its billing settings.
func (p *standInPaysera) publicKeyPEM() string {
	der, _ := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func (p *standInPaysera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, sign := r.URL.Query().Get("data"), r.URL.Query().Get("sign")
	if !paysera.CheckSign(data, sign, standInPassword) {
		http.Error(w, "bad sign", http.StatusBadRequest)
		return
	}
	raw, err := paysera.Decode(data)
	if err != nil {
		http.Error(w, "bad data", http.StatusBadRequest)
		return
	}
	req, _ := url.ParseQuery(string(raw))
	p.calls++
	q, err := paysera.SignCallback(url.Values{"projectid": {req.Get("projectid")}, "orderid": {req.Get("orderid")},
		"requestid": {fmt.Sprintf("standin-%d", p.calls)}, "status": {"1"}, "amount": {req.Get("amount")}, "currency": {req.Get("currency")},
		"test": {req.Get("test")}, "payamount": {req.Get("amount")}, "paycurrency": {req.Get("currency")}}, standInPassword, p.key, true)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	res, err := http.Get(req.Get("callbackurl") + "?" + q.Encode())
	if err != nil {
		http.Error(w, "callback: "+err.Error(), http.StatusBadGateway)
		return
	}
	var body strings.Builder
	buf := make([]byte, 64)
	n, _ := res.Body.Read(buf)
	body.Write(buf[:n])
	res.Body.Close()
	if body.String() != "OK" {
		http.Error(w, "the callback answered "+body.String(), http.StatusBadGateway)
		return
	}
	p.paid <- req.Get("orderid")
	http.Redirect(w, r, req.Get("accepturl"), http.StatusFound)
}

// TestPortal is the client portal's whole story in Chromium, at desktop and
// at phone width, with a real SMTP server and a stand-in Paysera: staff
// invite a client's contact → the contact sets a password → sees the case →
// sends a message and uploads a document → staff see both → staff issue an
// invoice → the contact pays it through the stand-in, which signs its
// callback with a test key → the invoice shows paid on both sides.
// Screenshots go to e2e/artifacts/portal-*.
//
//	go test ./e2e -run TestPortal -v
func TestPortal(t *testing.T) {
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
			portalStory(staff, contact, smtp, pay, fmt.Sprintf("portal-%d-%d", i, time.Now().UnixNano()%1_000_000))
		})
	}
}

var inviteLink = regexp.MustCompile(`https?://\S+/invite/\S+`)

func portalStory(staff, contact *story, smtp *mailtest.Server, pay *standInPaysera, slug string) {
	t := staff.t
	agencyPath := "/a/" + slug
	contactEmail := "cora-" + slug + "@example.test"
	message := "Here is the signed form, thanks " + contact.vp.name

	// Staff: sign up, set up Paysera with the stand-in's key, a client with a case.
	staff.signUp(slug, "Harbour Legal "+staff.vp.name, "Hana Harbour")
	staff.do("open the billing settings", chromedp.Navigate(staff.base+agencyPath+"/settings/billing"))
	staff.atPath("billing settings", agencyPath+"/settings/billing", "h1", "Billing settings")
	staff.do("fill Paysera's settings",
		staff.fill("f-paysera_project_id", standInProject),
		staff.fill("f-paysera_password", standInPassword),
		chromedp.SetValue(chromedp.ID("f-paysera_public_key"), pay.publicKeyPEM()),
	)
	staff.do("save them", staff.click(`form[action$="/settings/billing"] button[type=submit]`))
	staff.atPath("settings saved", agencyPath+"/settings/billing", ".flash", "saved")

	staff.do("open the new client form", chromedp.Navigate(staff.base+agencyPath+"/clients/new"))
	staff.do("fill the client form", staff.fill("f-name", "Cora Client"), staff.fillText("f-emails", contactEmail))
	staff.do("add the client", staff.click("#client-form button[type=submit]"))
	staff.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new")
		&& document.readyState === "complete" && document.body.innerText.includes("Cora Client")`, true)
	clientPath := staff.path()
	staff.do("open the new case form", staff.click(`a[href^="`+agencyPath+`/cases/new?client="]`))
	staff.atPath("new case form", agencyPath+"/cases/new", "h1", "New case")
	staff.waitFor("the client is chosen", `document.querySelector("#f-client_id").selectedOptions[0].textContent.includes("Cora Client")`, true)
	staff.do("fill the case form", staff.fill("f-title", "Lease review"))
	staff.do("open the case", staff.click(".case-form button[type=submit]"))
	staff.waitFor("case page", `/^\/a\/[^/]+\/cases\/[0-9a-f-]{36}$/.test(location.pathname) && document.readyState === "complete"`, true)
	casePath := staff.path()

	// Staff invite the contact from the client's Portal tab.
	staff.do("open the portal tab", chromedp.Navigate(staff.base+clientPath+"?tab=portal"))
	staff.atPath("portal tab", clientPath, "#client-tabs", "No one from this client can sign in yet.")
	staff.do("type the contact's email", staff.fill("f-email", contactEmail))
	staff.do("send the invitation", staff.click(`#client-tabs form button[type=submit]`))
	staff.atPath("invitation sent", clientPath, ".flash", "Invitation to the portal sent")
	staff.screenshot("portal-01-invited")
	staff.noConsoleErrors("invite a contact")

	// The contact follows the emailed link and chooses a password.
	mail := smtp.WaitFor(t, contactEmail, 10*time.Second)
	link := inviteLink.FindString(mail.Body)
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", mail.Body)
	}
	contact.do("open the invitation", chromedp.Navigate(link))
	contact.waitFor("invitation page", `document.body.innerText.includes("client portal")`, true)
	contact.do("fill the invitation form", contact.fill("f-name", "Cora Contact"), contact.fill("f-password", password))
	contact.do("create the account", contact.click(`form[action*="/invite/"] button[type=submit]`))
	contact.atPath("portal home", agencyPath+"/portal", "h1", "Hello, Cora Contact")
	contact.atPath("the case is listed", agencyPath+"/portal", ".portal-cases", "Lease review")
	contact.screenshot("portal-02-home")
	contact.noConsoleErrors("portal home")

	// The contact opens the case, writes and uploads.
	contact.do("open the case", contact.click(`.portal-cases a[href^="`+agencyPath+`/portal/cases/"]`))
	contact.waitFor("portal case page", `location.pathname.startsWith(`+js(agencyPath+"/portal/cases/")+`) && document.readyState === "complete"
		&& document.body.innerText.includes("Lease review")`, true)
	portalCasePath := contact.path()
	contact.do("write a message", contact.fillText("f-reply", message))
	contact.do("send it", contact.click(`form.reply-form button[type=submit]`))
	contact.atPath("message sent", portalCasePath, ".thread", message)
	doc := filepath.Join(t.TempDir(), "Signed form.pdf")
	if err := os.WriteFile(doc, filestest.PDF(2, 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	contact.do("choose the document", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{doc}))
	contact.do("upload it", contact.click(`form[action$="/documents"] button[type=submit]`))
	contact.atPath("the document is listed", portalCasePath, ".portal-docs", "Signed form.pdf")
	contact.screenshot("portal-03-case")
	contact.noConsoleErrors("portal case")

	// Staff see both on the case.
	staff.do("open the case again", chromedp.Navigate(staff.base+casePath))
	staff.atPath("the client's message", casePath, "#timeline", message)
	staff.atPath("the client's document", casePath, "#documents", "Signed form.pdf")
	staff.screenshot("portal-04-staff-case")

	// Staff issue an invoice to the client.
	staff.do("open the invoice editor", chromedp.Navigate(staff.base+agencyPath+"/invoices/new"))
	staff.atPath("invoice editor", agencyPath+"/invoices/new", "h1", "New invoice")
	staff.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = document.querySelector("#f-client_id");
		sel.value = [...sel.options].find(o => o.textContent.includes("Cora Client")).value;
	})()`))
	first := func(name string) chromedp.Action[chromedp.Void] {
		css := `#invoice-lines fieldset:nth-of-type(1) input[name="` + name + `"]`
		value := map[string]string{"line_description": "Lease review", "line_quantity": "2", "line_price": "150", "line_vat": "21"}[name]
		return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), value))
	}
	staff.do("fill the line", first("line_description"), first("line_quantity"), first("line_price"), first("line_vat"))
	staff.do("save the draft", staff.click(".invoice-form button[type=submit]"))
	staff.waitFor("draft page", `/^\/a\/[^/]+\/invoices\/[0-9a-f-]{36}$/.test(location.pathname) && document.body.innerText.includes("363.00 EUR")`, true)
	invoicePath := staff.path()
	staff.do("issue it", staff.click("#invoice-issue"))
	staff.waitFor("the issue question", `(() => { const d = document.querySelector("dialog.confirm-dialog"); return !!d && d.open && d.innerText.includes("Issue this invoice to") })()`, true)
	staff.do("confirm issuing", staff.click("dialog.confirm-dialog .confirm-actions button[type=submit]"))
	staff.atPath("issued invoice", invoicePath, "h1", "INV-")

	// The contact pays it through the stand-in Paysera.
	contact.do("open the invoices", chromedp.Navigate(contact.base+agencyPath+"/portal/invoices"))
	contact.atPath("portal invoices", agencyPath+"/portal/invoices", "h1", "Invoices")
	contact.atPath("the invoice to pay", agencyPath+"/portal/invoices", "main", "363.00 EUR")
	contact.do("open the invoice", contact.click(`main a[href^="`+agencyPath+`/portal/invoices/"]`))
	contact.waitFor("portal invoice", `location.pathname.startsWith(`+js(agencyPath+"/portal/invoices/")+`) && document.readyState === "complete"`, true)
	portalInvoicePath := contact.path()
	contact.screenshot("portal-05-invoice")
	contact.do("pay online", contact.click(`form[action$="/pay"] button[type=submit]`))
	select {
	case <-pay.paid:
	case <-time.After(15 * time.Second):
		t.Fatalf("the stand-in Paysera was not paid; the page is at %s:\n%s", contact.location(), contact.bodyText())
	}
	contact.atPath("back from Paysera", agencyPath+"/payments/paysera/accept", "h1", "Thank you")
	contact.do("back to the invoice", contact.click(`a[href="`+portalInvoicePath+`"]`))
	contact.atPath("paid in the portal", portalInvoicePath, "main", "Paid")
	contact.atPath("the payment is listed", portalInvoicePath, ".payments", "363.00 EUR")
	contact.screenshot("portal-06-paid")
	contact.noConsoleErrors("payment")

	// The contact turns on two-factor sign-in, then signs in with a
	// recovery code (the app's code of this half-minute was spent on set-up).
	contact.do("open two-factor sign-in", chromedp.Navigate(contact.base+agencyPath+"/account/two-factor"))
	contact.do("start the set-up", contact.click(`form[action$="/two-factor/setup"] button[type=submit]`))
	contact.waitFor("the QR code", `(() => { const img = document.querySelector(".qr img"); return !!img && img.complete && img.naturalWidth > 100; })()`, true)
	secret, err := chromedp.Run(contact.ctx, chromedp.Evaluate[string](`document.querySelector("code.secret").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	contact.screenshot("portal-08-two-factor")
	contact.do("type the app's code", contact.fill("f-code", auth.TOTPCode(secret, time.Now())))
	contact.do("turn it on", contact.click(`form[action$="/two-factor/confirm"] button[type=submit]`))
	contact.waitFor("recovery codes", `document.querySelectorAll(".recovery-codes code").length === 10`, true)
	code, err := chromedp.Run(contact.ctx, chromedp.Evaluate[string](`document.querySelector(".recovery-codes code").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	contact.screenshot("portal-09-recovery-codes")
	contact.noConsoleErrors("two-factor set-up")
	contact.do("back to the portal", chromedp.Navigate(contact.base+agencyPath+"/portal"))
	contact.openAccountMenu()
	contact.do("sign out", contact.click(`form[action$="/logout"] button[type=submit]`))
	contact.atPath("signed out", agencyPath+"/login", ".flash", "signed out")
	contact.do("sign in with the password", contact.fill("f-email", contactEmail), contact.fill("f-password", password))
	contact.do("submit", contact.click("#login-form button[type=submit]"))
	contact.waitFor("asked for a code", `document.body.innerText.includes("Two-factor sign-in") && !!document.getElementById("f-code")`, true)
	contact.do("type a recovery code", contact.fill("f-code", code))
	contact.do("sign in", contact.click(`form[action$="/login/two-factor"] button[type=submit]`))
	contact.atPath("portal home after two-factor sign-in", agencyPath+"/portal", "h1", "Hello, Cora Contact")
	contact.noConsoleErrors("two-factor sign-in")

	staff.do("open the invoice again", chromedp.Navigate(staff.base+invoicePath))
	staff.atPath("paid for staff", invoicePath, "#invoice-status", "Paid")
	staff.screenshot("portal-07-staff-paid")
	staff.noConsoleErrors("staff after payment")
}
