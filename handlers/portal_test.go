package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mintedmind/files/filestest"
	"mintedmind/handlers"
	"mintedmind/paysera"
)

// portalFixture is an agency with two clients, X and Y, a case of each
// assigned to a staff member, and a signed-in portal contact of X invited
// the real way (email, link, password).
type portalFixture struct {
	e            *env
	a            *agency
	staff        *browser
	staffEmail   string
	x, y         string // client ids
	caseX, caseY string
	contact      *browser
	contactEmail string
	docY         string // a shared document on client Y's case
}

func mustPortalFixture(t *testing.T, opts ...func(*handlers.Config)) *portalFixture {
	t.Helper()
	f := &portalFixture{e: mustNewEnv(t, opts...)}
	f.a = f.e.mustSignup(t, "portal")
	f.staff, f.staffEmail = f.e.mustAddUser(t, f.a, "staff")
	staffID := f.e.mustUserID(t, f.a, f.staffEmail)
	f.x, f.y = f.e.mustCaseClient(t, f.a, "Xylo Ltd", ""), f.e.mustCaseClient(t, f.a, "Yarrow Inc", "")
	f.caseX = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.x}, "title": {"Xylo website"}, "assignee_id": {staffID}})
	f.caseY = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.y}, "title": {"Yarrow secret plans"}, "assignee_id": {staffID}})
	f.contactEmail = "xena@xylo.test"
	res := f.a.Owner.post("/a/"+f.a.Slug+"/clients/"+f.x+"/contacts", url.Values{"email": {f.contactEmail}})
	wantStatus(t, res, http.StatusSeeOther)
	link := f.e.mailedLink(t, f.contactEmail)
	f.contact = f.e.newClient()
	f.contact.get(link)
	res = f.contact.post(link, url.Values{"name": {"Xena Contact"}, "password": {testPassword}, "password_confirm": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	f.contact = f.e.mustLogin(t, f.a, f.contactEmail)
	body, ct := multipartBody(f.a.Owner.csrf, url.Values{"shared": {"1"}}, upFile{"yarrow-plan.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.a.Owner.do("POST", "/a/"+f.a.Slug+"/cases/"+f.caseY+"/documents", body, ct), http.StatusSeeOther)
	f.docY = f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE case_id = ?`, f.caseY)
	return f
}

func (f *portalFixture) portal(rest string) string { return "/a/" + f.a.Slug + "/portal" + rest }

func TestPortal(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := func(id string) string { return "/a/" + f.a.Slug + "/cases/" + id }

	t.Run("the contact sees their client's cases and not another client's", func(t *testing.T) {
		res := f.contact.get(f.portal(""))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Xylo website")
		wantLacks(t, res, "Yarrow")
	})

	t.Run("another client's case is not found, in every portal route", func(t *testing.T) {
		wantStatus(t, f.contact.get(f.portal("/cases/"+f.caseY)), http.StatusNotFound)
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseY)
		wantStatus(t, f.contact.post(f.portal("/cases/"+f.caseY+"/messages"), url.Values{"body": {"hello"}}), http.StatusNotFound)
		if after := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseY); after != before {
			t.Fatal("a message landed on another client's case")
		}
	})

	t.Run("staff pages stay closed to the contact", func(t *testing.T) {
		for _, p := range []string{staffCase(f.caseX), "/a/" + f.a.Slug + "/clients", "/a/" + f.a.Slug} {
			wantStatus(t, f.contact.get(p), http.StatusNotFound)
		}
	})

	t.Run("internal notes never reach the portal; shared ones do, with an email and an unread marker", func(t *testing.T) {
		wantStatus(t, f.staff.post(staffCase(f.caseX)+"/notes", url.Values{"body": {"Internal: client is slow to pay"}}), http.StatusSeeOther)
		wantStatus(t, f.staff.post(staffCase(f.caseX)+"/notes", url.Values{"body": {"The new design is ready <b>now</b>"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "The new design is ready <b>now</b>") || !strings.Contains(msg.Body, "/portal/cases/"+f.caseX) {
			t.Fatalf("email body:\n%s", msg.Body)
		}
		home := f.contact.get(f.portal(""))
		wantContains(t, home, `new</mark>`)
		res := f.contact.get(f.portal("/cases/" + f.caseX))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "The new design is ready &lt;b&gt;now&lt;/b&gt;")
		wantLacks(t, res, "slow to pay")
		wantLacks(t, f.contact.get(f.portal("")), `new</mark>`)
	})

	t.Run("the contact's message reaches the staff page and the assignee's inbox", func(t *testing.T) {
		res := f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"Looks great, thanks!"}})
		wantStatus(t, res, http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "Looks great, thanks!") || !strings.Contains(msg.Subject, "Xena Contact") {
			t.Fatalf("email %q:\n%s", msg.Subject, msg.Body)
		}
		// The staff member's dashboard marks the case new until they open it.
		wantContains(t, f.staff.get("/a/"+f.a.Slug), "New from your clients")
		wantContains(t, f.staff.get(staffCase(f.caseX)), "Looks great, thanks!")
		wantLacks(t, f.staff.get("/a/"+f.a.Slug), "New from your clients")
	})

	t.Run("an empty or huge message is refused with a message, nothing written", func(t *testing.T) {
		before := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseX)
		res := f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {"   "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `class="field-error"`)
		res = f.contact.post(f.portal("/cases/"+f.caseX+"/messages"), url.Values{"body": {strings.Repeat("x", 100001)}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if after := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM notes WHERE case_id = ?`, f.caseX); after != before {
			t.Fatal("a refused message was written")
		}
	})

	t.Run("the contact uploads a document: it is shared, staff see it and get an email; the contact downloads it", func(t *testing.T) {
		body, ct := multipartBody(f.contact.csrf, nil, upFile{"signed-contract.pdf", filestest.PDF(2, 0)})
		res := f.contact.do("POST", f.portal("/cases/"+f.caseX+"/documents"), body, ct)
		wantStatus(t, res, http.StatusSeeOther)
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "signed-contract.pdf") {
			t.Fatalf("email:\n%s", msg.Body)
		}
		wantContains(t, f.staff.get(staffCase(f.caseX)), "signed-contract.pdf")
		page := f.contact.get(f.portal("/cases/" + f.caseX))
		wantContains(t, page, "signed-contract.pdf")
		id := f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE name = 'signed-contract.pdf'`)
		dl := f.contact.get(f.portal("/cases/" + f.caseX + "/documents/" + id))
		wantStatus(t, dl, http.StatusOK)
		if !strings.HasPrefix(dl.Body, "%PDF") || !strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %q %v", dl.Body[:min(10, len(dl.Body))], dl.Header)
		}
	})

	t.Run("internal documents stay internal", func(t *testing.T) {
		body, ct := multipartBody(f.staff.csrf, nil, upFile{"internal-notes.pdf", filestest.PDF(1, 0)})
		wantStatus(t, f.staff.do("POST", staffCase(f.caseX)+"/documents", body, ct), http.StatusSeeOther)
		id := f.e.caseQuery(t, f.a, `SELECT id FROM documents WHERE name = 'internal-notes.pdf'`)
		wantLacks(t, f.contact.get(f.portal("/cases/"+f.caseX)), "internal-notes.pdf")
		wantStatus(t, f.contact.get(f.portal("/cases/"+f.caseX+"/documents/"+id)), http.StatusNotFound)
		// Sharing it shows it and emails the contact.
		wantStatus(t, f.staff.post(staffCase(f.caseX)+"/documents/"+id+"/share", url.Values{"shared": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		if msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second); !strings.Contains(msg.Body, "internal-notes.pdf") {
			t.Fatalf("email:\n%s", msg.Body)
		}
		wantStatus(t, f.contact.get(f.portal("/cases/"+f.caseX+"/documents/"+id)), http.StatusOK)
	})

	t.Run("a contact who turns case emails off gets none", func(t *testing.T) {
		wantStatus(t, f.contact.get("/a/"+f.a.Slug+"/account/emails"), http.StatusOK)
		wantStatus(t, f.contact.post("/a/"+f.a.Slug+"/account/emails", url.Values{}), http.StatusSeeOther)
		f.e.flushMail(t)
		n := len(f.e.smtp.Messages())
		wantStatus(t, f.staff.post(staffCase(f.caseX)+"/notes", url.Values{"body": {"Second shared note"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		if got := len(f.e.smtp.Messages()); got != n {
			t.Fatalf("%d emails sent after opting out", got-n)
		}
	})

	t.Run("inviting a contact: bad email, another agency's client", func(t *testing.T) {
		res := f.a.Owner.post("/a/"+f.a.Slug+"/clients/"+f.x+"/contacts", url.Values{"email": {"not an email"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Enter a valid email address")
		b := f.e.mustSignup(t, "portal-b")
		other := f.e.mustCaseClient(t, b, "Other agency's client", "")
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/clients/"+other+"/contacts", url.Values{"email": {"z@z.test"}}), http.StatusNotFound)
	})
}

// Every portal route, given ids of another client of the same agency,
// answers 404 and writes nothing. A new portal route whose ids this test
// cannot fill fails it, so each one gets covered.
func TestPortalRoutesRefuseAnotherClientsIDs(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	idsOfY := map[string]string{"cases": f.caseY, "documents": f.docY, "invoices": f.mustIssueInvoice(t, f.y), "tasks": f.mustSharedTask(t, f.caseY), "messages": f.mustMessageOfY(t), "docrequests": f.mustDocRequestOfY(t), "quotes": f.mustSentQuote(t, f.y), "agreements": f.mustSentAgreement(t, f.y)}
	for _, r := range handlers.Routes {
		path := strings.Replace(r.Path, ":slug", f.a.Slug, 1)
		if r.Access != handlers.ClientOnly || !strings.Contains(path, ":") {
			continue
		}
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if !strings.HasPrefix(s, ":") {
				continue
			}
			id, ok := idsOfY[segs[i-1]]
			if !ok {
				t.Fatalf("%s %s: no id of client Y for %q; add one to idsOfY", r.Method, r.Path, segs[i-1])
			}
			segs[i] = id
		}
		path = strings.Join(segs, "/")
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			before := f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM notes) || '/' || (SELECT COUNT(*) FROM case_events) || '/' || (SELECT COUNT(*) FROM case_reads) || '/' || (SELECT COUNT(*) FROM documents) || '/' || (SELECT COUNT(*) FROM payments) || '/' || (SELECT COUNT(*) FROM paysera_orders)`)
			var res *response
			switch {
			case r.Method == "GET":
				res = f.contact.get(path)
			case strings.HasSuffix(path, "/documents"):
				body, ct := multipartBody(f.contact.csrf, nil, upFile{"sneaky.pdf", filestest.PDF(1, 0)})
				res = f.contact.do("POST", path, body, ct)
			default:
				res = f.contact.post(path, url.Values{"body": {"hello"}})
			}
			wantStatus(t, res, http.StatusNotFound)
			if after := f.e.caseQuery(t, f.a, `SELECT (SELECT COUNT(*) FROM notes) || '/' || (SELECT COUNT(*) FROM case_events) || '/' || (SELECT COUNT(*) FROM case_reads) || '/' || (SELECT COUNT(*) FROM documents) || '/' || (SELECT COUNT(*) FROM payments) || '/' || (SELECT COUNT(*) FROM paysera_orders)`); after != before {
				t.Fatalf("database changed: %s → %s", before, after)
			}
		})
	}
}

