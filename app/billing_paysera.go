package app

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// PayseraPublicKeyURL is where Paysera publishes the public key its
// callbacks are signed with (lib-webtopay's Config; the sandbox has its
// own at PayseraSandboxKeyURL).
const (
	PayseraPublicKeyURL  = "https://www.paysera.com/download/public.key"
	PayseraSandboxKeyURL = "https://sandbox.paysera.com/download/public.key"
)

// Paysera modes, as billing settings show them.
const (
	PayseraOff        = "off"        // nothing set: invoices are paid by bank transfer
	PayseraIncomplete = "incomplete" // some settings missing or wrong: no Pay button
	PayseraTestMode   = "test"       // test payments only
	PayseraLive       = "live"       // clients pay real money
)

// PayseraStatus is an agency's Paysera set-up in words.
type PayseraStatus struct {
	Mode    string   // PayseraOff, PayseraIncomplete, PayseraTestMode or PayseraLive
	Summary string   // one sentence
	Missing []string // what is still to be filled in or fixed
}

// PayseraStatusOf says what Paysera does for the agency with settings s.
func PayseraStatusOf(s tenant.BillingSettings) PayseraStatus {
	var missing []string
	if s.PayseraProjectID == "" {
		missing = append(missing, "the project id (Paysera: Projects and activities → your project)")
	}
	if s.PayseraPassword == "" {
		missing = append(missing, "the project's sign password (Paysera: project settings → General)")
	}
	if s.PayseraPublicKey == "" {
		missing = append(missing, "Paysera's public key (published at "+PayseraPublicKeyURL+")")
	} else if _, err := paysera.ParsePublicKey(s.PayseraPublicKey); err != nil {
		missing = append(missing, "a public key that reads as PEM text (the one pasted does not)")
	}
	switch {
	case len(missing) == 3 && s.PayseraPublicKey == "":
		return PayseraStatus{Mode: PayseraOff, Summary: "Paysera is off: invoices show your bank details, and clients cannot pay online.", Missing: missing}
	case len(missing) > 0:
		return PayseraStatus{Mode: PayseraIncomplete, Summary: "Paysera is not working yet: clients see no Pay button until it is complete.", Missing: missing}
	case s.PayseraTest:
		return PayseraStatus{Mode: PayseraTestMode, Summary: "Test mode: the Pay button takes Paysera test payments for project " + s.PayseraProjectID + "; no money moves. Turn test mode off to take real payments."}
	}
	return PayseraStatus{Mode: PayseraLive, Summary: "Live: clients pay invoices online through Paysera project " + s.PayseraProjectID + "."}
}

// payseraKeyMessage is the message for a Paysera set-up without the key.
const payseraKeyMessage = "Paysera's public key is needed to check that payment reports come from Paysera. Download it from " +
	PayseraPublicKeyURL + " (the sandbox's: " + PayseraSandboxKeyURL + ") and paste the whole text here, or ask your operator to fetch it for you."

// PayseraCheckStep is one step of the settings' check.
type PayseraCheckStep struct {
	What string
	OK   bool
	Note string // why it failed, or what was checked
}

// CheckPaysera tries the agency's Paysera settings without Paysera: it
// signs a test payment request and checks the sign as Paysera would, then
// makes a test callback as Paysera would (the encrypted format, under the
// sign password) and runs it through the verifier and the project check
// the real callback passes. It writes nothing. ok is whether every step
// passed; the RSA signatures (ss2, ss3) need Paysera's private key and are
// checked only when a real callback comes, against the key that parsed.
func CheckPaysera(s tenant.BillingSettings, callbackURL string) (steps []PayseraCheckStep, ok bool) {
	add := func(what string, err error, note string) bool {
		st := PayseraCheckStep{What: what, OK: err == nil, Note: note}
		if err != nil {
			st.Note = strings.TrimPrefix(err.Error(), "paysera: ")
		}
		steps = append(steps, st)
		return err == nil
	}
	status := PayseraStatusOf(s)
	var setupErr error
	if len(status.Missing) > 0 {
		setupErr = errors.New("missing " + strings.Join(status.Missing, "; "))
	}
	if !add("Settings complete", setupErr, "project "+s.PayseraProjectID) {
		return steps, false
	}
	key, err := paysera.ParsePublicKey(s.PayseraPublicKey)
	note := ""
	if err == nil {
		note = "an RSA key of " + strconv.Itoa(key.N.BitLen()) + " bits"
	}
	if !add("Paysera's public key reads", err, note) {
		return steps, false
	}
	signed, err := paysera.Build(paysera.Request{ProjectID: s.PayseraProjectID, OrderID: "check", Amount: 100, Currency: "EUR",
		AcceptURL: callbackURL, CancelURL: callbackURL, CallbackURL: callbackURL, Test: true}, s.PayseraPassword)
	if err == nil && !paysera.CheckSign(signed.Data, signed.Sign, s.PayseraPassword) {
		err = errors.New("the request's sign does not match the password")
	}
	if !add("A test payment request is signed", err, "1.00 EUR, test mode, signed with the sign password") {
		return steps, false
	}
	fields := url.Values{"projectid": {s.PayseraProjectID}, "orderid": {"check"}, "requestid": {"check"}, "status": {paysera.StatusPaid},
		"amount": {"100"}, "currency": {"EUR"}, "test": {"1"}}
	q, err := paysera.EncryptCallback(fields, s.PayseraPassword)
	var cb *paysera.Callback
	if err == nil {
		cb, err = paysera.Verifier{Password: s.PayseraPassword, PublicKey: key}.Verify(q)
	}
	if err == nil && (cb.ProjectID != s.PayseraProjectID || cb.Amount != 100 || !cb.Test) {
		err = errors.New("the test callback read back differently")
	}
	if !add("A test callback is verified", err, "decrypted under the sign password, for project "+s.PayseraProjectID+", test payment of 1.00 EUR") {
		return steps, false
	}
	return steps, true
}
