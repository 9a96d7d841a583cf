package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// confirmForm is the posted form of a confirmation: its action and hidden
// fields (the CSRF token included), as a browser would send them.
func confirmForm(t *testing.T, res *response) (string, url.Values) {
	t.Helper()
	form := regexp.MustCompile(`(?s)<form method="post" action="([^"]+)" class="confirm-form"[^>]*>(.*?)</form>`).FindStringSubmatch(res.Body)
	if form == nil {
		t.Fatalf("no confirmation form in:\n%s", res.Body)
	}
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form[2], -1) {
		vals.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return html.UnescapeString(form[1]), vals
}

// Issuing asks first (issue 22 point 5): the question names the client's
// portal contacts who will be emailed and says the client's own address
// is not; asking changes nothing; htmx gets it as a <dialog>; the posted
// form issues. Another agency's draft, or a missing one, is a 404.
func TestConfirmIssueNamesWhoIsEmailed(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	b := f.a.Owner
	b.get("/a/" + f.a.Slug + "/invoices/new")
	res := b.post("/a/"+f.a.Slug+"/invoices", url.Values{"client_id": {f.x}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
		"line_description": {"Website"}, "line_quantity": {"1"}, "line_price": {"100"}, "line_vat": {"21"}})
	wantStatus(t, res, http.StatusSeeOther)
	page := res.Header.Get("Location")
	id := strings.TrimPrefix(page, "/a/"+f.a.Slug+"/invoices/")
	status := func() string { return f.e.caseQuery(t, f.a, `SELECT status FROM invoices WHERE id = ?`, id) }

	show := b.get(page)
	wantContains(t, show, `<form method="get" action="`+page+`/issue" hx-get="`+page+`/issue" hx-target="#confirm-slot"`)

	ask := b.get(page + "/issue")
	wantStatus(t, ask, http.StatusOK)
	for _, s := range []string{"Issue this invoice to Xylo Ltd?", "Total 121.00 EUR", "Emailed when you confirm:", "Xena Contact &lt;xena@xylo.test&gt; (portal contact",
		"Xylo Ltd has no email address of its own.", `href="` + page + `" role="button"`} {
		wantContains(t, ask, s)
	}
	wantLacks(t, ask, "<dialog")
	if got := status(); got != tenant.InvoiceDraft {
		t.Fatalf("asking issued the invoice: %s", got)
	}

	done := htmx(b)
	dialog := b.get(page + "/issue")
	done()
	wantStatus(t, dialog, http.StatusOK)
	wantContains(t, dialog, `<dialog class="confirm-dialog"`)
	wantContains(t, dialog, "data-confirm-cancel")
	wantLacks(t, dialog, "<html")

	wantStatus(t, b.get("/a/"+f.a.Slug+"/invoices/00000000-0000-4000-8000-000000000000/issue"), http.StatusNotFound)
	other := f.e.mustSignup(t, "confirm-other")
	wantStatus(t, other.Owner.get("/a/"+other.Slug+"/invoices/"+id+"/issue"), http.StatusNotFound)

	action, form := confirmForm(t, ask)
	if action != page+"/issue" {
		t.Fatalf("the confirmation posts to %q", action)
	}
	wantStatus(t, b.post(action, form), http.StatusSeeOther)
	if got := status(); got != tenant.InvoiceIssued {
		t.Fatalf("confirmed, the invoice is %s", got)
	}
	wantStatus(t, b.get(page+"/issue"), http.StatusConflict)
}

