package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// BenchmarkWebhookDeliver is the sender's throughput for one agency:
// b.N deliveries queued beforehand (outside the timer) are each checked,
// signed, posted to a loopback receiver answering 204 and recorded
// delivered, through DeliverDue in passes of 100 as the job makes them.
func BenchmarkWebhookDeliver(b *testing.B) {
	ctx := context.Background()
	tn, _ := openAgency(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	if _, err := tn.CreateWebhookEndpoint(ctx, srv.URL+"/hooks", "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"}); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		if err := tn.RecordAudit(ctx, tenant.Audit{Action: "client.created", Target: "client-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	s := &webhook.Sender{Checker: webhook.Checker{Dev: true, AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}}
	b.ResetTimer()
	for sent := 0; sent < b.N; {
		r, err := s.DeliverDue(ctx, tn, 100)
		if err != nil || r.Failed > 0 || r.Delivered == 0 {
			b.Fatalf("after %d sent: %+v, %v", sent, r, err)
		}
		sent += r.Delivered
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
