package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAPIInvoiceLifecycle: with a token, a draft is created (201, Location,
// ETag, the billing settings' currency and terms), changed with If-Match (a
// stale ETag 409, nothing written), issued (numbered, the client's portal
// contact emailed, audited as the token), then a draft-only change is 409;
// more than is owed is refused (422 on amount, as the UI), a payment is
// recorded (201, paid); the PDF is the staff download's; a paid invoice is
// not voided, an unpaid one is, with a reason; each write queues the
// webhook the UI's does.
func TestAPIInvoiceLifecycle(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	tok := f.full
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings/webhooks", url.Values{"url": {"https://93.184.215.14/hooks"},
		"events": {"invoice.issued", "payment.recorded", "invoice.paid", "invoice.voided"}}), http.StatusOK)
	invoices := func() string {
		return f.e.caseQuery(t, f.a, `SELECT count(*) || ':' || group_concat(status || COALESCE(notes, '')) FROM invoices`)
	}

	res := tok.api(t, "POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"due_date":"2026-11-30",
		"lines":[{"description":"Design","quantity_milli":2500,"unit_price":4000,"vat_rate_bp":2100},{"description":"Hosting","quantity_milli":1000,"unit_price":1000,"vat_rate_bp":0,"discount_bp":1000}]}`, f.x))
	wantStatus(t, res, http.StatusCreated)
	var inv map[string]any
	mustJSON(t, res.Body, &inv)
	id, _ := inv["id"].(string)
	if res.Header.Get("Location") != "/api/v1/invoices/"+id || res.Header.Get("ETag") == "" {
		t.Fatalf("Location %q, ETag %q", res.Header.Get("Location"), res.Header.Get("ETag"))
	}
	// 2.5 × 40.00 at 21 % + 10.00 less 10 %: 100.00 + 21.00 + 9.00.
	if inv["status"] != "draft" || inv["currency"] != "EUR" || inv["total"] != float64(13000) || inv["due_date"] != "2026-11-30" || inv["issue_date"] != "2026-11-02" {
		t.Fatalf("draft %s", res.Body)
	}
	etag := res.Header.Get("ETag")

	stale := `"0000"`
	tok.headers["If-Match"] = stale
	problemOf(t, tok.api(t, "PATCH", "/api/v1/invoices/"+id, `{"notes":"Stale"}`), http.StatusConflict)
	tok.headers["If-Match"] = etag
	res = tok.api(t, "PATCH", "/api/v1/invoices/"+id, `{"notes":"Thanks","lines":[{"description":"Design","quantity_milli":1000,"unit_price":10000,"vat_rate_bp":2100}]}`)
	delete(tok.headers, "If-Match")
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.Body, `"notes":"Thanks"`) || !strings.Contains(res.Body, `"total":12100`) {
		t.Fatalf("changed draft %s", res.Body)
	}
	if got := f.e.caseQuery(t, f.a, `SELECT notes FROM invoices WHERE id = '`+id+`'`); got != "Thanks" {
		t.Fatalf("stored notes %q", got)
	}

	res = tok.api(t, "POST", "/api/v1/invoices/"+id+"/issue", "")
	wantStatus(t, res, http.StatusOK)
	mustJSON(t, res.Body, &inv)
	number, _ := inv["number"].(string)
	if inv["status"] != "issued" || number == "" || inv["issued_at"] == nil {
		t.Fatalf("issued %s", res.Body)
	}
	f.e.flushMail(t)
	if msg := f.e.smtp.WaitFor(t, f.contactEmail, 5*time.Second); !strings.Contains(msg.Subject+msg.Body, number) {
		t.Fatalf("issue email without %s: %s\n%s", number, msg.Subject, msg.Body)
	}
	if got := f.e.caseQuery(t, f.a, `SELECT actor_name FROM audit_log WHERE action = 'invoice.issued' ORDER BY at DESC LIMIT 1`); !strings.Contains(got, "via API token “Full”") {
		t.Fatalf("issue audited as %q", got)
	}

	before := invoices()
	problemOf(t, tok.api(t, "PATCH", "/api/v1/invoices/"+id, `{"notes":"Too late"}`), http.StatusConflict)
	problemOf(t, tok.api(t, "POST", "/api/v1/invoices/"+id+"/issue", ""), http.StatusConflict)
	if got := invoices(); got != before {
		t.Fatalf("refused changes wrote: %s → %s", before, got)
	}

	p := problemOf(t, tok.api(t, "POST", "/api/v1/invoices/"+id+"/payments", `{"amount":999999,"paid_on":"2026-11-02","method":"cash"}`), http.StatusUnprocessableEntity)
	if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM payments WHERE invoice_id = '`+id+`'`); got != "0" || !strings.Contains(toJSON(p["errors"]), `"field":"amount"`) {
		t.Fatalf("an overpayment was recorded (%v): %s payments", p, got)
	}
	res = tok.api(t, "POST", "/api/v1/invoices/"+id+"/payments", `{"amount":12100,"paid_on":"2026-11-02","method":"bank_transfer","reference":"SEPA 1"}`)
	wantStatus(t, res, http.StatusCreated)
	if !strings.Contains(res.Body, `"status":"paid"`) || !strings.Contains(res.Body, `"paid":12100`) {
		t.Fatalf("paid %s", res.Body)
	}
	if got := f.e.caseQuery(t, f.a, `SELECT actor_name FROM audit_log WHERE action = 'payment.recorded' ORDER BY at DESC LIMIT 1`); !strings.Contains(got, "via API token") {
		t.Fatalf("payment audited as %q", got)
	}

	pdf := tok.api(t, "GET", "/api/v1/invoices/"+id+"/pdf", "")
	wantStatus(t, pdf, http.StatusOK)
	staff := f.a.Owner.get("/a/" + f.a.Slug + "/invoices/" + id + "/pdf")
	if pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") || pdf.Header.Get("Content-Disposition") != staff.Header.Get("Content-Disposition") {
		t.Fatalf("pdf %q %q (staff %q)", pdf.Header.Get("Content-Type"), pdf.Header.Get("Content-Disposition"), staff.Header.Get("Content-Disposition"))
	}

	problemOf(t, tok.api(t, "POST", "/api/v1/invoices/"+id+"/void", `{"reason":"Paid already"}`), http.StatusConflict)
	res = tok.api(t, "POST", "/api/v1/invoices/"+f.draftY+"/issue", "")
	wantStatus(t, res, http.StatusOK)
	p = problemOf(t, tok.api(t, "POST", "/api/v1/invoices/"+f.draftY+"/void", `{"reason":""}`), http.StatusUnprocessableEntity)
	if !strings.Contains(toJSON(p["errors"]), `"field":"reason"`) {
		t.Fatalf("void without a reason: %v", p["errors"])
	}
	res = tok.api(t, "POST", "/api/v1/invoices/"+f.draftY+"/void", `{"reason":"Sent twice"}`)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.Body, `"status":"void"`) {
		t.Fatalf("voided %s", res.Body)
	}
	// The webhooks of the UI's writes, queued by the same code.
	events := f.e.caseQuery(t, f.a, `SELECT group_concat(event, ' ') FROM (SELECT event FROM webhook_deliveries ORDER BY event)`)
	if events != "invoice.issued invoice.issued invoice.paid invoice.voided payment.recorded" {
		t.Fatalf("webhook deliveries %q", events)
	}
}

