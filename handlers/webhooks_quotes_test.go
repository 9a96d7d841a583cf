package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWebhookQuoteEvents: an endpoint that chose quote.accepted and
// quote.declined gets one delivery when the client's contact accepts a
// quote in the portal and one when they decline another, each naming its
// quote, queued with the change; a refused decline (no reason) and a
// second acceptance queue nothing.
func TestWebhookQuoteEvents(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings/webhooks", url.Values{"url": {"https://93.184.215.14/hooks"},
		"events": {"quote.accepted", "quote.declined"}}), http.StatusOK)
	deliveries := func() string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE(group_concat(event || '=' || json_extract(payload, '$.data.id'), ' '), '') FROM
			(SELECT event, payload FROM webhook_deliveries ORDER BY created_at, event)`)
	}
	accepted := f.mustSentQuote(t, f.x)
	declined := f.mustSentQuote(t, f.x)
	if got := deliveries(); got != "" {
		t.Fatalf("deliveries before any answer: %s", got)
	}

	form := url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {f.mustQuoteCode(t, accepted)}}
	wantStatus(t, f.contact.post(f.portal("/quotes/"+accepted+"/accept"), form), http.StatusSeeOther)
	if got := deliveries(); got != "quote.accepted="+accepted {
		t.Fatalf("after the acceptance: %s", got)
	}
	wantStatus(t, f.contact.post(f.portal("/quotes/"+accepted+"/accept"), form), http.StatusConflict)
	wantStatus(t, f.contact.post(f.portal("/quotes/"+declined+"/decline"), url.Values{"reason": {" "}}), http.StatusUnprocessableEntity)
	if got := deliveries(); got != "quote.accepted="+accepted {
		t.Fatalf("refused answers queued: %s", got)
	}
	wantStatus(t, f.contact.post(f.portal("/quotes/"+declined+"/decline"), url.Values{"reason": {"Too dear"}}), http.StatusSeeOther)
	if got := deliveries(); !strings.Contains(got, "quote.accepted="+accepted) || !strings.Contains(got, "quote.declined="+declined) || strings.Count(got, "=") != 2 {
		t.Fatalf("after the decline: %s", got)
	}
}