// Voiding, deleting a draft, archiving a client, bulk changes to clients
// and cases and signing out everywhere else each ask first with the same
// confirmation; asking changes nothing, bad input is refused (422) with
// its message, another agency's ids are a 404, and the confirmation's
// own form does the action.
func TestConfirmBeforeWhatCannotBeUndone(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	issued := f.mustCreateDraft(t, b, f.invoiceForm())
	inv := f.mustIssue(t, b, issued)
	draft := f.mustCreateDraft(t, b, f.invoiceForm())
	f.b.Owner.get("/a/" + f.b.Slug + "/invoices/new")
	res := f.b.Owner.post("/a/"+f.b.Slug+"/invoices", f.invoiceForm("client_id", f.foreign.ID))
	wantStatus(t, res, http.StatusSeeOther)
	foreignDraft := strings.TrimPrefix(res.Header.Get("Location"), "/a/"+f.b.Slug+"/invoices/")
	invStatus := func(id string) string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE((SELECT status FROM invoices WHERE id = ?), 'gone')`, id)
	}

	t.Run("void", func(t *testing.T) {
		ask := b.get(f.inv("/" + issued + "/void?reason=" + url.QueryEscape("Sent twice")))
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Void "+inv.Number+"?")
		wantContains(t, ask, "Reason: Sent twice")
		wantContains(t, ask, "Nobody is emailed.")
		bad := b.get(f.inv("/" + issued + "/void?reason=+"))
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		wantContains(t, bad, "Say why the invoice is void.")
		done := htmx(b)
		badHX := b.get(f.inv("/" + issued + "/void?reason="))
		done()
		wantStatus(t, badHX, http.StatusUnprocessableEntity)
		if !strings.Contains(badHX.Header.Get("HX-Trigger"), "Say why") {
			t.Errorf("htmx refusal without its toast: %q", badHX.Header.Get("HX-Trigger"))
		}
		wantStatus(t, b.get(f.inv("/"+draft+"/void?reason=x")), http.StatusConflict)
		wantStatus(t, b.get(f.inv("/"+foreignDraft+"/void?reason=x")), http.StatusNotFound)
		if got := invStatus(issued); got != tenant.InvoiceIssued {
			t.Fatalf("asking voided it: %s", got)
		}
		action, form := confirmForm(t, ask)
		wantStatus(t, b.post(action, form), http.StatusSeeOther)
		if got := invStatus(issued); got != tenant.InvoiceVoid {
			t.Fatalf("confirmed, the invoice is %s", got)
		}
	})

	t.Run("delete a draft", func(t *testing.T) {
		ask := b.get(f.inv("/" + draft + "/delete"))
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Delete this draft for Žalia UAB?")
		wantStatus(t, b.get(f.inv("/"+issued+"/delete")), http.StatusConflict)
		wantStatus(t, b.get(f.inv("/"+foreignDraft+"/delete")), http.StatusNotFound)
		if got := invStatus(draft); got != tenant.InvoiceDraft {
			t.Fatalf("asking deleted it: %s", got)
		}
		action, form := confirmForm(t, ask)
		wantStatus(t, b.post(action, form), http.StatusSeeOther)
		if got := invStatus(draft); got != "gone" {
			t.Fatalf("confirmed, the draft is %s", got)
		}
	})

	archived := func(id string) string {
		return f.e.caseQuery(t, f.a, `SELECT CASE WHEN archived_at IS NULL THEN 'no' ELSE 'yes' END FROM clients WHERE id = ?`, id)
	}
	t.Run("archive a client", func(t *testing.T) {
		k := f.mustSeedClient(t, tenant.ClientInput{Name: "Archivable", Kind: "company"})
		wantContains(t, b.get(f.path("/"+k.ID)), `<form method="get" action="`+f.path("/"+k.ID)+`/archive"`)
		ask := b.get(f.path("/" + k.ID + "/archive"))
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Archive Archivable?")
		wantStatus(t, b.get(f.path("/"+f.foreign.ID+"/archive")), http.StatusNotFound)
		if archived(k.ID) != "no" {
			t.Fatal("asking archived the client")
		}
		action, form := confirmForm(t, ask)
		wantStatus(t, b.post(action, form), http.StatusSeeOther)
		if archived(k.ID) != "yes" {
			t.Fatal("confirmed, the client is not archived")
		}
	})

	t.Run("bulk changes to clients", func(t *testing.T) {
		one := f.mustSeedClient(t, tenant.ClientInput{Name: "Bulk One", Kind: "company"})
		two := f.mustSeedClient(t, tenant.ClientInput{Name: "Bulk Two", Kind: "company"})
		q := url.Values{"id": {one.ID, two.ID}, "action": {"archive"}, "back": {f.path("?q=Bulk")}}
		ask := b.get(f.path("/bulk?" + q.Encode()))
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Archive 2 clients?")
		wantContains(t, ask, "<li>Bulk One</li>")
		wantContains(t, ask, "<li>Bulk Two</li>")
		for what, q := range map[string]url.Values{
			"no client":      {"action": {"archive"}},
			"no action":      {"id": {one.ID}},
			"an empty tag":   {"id": {one.ID}, "action": {"tag"}, "tag": {" "}},
			"unknown action": {"id": {one.ID}, "action": {"delete"}},
		} {
			res := b.get(f.path("/bulk?" + q.Encode()))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "</html>") {
				t.Errorf("%s: status %d", what, res.StatusCode)
			}
		}
		wantContains(t, b.get(f.path("/bulk?action=archive")), "Select at least one client first.")
		wantStatus(t, b.get(f.path("/bulk?"+url.Values{"id": {one.ID, f.foreign.ID}, "action": {"archive"}}.Encode())), http.StatusNotFound)
		if archived(one.ID) != "no" || archived(two.ID) != "no" {
			t.Fatal("asking archived them")
		}
		action, form := confirmForm(t, ask)
		res := b.post(action, form)
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.path("?q=Bulk") {
			t.Errorf("back to %q", loc)
		}
		if archived(one.ID) != "yes" || archived(two.ID) != "yes" {
			t.Fatal("confirmed, they are not archived")
		}
	})

	t.Run("bulk changes to cases", func(t *testing.T) {
		caseA := mustCreateCase(t, b, f.a, url.Values{"client_id": {f.client.ID}, "title": {"Bulk case"}})
		caseB := mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {f.foreign.ID}, "title": {"B's case"}})
		caseStatus := func() string { return f.e.caseQuery(t, f.a, `SELECT status FROM cases WHERE id = ?`, caseA) }
		before := caseStatus()
		base := "/a/" + f.a.Slug + "/cases"
		wantContains(t, b.get(base), `<form method="get" action="`+base+`/bulk"`)
		ask := b.get(base + "/bulk?" + url.Values{"ids": {caseA}, "action": {"status:closed"}}.Encode())
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Set 1 case to Closed?")
		wantContains(t, ask, "Bulk case (Žalia UAB)")
		bad := b.get(base + "/bulk?action=status:closed")
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		wantContains(t, bad, "Select at least one case first.")
		wantStatus(t, b.get(base+"/bulk?"+url.Values{"ids": {caseA}, "action": {"paint"}}.Encode()), http.StatusUnprocessableEntity)
		wantStatus(t, b.get(base+"/bulk?"+url.Values{"ids": {caseA, caseB}, "action": {"status:closed"}}.Encode()), http.StatusNotFound)
		if caseStatus() != before {
			t.Fatal("asking changed the case")
		}
		action, form := confirmForm(t, ask)
		wantStatus(t, b.post(action, form), http.StatusSeeOther)
		if got := caseStatus(); got != "closed" {
			t.Fatalf("confirmed, the case is %s", got)
		}
	})

	t.Run("sign out everywhere else", func(t *testing.T) {
		elsewhere := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
		sessions := func() string {
			return f.e.caseQuery(t, f.a, `SELECT count(*) FROM sessions WHERE user_id = ?`, f.owner.ID)
		}
		before := sessions()
		ask := b.get("/a/" + f.a.Slug + "/account/sessions/others/revoke")
		wantStatus(t, ask, http.StatusOK)
		wantContains(t, ask, "Sign out everywhere else?")
		if sessions() != before {
			t.Fatal("asking signed someone out")
		}
		action, form := confirmForm(t, ask)
		wantStatus(t, b.post(action, form), http.StatusSeeOther)
		res := elsewhere.get("/a/" + f.a.Slug + "/account/sessions")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the other session still works: %d", res.StatusCode)
		}
	})
}