// TestAPIInvoiceBadInput: each invoice write refuses bad input with 422
// naming the field (in the body's names), and writes nothing; another
// agency's client is refused too, and another agency's invoice is 404 on
// every invoice route with A's token, B's invoices unchanged.
func TestAPIInvoiceBadInput(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	line := `{"description":"Work","quantity_milli":1000,"unit_price":100}`
	cases := []struct {
		method, path, body, field string
	}{
		{"POST", "/api/v1/invoices", `{"lines":[` + line + `]}`, "client_id"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[]}`, f.y), "lines"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"currency":"XXX","lines":[%s]}`, f.y, line), "currency"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[{"description":"","quantity_milli":0,"unit_price":1}]}`, f.y), "lines.0.description"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[{"description":"x","quantity_milli":0,"unit_price":1}]}`, f.y), "lines.0.quantity_milli"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[{"description":"x","quantity_milli":1000,"unit_price":-5}]}`, f.y), "lines.0.unit_price"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[{"description":"x","quantity_milli":1000,"unit_price":1,"vat_rate_bp":20000}]}`, f.y), "lines.0.vat_rate_bp"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"due_date":"soon","lines":[%s]}`, f.y, line), "due_date"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":"many"}`, f.y), "lines"},
		{"POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[%s]}`, f.bClient, line), "client_id"},
		{"PATCH", "/api/v1/invoices/" + f.draftY, `{"currency":"XXX"}`, "currency"},
		{"PATCH", "/api/v1/invoices/" + f.draftY, `{"lines":[{"description":"x","quantity_milli":-1,"unit_price":1}]}`, "lines.0.quantity_milli"},
		{"PATCH", "/api/v1/invoices/" + f.draftY, `{"colour":"red"}`, "colour"},
		{"POST", "/api/v1/invoices/" + f.invY + "/payments", `{"amount":0,"paid_on":"2026-11-02","method":"cash"}`, "amount"},
		{"POST", "/api/v1/invoices/" + f.invY + "/payments", `{"amount":100,"paid_on":"2027-01-01","method":"cash"}`, "paid_on"},
		{"POST", "/api/v1/invoices/" + f.invY + "/payments", `{"amount":100,"paid_on":"2026-11-02","method":"barter"}`, "method"},
		{"POST", "/api/v1/invoices/" + f.invY + "/payments", `{"amount":"1.00","paid_on":"2026-11-02","method":"cash"}`, "amount"},
	}
	before := f.stateOfA(t)
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" "+tc.field, func(t *testing.T) {
			p := problemOf(t, f.full.api(t, tc.method, tc.path, tc.body), http.StatusUnprocessableEntity)
			if !strings.Contains(toJSON(p["errors"]), `"field":"`+tc.field+`"`) {
				t.Fatalf("errors %s, want the field %s", toJSON(p["errors"]), tc.field)
			}
		})
	}
	if got := f.stateOfA(t); got != before {
		t.Fatalf("refused input changed agency A:\nbefore %s\nafter  %s", before, got)
	}
	// B's own draft, made with B's token, is not found with A's.
	res := f.bFull.api(t, "POST", "/api/v1/invoices", fmt.Sprintf(`{"client_id":%q,"lines":[%s]}`, f.bClient, line))
	wantStatus(t, res, http.StatusCreated)
	var bDraft map[string]any
	mustJSON(t, res.Body, &bDraft)
	bID, _ := bDraft["id"].(string)
	stateOfB := func() string {
		return f.e.caseQuery(t, f.b, `SELECT count(*) || group_concat(status || COALESCE(notes, '')) FROM invoices`) +
			f.e.caseQuery(t, f.b, `SELECT count(*) FROM payments`)
	}
	beforeB := stateOfB()
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v1/invoices/" + bID, ""},
		{"PATCH", "/api/v1/invoices/" + bID, `{"notes":"From A"}`},
		{"POST", "/api/v1/invoices/" + bID + "/issue", ""},
		{"POST", "/api/v1/invoices/" + bID + "/payments", `{"amount":100,"paid_on":"2026-11-02","method":"cash"}`},
		{"POST", "/api/v1/invoices/" + bID + "/void", `{"reason":"From A"}`},
		{"GET", "/api/v1/invoices/" + bID + "/pdf", ""},
	} {
		problemOf(t, f.full.api(t, tc.method, tc.path, tc.body), http.StatusNotFound)
	}
	if got := stateOfB(); got != beforeB {
		t.Fatalf("A's token changed B's invoices: %s → %s", beforeB, got)
	}
	reader := mustAPIToken(t, f.e, f.a, "Invoice reader", url.Values{"scope_invoices": {"read"}})
	wantStatus(t, reader.api(t, "GET", "/api/v1/invoices/"+f.invY+"/pdf", ""), http.StatusOK)
	problemOf(t, reader.api(t, "POST", "/api/v1/invoices/"+f.invY+"/payments", `{"amount":100,"paid_on":"2026-11-02","method":"cash"}`), http.StatusForbidden)
}

