package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// mustContact invites email as a portal contact of client and signs them in.
func (f *portalFixture) mustContact(t *testing.T, client, email, name string) *browser {
	t.Helper()
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/clients/"+client+"/contacts", url.Values{"email": {email}}), http.StatusSeeOther)
	link := f.e.mailedLink(t, email)
	b := f.e.newClient()
	b.get(link)
	wantStatus(t, b.post(link, url.Values{"name": {name}, "password": {testPassword}, "password_confirm": {testPassword}}), http.StatusSeeOther)
	return f.e.mustLogin(t, f.a, email)
}

// mailedTo is the newest email to `to` whose subject is subject, after
// the first `before` messages; "" when none.
func (f *portalFixture) mailedTo(t *testing.T, before int, to, subject string) string {
	t.Helper()
	f.e.flushMail(t)
	msgs := f.e.smtp.Messages()
	for i := len(msgs) - 1; i >= before; i-- {
		if m := msgs[i]; len(m.To) == 1 && m.To[0] == to && m.Subject == subject {
			return m.Body
		}
	}
	return ""
}

// TestAgreementSignedInOrder: an owner keeps a template with fields; staff
// write an agreement from it for a client (a bad field is 422 with its
// message, nothing saved), preview and send it; its two signers sign in
// order, each emailed at their turn with their own emailed code, the
// later one refused before their turn; the last signature (submitted
// three times at once) completes it once; the signed PDF lists both
// signers and the audit trail, goes to both sides, is listed on the
// client, and the verify page knows it (and not with a byte changed).
// Another client's contact, another agency and its template ids: 404.
func TestAgreementSignedInOrder(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	base := "/a/" + f.a.Slug + "/agreements"
	bobEmail := "bob@xylo.test"
	bob := f.mustContact(t, f.x, bobEmail, "Bob Director")
	yan := f.mustContact(t, f.y, "yan@yarrow.test", "Yan Yarrow")
	bobID, xenaID := f.e.mustUserID(t, f.a, bobEmail), f.e.mustUserID(t, f.a, f.contactEmail)
	count := func(table string) string { return f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM `+table) }

	t.Run("a template with an unknown field is 422 and not saved", func(t *testing.T) {
		res := f.a.Owner.post(base+"/templates", url.Values{"title": {"Bad"}, "body": {"Hello {client.password}"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Unknown field {client.password}")
		if n := count("agreement_templates"); n != "0" {
			t.Fatalf("%s templates", n)
		}
		wantStatus(t, f.staff.post(base+"/templates", url.Values{"title": {"T"}, "body": {"B"}}), http.StatusNotFound)
	})

	wantStatus(t, f.a.Owner.post(base+"/templates", url.Values{"title": {"Service agreement"},
		"body": {"{agency.name} and {client.name} agree that work starts on {date:start} for {amount:fee} a month."}}), http.StatusSeeOther)
	tpl := f.e.caseQuery(t, f.a, `SELECT id FROM agreement_templates`)
	form := func(start, fee string) url.Values {
		return url.Values{"template_id": {tpl}, "client_id": {f.x}, "date:start": {start}, "amount:fee": {fee}, "signer_1": {bobID}, "signer_2": {xenaID}}
	}

	t.Run("bad fields are 422 with their messages, and nothing is saved", func(t *testing.T) {
		page := f.staff.get(base + "/new?template=" + tpl + "&client=" + f.x)
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, "Signer 2")
		for _, c := range []struct{ start, fee, msg string }{{"4 January", "100", "Enter start as a date, YYYY-MM-DD."}, {"2027-01-04", "", "Fill in fee."},
			{"2027-01-04", "lots", "Enter fee as an amount"}} {
			res := f.staff.post(base, form(c.start, c.fee))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, c.msg)
		}
		noSigners := form("2027-01-04", "100")
		noSigners.Del("signer_1")
		noSigners.Del("signer_2")
		wantContains(t, f.staff.post(base, noSigners), "Choose at least one of the client")
		wrongClient := form("2027-01-04", "100")
		wrongClient.Set("signer_1", f.e.mustUserID(t, f.a, "yan@yarrow.test"))
		wantContains(t, f.staff.post(base, wrongClient), "Each signer must be a different active contact of this client.")
		if n := count("agreements"); n != "0" {
			t.Fatalf("%s agreements saved", n)
		}
	})

	res := f.staff.post(base, form("2027-01-04", "1250"))
	wantStatus(t, res, http.StatusSeeOther)
	id := f.e.caseQuery(t, f.a, `SELECT id FROM agreements`)
	page := base + "/" + id
	portal := f.portal("/agreements/" + id)

	t.Run("the draft previews the filled text, and the portal does not see it", func(t *testing.T) {
		res := f.staff.get(page)
		wantContains(t, res, "Xylo Ltd agree that work starts on 2027-01-04 for 1,250.00 EUR a month.")
		wantContains(t, res, "Send to the signers")
		wantStatus(t, bob.get(portal), http.StatusNotFound)
	})

	before := len(f.e.smtp.Messages())
	wantStatus(t, f.staff.post(page+"/send", nil), http.StatusSeeOther)

	t.Run("the first signer is emailed; the second waits and cannot sign yet", func(t *testing.T) {
		if body := f.mailedTo(t, before, bobEmail, "Please sign: Service agreement"); !strings.Contains(body, "/portal/agreements/"+id) {
			t.Fatalf("no turn email to the first signer:\n%s", body)
		}
		if body := f.mailedTo(t, before, f.contactEmail, "Please sign: Service agreement"); body != "" {
			t.Fatal("the second signer was emailed before their turn")
		}
		wantContains(t, f.contact.get(portal), "Bob Director signs before you")
		state := f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM agreement_codes) || '/' || (SELECT COUNT(*) FROM agreement_signers WHERE signed_at IS NOT NULL)`)
		res := f.contact.post(portal+"/code", url.Values{"signer_name": {"Xena Contact"}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "It is not your turn")
		wantStatus(t, f.contact.post(portal+"/sign", url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "code": {"123456"}}), http.StatusConflict)
		if after := f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM agreement_codes) || '/' || (SELECT COUNT(*) FROM agreement_signers WHERE signed_at IS NOT NULL)`); after != state {
			t.Fatalf("refusals changed %s → %s", state, after)
		}
	})

	t.Run("another client's contact and another agency: 404", func(t *testing.T) {
		wantStatus(t, yan.get(portal), http.StatusNotFound)
		wantStatus(t, yan.post(portal+"/code", nil), http.StatusNotFound)
		wantLacks(t, yan.get(f.portal("/agreements")), "Service agreement")
		b := f.e.mustSignup(t, "agreements-other")
		other := "/a/" + b.Slug + "/agreements"
		wantStatus(t, b.Owner.get(other+"/"+id), http.StatusNotFound)
		wantStatus(t, b.Owner.post(other+"/"+id+"/send", nil), http.StatusNotFound)
		wantStatus(t, b.Owner.get(other+"/new?template="+tpl), http.StatusNotFound)
		wantStatus(t, b.Owner.post(other, url.Values{"template_id": {tpl}}), http.StatusNotFound)
	})

	code := func(t *testing.T, who *browser, email string) string {
		t.Helper()
		before := len(f.e.smtp.Messages())
		res := who.post(portal+"/code", url.Values{"signer_name": {"kept name"}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "We emailed a code to "+email)
		wantContains(t, res, `value="kept name"`)
		m := mailedCode.FindStringSubmatch(f.mailedTo(t, before, email, "Your code to sign Service agreement"))
		if m == nil {
			t.Fatalf("no code emailed to %s", email)
		}
		return m[1]
	}

	t.Run("the first signs with their code, and the second is emailed", func(t *testing.T) {
		c := code(t, bob, bobEmail)
		wantStatus(t, bob.post(portal+"/sign", url.Values{"signer_name": {"Bob Director"}, "code": {c}}), http.StatusUnprocessableEntity) // terms not agreed
		before := len(f.e.smtp.Messages())
		wantStatus(t, bob.post(portal+"/sign", url.Values{"signer_name": {"Bob Director"}, "agree": {"1"}, "code": {c}}), http.StatusSeeOther)
		if body := f.mailedTo(t, before, f.contactEmail, "Please sign: Service agreement"); !strings.Contains(body, "now that Bob Director has signed") {
			t.Fatalf("the second signer's turn email:\n%s", body)
		}
		wantStatus(t, bob.post(portal+"/sign", url.Values{"signer_name": {"Bob Director"}, "agree": {"1"}, "code": {c}}), http.StatusConflict)
	})

	var pdf []byte
	t.Run("the last signature submitted three times at once completes it once", func(t *testing.T) {
		c := code(t, f.contact, f.contactEmail)
		before := len(f.e.smtp.Messages())
		statuses := make([]int, 3)
		var wg sync.WaitGroup
		for i := range statuses {
			b := f.contact.clone() // a browser of its own each: one is not safe for concurrent use
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = b.post(portal+"/sign", url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "code": {c}}).StatusCode
			}()
		}
		wg.Wait()
		slices.Sort(statuses)
		if statuses[0] != http.StatusSeeOther || statuses[1] == http.StatusSeeOther || statuses[2] >= 500 {
			t.Fatalf("statuses %v", statuses)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT state || '/' || (SELECT COUNT(*) FROM signed_documents WHERE agreement_id = ?) || '/' ||
			(SELECT COUNT(*) FROM agreement_events WHERE agreement_id = ? AND kind = 'completed') FROM agreements WHERE id = ?`, id, id, id); got != "completed/1/1" {
			t.Fatalf("state %s", got)
		}
		stored := f.e.caseQuery(t, f.a, `SELECT sha256 FROM signed_documents WHERE agreement_id = ?`, id)
		res := f.contact.get(portal + "/signed")
		wantStatus(t, res, http.StatusOK)
		pdf = []byte(res.Body)
		if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != stored || f.staff.get(page+"/signed").Body != res.Body {
			t.Fatal("the downloaded PDF is not the one stored")
		}
		text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
		body := f.e.caseQuery(t, f.a, `SELECT document_sha256 FROM agreements WHERE id = ?`, id)
		for _, s := range []string{"Xylo Ltd agree that work starts on 2027-01-04", "Signatures and audit trail", "Bob Director", bobEmail, "Xena Contact", f.contactEmail,
			"1 of 2", "2 of 2", "UTC", "IP address", "Bob Director signed the agreement", "Every signer has signed", body} {
			if !strings.Contains(text, s) {
				t.Errorf("the signed PDF lacks %q:\n%s", s, text)
			}
		}
		for _, to := range []string{bobEmail, f.contactEmail, f.staffEmail} {
			if f.mailedTo(t, before, to, "Signed by everyone: Service agreement") == "" {
				t.Errorf("no signed PDF emailed to %s", to)
			}
		}
		if f.mailedTo(t, before, f.contactEmail, "Please sign: Service agreement") != "" {
			t.Error("a turn email after the last signature")
		}
		wantContains(t, f.staff.get("/a/"+f.a.Slug+"/clients/"+f.x+"?tab=documents"), base+"/"+id+"/signed")
		wantContains(t, f.contact.get(f.portal("/agreements")), "Service agreement")
	})

	t.Run("the verify page recognises the signed agreement, and not with a byte changed", func(t *testing.T) {
		verify := func(data []byte) *response {
			anon := f.e.newClient()
			anon.get("/a/" + f.a.Slug + "/verify")
			body, ct := multipartBody(anon.csrf, url.Values{}, upFile{"copy.pdf", data})
			return anon.do("POST", "/a/"+f.a.Slug+"/verify", body, ct)
		}
		wantContains(t, verify(pdf), "This PDF matches Service agreement")
		changed := slices.Clone(pdf)
		changed[len(changed)/2] ^= 1
		wantContains(t, verify(changed), "does not match any document")
	})
}

// mustSentAgreement sends client's new contact an agreement from a
// template of its own and returns the agreement's id.
func (f *portalFixture) mustSentAgreement(t *testing.T, client string) string {
	t.Helper()
	base := "/a/" + f.a.Slug + "/agreements"
	f.mustContact(t, client, "signer-"+client+"@example.test", "Sam Signer")
	wantStatus(t, f.a.Owner.post(base+"/templates", url.Values{"title": {"Brief " + client}, "body": {"{client.name} agrees."}}), http.StatusSeeOther)
	tpl := f.e.caseQuery(t, f.a, `SELECT id FROM agreement_templates WHERE title = ?`, "Brief "+client)
	signer := f.e.mustUserID(t, f.a, "signer-"+client+"@example.test")
	wantStatus(t, f.staff.post(base, url.Values{"template_id": {tpl}, "client_id": {client}, "signer_1": {signer}}), http.StatusSeeOther)
	id := f.e.caseQuery(t, f.a, `SELECT id FROM agreements WHERE template_id = ?`, tpl)
	wantStatus(t, f.staff.post(base+"/"+id+"/send", nil), http.StatusSeeOther)
	return id
}
