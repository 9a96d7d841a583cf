package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
	"mintedmind/paysera"
)

// mustCaseInvoice makes a draft invoice of client clientID on case caseID
// as the owner of f's agency A and returns its id.
func (f *liveFixture) mustCaseInvoice(t *testing.T, clientID, caseID string) string {
	t.Helper()
	b := f.a.Owner
	b.get("/a/" + f.a.Slug + "/invoices/new")
	res := b.post("/a/"+f.a.Slug+"/invoices", url.Values{"client_id": {clientID}, "case_id": {caseID}, "currency": {"EUR"}, "issue_date": {"2026-11-02"},
		"terms_days": {"14"}, "line_description": {"Website"}, "line_quantity": {"1"}, "line_price": {"100"}, "line_vat": {"21"}})
	wantStatus(t, res, http.StatusSeeOther)
	return strings.TrimPrefix(res.Header.Get("Location"), "/a/"+f.a.Slug+"/invoices/")
}

// TestLivePublishesEveryHistoryWrite: invoices issued, paid and voided,
// tasks, time entries and documents asked for each send their case's
// notice, to staff who see the case and, when the client sees the item, to
// that client's contacts only. "Never" is shown by order, as in
// TestLiveStreamIsolation: each stream's next event must be a later
// notice it may see.
func TestLivePublishesEveryHistoryWrite(t *testing.T) {
	t.Parallel()
	f := mustLiveFixture(t)
	owner := f.a.Owner.mustLive(t, f.a, "owner")
	staff := f.staff.mustLive(t, f.a, "staff") // restricted to caseXStaff
	cx := f.cx.mustLive(t, f.a, "cx")
	cy := f.cy.mustLive(t, f.a, "cy")
	other := f.b.Owner.mustLive(t, f.b, "b")
	inv := func(path string) string { return "/a/" + f.a.Slug + "/invoices/" + path }
	caseX := "/a/" + f.a.Slug + "/cases/" + f.caseX

	t.Run("an invoice issued, paid and voided reaches staff and the case's client", func(t *testing.T) {
		id := f.mustCaseInvoice(t, f.clientX, f.caseX)
		wantStatus(t, f.a.Owner.post(inv(id+"/issue"), nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
		wantStatus(t, f.a.Owner.post(inv(id+"/payments"), url.Values{"amount": {"10.00"}, "paid_on": {"2026-11-02"}, "method": {"cash"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
		second := f.mustCaseInvoice(t, f.clientX, f.caseX)
		wantStatus(t, f.a.Owner.post(inv(second+"/issue"), nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
		wantStatus(t, f.a.Owner.post(inv(second+"/void"), url.Values{"reason": {"Sent twice"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
	})
	t.Run("a credit note issued reaches staff and the case's client", func(t *testing.T) {
		id := f.mustCaseInvoice(t, f.clientX, f.caseX)
		wantStatus(t, f.a.Owner.post(inv(id+"/issue"), nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
		res := f.a.Owner.post(inv(id+"/credit"), nil)
		wantStatus(t, res, http.StatusSeeOther)
		credit := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), inv("")), "/edit")
		f.a.Owner.get(inv(credit + "/edit"))
		wantStatus(t, f.a.Owner.post(inv(credit+"/issue"), nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
	})
	t.Run("a payment Paysera reports reaches staff and the case's client", func(t *testing.T) {
		key := mustSetUpPaysera(t, f.a.Owner, f.a.Slug)
		id := f.mustCaseInvoice(t, f.clientX, f.caseX)
		wantStatus(t, f.a.Owner.post(inv(id+"/issue"), nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
		f.a.Owner.get(inv(id))
		res := f.a.Owner.post(inv(id+"/pay"), nil)
		wantStatus(t, res, http.StatusSeeOther)
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := paysera.Decode(loc.Query().Get("data"))
		if err != nil {
			t.Fatal(err)
		}
		req, err := url.ParseQuery(string(raw))
		if err != nil || req.Get("orderid") == "" {
			t.Fatalf("pay request %q: %v", raw, err)
		}
		total := f.e.caseQuery(t, f.a, `SELECT total FROM invoices WHERE id = ?`, id)
		q := signedSS2(t, url.Values{"projectid": {"555"}, "orderid": {req.Get("orderid")}, "requestid": {"r-" + req.Get("orderid")}, "status": {"1"},
			"amount": {total}, "currency": {"EUR"}, "test": {"0"}}, key)
		wantStatus(t, f.e.newClient().get("/pay/"+f.a.Slug+"/paysera/callback?"+q.Encode()), http.StatusOK)
		if got := f.e.caseQuery(t, f.a, `SELECT status FROM invoices WHERE id = ?`, id); got != "paid" {
			t.Fatalf("invoice status after the callback = %s", got)
		}
		owner.want("case-"+f.caseX, "event")
		cx.want("case-"+f.caseX, "event")
	})
	t.Run("an internal task and time reach staff only", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(caseX+"/tasks", url.Values{"title": {"Internal check"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		task := f.e.caseQuery(t, f.a, `SELECT id FROM tasks WHERE title = 'Internal check'`)
		wantStatus(t, f.a.Owner.post(caseX+"/tasks/"+task+"/done", url.Values{"done": {"1"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		wantStatus(t, f.a.Owner.post(caseX+"/time", url.Values{"date": {"2026-11-02"}, "duration": {"1:00"}, "billable": {"1"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
		entry := f.e.caseQuery(t, f.a, `SELECT id FROM time_entries WHERE case_id = ?`, f.caseX)
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/time/"+entry+"/delete", nil), http.StatusSeeOther)
		owner.want("case-"+f.caseX, "event")
	})
	t.Run("a document asked for reaches the case's client; nothing before it did", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/docrequests", url.Values{"name": {"Passport"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseXStaff, "event")
		staff.want("case-"+f.caseXStaff, "event") // not caseX's invoices, tasks or time: not theirs
		cx.want("case-"+f.caseXStaff, "event")    // not the internal task or the time
		req := f.e.caseQuery(t, f.a, `SELECT id FROM document_requests WHERE name = 'Passport'`)
		// The contact sends it, staff send it back, it is sent again and
		// accepted: each reaches both sides (the portal's checklist is
		// live too), never Y's contact (its next event is its own case's).
		portalReq := "/a/" + f.a.Slug + "/portal/cases/" + f.caseXStaff + "/docrequests/" + req
		wantStatus(t, f.cx.get("/a/"+f.a.Slug+"/portal/cases/"+f.caseXStaff), http.StatusOK)
		send := func() {
			t.Helper()
			body, ct := multipartBody(f.cx.csrf, nil, upFile{"passport.pdf", filestest.PDF(1, 0)})
			wantStatus(t, f.cx.do("POST", portalReq, body, ct), http.StatusSeeOther)
		}
		// wantDocEvent reads s up to the document's notice: an upload's
		// own notice and the inbox's may come before it, nothing else.
		wantDocEvent := func(s *stream) {
			t.Helper()
			for {
				ev := s.next()
				if ev.Name == "case-"+f.caseXStaff && ev.Data == "event" {
					return
				}
				if !(ev.Name == "case-"+f.caseXStaff && ev.Data == "upload") && ev.Name != "inbox" {
					t.Fatalf("stream event %q (%q), want case-%s's", ev.Name, ev.Data, f.caseXStaff)
				}
			}
		}
		for _, step := range []func(){
			send,
			func() {
				wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/docrequests/"+req+"/return", url.Values{"reason": {"Blurred"}}), http.StatusSeeOther)
			},
			send,
			func() {
				wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/docrequests/"+req+"/accept", nil), http.StatusSeeOther)
			},
		} {
			step()
			wantDocEvent(owner)
			wantDocEvent(staff)
			wantDocEvent(cx)
		}
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/docrequests", url.Values{"name": {"Visa"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseXStaff, "event")
		staff.want("case-"+f.caseXStaff, "event")
		cx.want("case-"+f.caseXStaff, "event")
		visa := f.e.caseQuery(t, f.a, `SELECT id FROM document_requests WHERE name = 'Visa'`)
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/docrequests/"+visa+"/withdraw", nil), http.StatusSeeOther)
		owner.want("case-"+f.caseXStaff, "event")
		staff.want("case-"+f.caseXStaff, "event")
		cx.want("case-"+f.caseXStaff, "event")
	})
	t.Run("a shared task reaches its client's contact, not another client's", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseY+"/tasks", url.Values{"title": {"Send the logo"}, "shared": {"1"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseY, "event")
		cy.want("case-"+f.caseY, "event") // Y's contact: none of X's
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/tasks", url.Values{"title": {"Sign the brief"}, "shared": {"1"}}), http.StatusSeeOther)
		cx.want("case-"+f.caseXStaff, "event") // X's contact: not Y's task
		staff.want("case-"+f.caseXStaff, "event")
	})
	t.Run("another agency's stream got nothing of A", func(t *testing.T) {
		setStatus(t, f.b.Owner, f.b, f.caseB, "waiting")
		other.want("case-"+f.caseB, "status")
	})
}