// TestAPIConcurrentPayment: ten identical POST /api/v1/invoices/:id/payments
// with one Idempotency-Key sent at once record one payment, and every
// answer is the first one's.
func TestAPIConcurrentPayment(t *testing.T) {
	t.Parallel()
	f := mustAPIFixture(t)
	body := `{"amount":500,"paid_on":"2026-11-02","method":"cash","reference":"once"}`
	const n = 10
	answers := make([]*response, n)
	var wg sync.WaitGroup
	for i := range n {
		c := f.e.newClient()
		c.headers["Authorization"] = f.full.headers["Authorization"]
		c.headers["Idempotency-Key"] = "pay-once-1"
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = c.do("POST", "/api/v1/invoices/"+f.invY+"/payments", strings.NewReader(body), "application/json")
		}()
	}
	wg.Wait()
	for i, res := range answers {
		if res.StatusCode != http.StatusCreated || res.Body != answers[0].Body {
			t.Errorf("answer %d: %d %s (first: %s)", i, res.StatusCode, res.Body, answers[0].Body)
		}
	}
	checkAgainstOpenAPI(t, "POST", "/api/v1/invoices/"+f.invY+"/payments", answers[0])
	if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM payments WHERE reference = 'once'`); got != "1" {
		t.Fatalf("%s payments recorded by %d identical posts", got, n)
	}
}

// mustJSON reads an answer's JSON body into v.
func mustJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v: %.300s", err, body)
	}
}
