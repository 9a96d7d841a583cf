package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCountersMoveAndAreServed(t *testing.T) {
	sent := testutil.ToFloat64(emails.WithLabelValues("sent"))
	EmailSent()
	if got := testutil.ToFloat64(emails.WithLabelValues("sent")); got != sent+1 {
		t.Fatalf("emails sent = %v, want %v", got, sent+1)
	}
	refused := testutil.ToFloat64(paymentCallbacks.WithLabelValues("refused"))
	PaymentCallback("bad signature") // anything but accepted is a refusal
	if got := testutil.ToFloat64(paymentCallbacks.WithLabelValues("refused")); got != refused+1 {
		t.Fatalf("payment callbacks refused = %v, want %v", got, refused+1)
	}
	Request("/a/:slug/cases/:id", "GET", 200, 3*time.Millisecond)
	Request("", "GET", 404, time.Millisecond)
	JobRun("sessions-cleanup", false, time.Second, time.Unix(1_800_000_000, 0))
	untrack := TrackOpenTenants("test", func() int { return 7 })
	defer untrack()

	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`mintedmind_http_requests_total{method="GET",route="/a/:slug/cases/:id",status="200"}`,
		`mintedmind_http_requests_total{method="GET",route="unmatched",status="404"}`,
		`mintedmind_http_request_duration_seconds_bucket{method="GET",route="/a/:slug/cases/:id",le="0.005"}`,
		`mintedmind_job_runs_total{job="sessions-cleanup",result="ok"}`,
		`mintedmind_job_last_success_timestamp_seconds{job="sessions-cleanup"} 1.8e+09`,
		`mintedmind_tenant_databases_open 7`,
		`mintedmind_payment_callbacks_total{result="accepted"}`,
		`mintedmind_emails_total{result="failed"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