// mustIssueInvoice drafts and issues a one-line invoice of 121.00 EUR for
// a client and returns its id.
func (f *portalFixture) mustIssueInvoice(t *testing.T, clientID string) string {
	t.Helper()
	id := f.mustDraftInvoice(t, clientID)
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/invoices/"+id+"/issue", nil), http.StatusSeeOther)
	return id
}

// mustDraftInvoice saves a draft invoice of clientID (one line of 100 EUR
// at 21 % VAT) in the staff editor and returns its id.
func (f *portalFixture) mustDraftInvoice(t *testing.T, clientID string) string {
	t.Helper()
	b := f.a.Owner
	b.get("/a/" + f.a.Slug + "/invoices/new")
	res := b.post("/a/"+f.a.Slug+"/invoices", url.Values{"client_id": {clientID}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
		"line_description": {"Website"}, "line_quantity": {"1"}, "line_price": {"100"}, "line_vat": {"21"}})
	wantStatus(t, res, http.StatusSeeOther)
	return strings.TrimPrefix(res.Header.Get("Location"), "/a/"+f.a.Slug+"/invoices/")
}

func TestPortalInvoices(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	key := mustSetUpPaysera(t, f.a.Owner, f.a.Slug)
	invX := f.mustIssueInvoice(t, f.x)
	invY := f.mustIssueInvoice(t, f.y)
	f.a.Owner.get("/a/" + f.a.Slug + "/invoices/new")
	draft := f.a.Owner.post("/a/"+f.a.Slug+"/invoices", url.Values{"client_id": {f.x}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
		"line_description": {"Secret draft"}, "line_quantity": {"1"}, "line_price": {"5"}, "line_vat": {"21"}})
	draftID := strings.TrimPrefix(draft.Header.Get("Location"), "/a/"+f.a.Slug+"/invoices/")
	numberX := f.e.caseQuery(t, f.a, `SELECT number FROM invoices WHERE id = ?`, invX)
	numberY := f.e.caseQuery(t, f.a, `SELECT number FROM invoices WHERE id = ?`, invY)

	t.Run("issuing an invoice emails the client's contacts a link to it", func(t *testing.T) {
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second)
		if !strings.Contains(msg.Subject, numberX) || !strings.Contains(msg.Body, "/portal/invoices/"+invX) || !strings.Contains(msg.Body, "121.00 EUR") {
			t.Fatalf("email %q:\n%s", msg.Subject, msg.Body)
		}
	})

	t.Run("the contact sees their client's issued invoices, not drafts, not another client's", func(t *testing.T) {
		res := f.contact.get(f.portal("/invoices"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, numberX)
		wantLacks(t, res, numberY)
		wantLacks(t, res, "Draft")
		wantContains(t, f.contact.get(f.portal("")), numberX) // "Invoices to pay" on the home page
		wantStatus(t, f.contact.get(f.portal("/invoices/"+draftID)), http.StatusNotFound)
		wantStatus(t, f.contact.get(f.portal("/invoices/"+invY)), http.StatusNotFound)
		wantStatus(t, f.contact.get(f.portal("/invoices/"+invY+"/pdf")), http.StatusNotFound)
	})

	t.Run("the page's policy lets the Pay form go to Paysera, and nowhere else", func(t *testing.T) {
		res := f.contact.get(f.portal("/invoices/" + invX))
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://bank.paysera.com;") {
			t.Fatalf("CSP %q", csp)
		}
	})

	t.Run("the PDF downloads", func(t *testing.T) {
		res := f.contact.get(f.portal("/invoices/" + invX + "/pdf"))
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(res.Body, "%PDF") {
			t.Fatal("not a PDF")
		}
	})

	t.Run("paying through Paysera: the signed callback marks it paid on both sides, with its reference", func(t *testing.T) {
		res := f.contact.post(f.portal("/invoices/"+invX+"/pay"), nil)
		wantStatus(t, res, http.StatusSeeOther)
		loc, _ := url.Parse(res.Header.Get("Location"))
		raw, _ := paysera.Decode(loc.Query().Get("data"))
		req, _ := url.ParseQuery(string(raw))
		if req.Get("amount") != "12100" || req.Get("p_email") != f.contactEmail {
			t.Fatalf("request %v", req)
		}
		q, err := paysera.SignCallback(url.Values{"projectid": {"555"}, "orderid": {req.Get("orderid")}, "requestid": {"77001"}, "status": {"1"},
			"amount": {"12100"}, "currency": {"EUR"}, "test": {"0"}}, "pw", key, true)
		if err != nil {
			t.Fatal(err)
		}
		cb := f.e.newClient().get("/pay/" + f.a.Slug + "/paysera/callback?" + q.Encode())
		wantStatus(t, cb, http.StatusOK)
		if cb.Body != "OK" {
			t.Fatalf("callback answered %q", cb.Body)
		}
		page := f.contact.get(f.portal("/invoices/" + invX))
		wantContains(t, page, "Paid")
		wantLacks(t, page, "online</button>")
		wantContains(t, f.a.Owner.get("/a/"+f.a.Slug+"/invoices/"+invX), "Paid")
		home := f.contact.get(f.portal(""))
		wantLacks(t, home, "Invoices to pay") // an empty table is not shown
		list := f.contact.get(f.portal("/invoices"))
		wantContains(t, list, "Nothing to pay. Thank you!")
		wantContains(t, list, "Paid and earlier")
		wantContains(t, list, numberX)
		res = f.contact.post(f.portal("/invoices/"+invX+"/pay"), nil)
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "Nothing is owed")
	})

	t.Run("from an htmx request, pay is a full navigation", func(t *testing.T) {
		inv := f.mustIssueInvoice(t, f.x)
		done := htmx(f.contact)
		res := f.contact.post(f.portal("/invoices/"+inv+"/pay"), nil)
		done()
		if !strings.HasPrefix(res.Header.Get("HX-Redirect"), paysera.PayURL) {
			t.Fatalf("HX-Redirect %q", res.Header.Get("HX-Redirect"))
		}
	})
}
