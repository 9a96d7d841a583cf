package webhook_test

import (
	"context"
	"crypto/tls"
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
	srv := httptest.NewServer(http.HandlerFunc(benchReceiver))
	defer srv.Close()
	benchDeliver(b, srv, nil)
}

// BenchmarkWebhookDeliverTLS is the same to an HTTPS receiver on loopback
// (httptest's certificate, trusted by the sender): each delivery dials a
// fresh connection, so each pays a TLS handshake.
func BenchmarkWebhookDeliverTLS(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(benchReceiver))
	defer srv.Close()
	benchDeliver(b, srv, srv.Client().Transport.(*http.Transport).TLSClientConfig)
}

// benchReceiver reads a delivery and answers 204.
func benchReceiver(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.WriteHeader(http.StatusNoContent)
}

// benchDeliver queues b.N deliveries to srv outside the timer and times
// DeliverDue sending them all, with tlsConfig for an HTTPS receiver.
func benchDeliver(b *testing.B, srv *httptest.Server, tlsConfig *tls.Config) {
	ctx := context.Background()
	tn, _ := openAgency(b)
	if _, err := tn.CreateWebhookEndpoint(ctx, srv.URL+"/hooks", "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"}); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		if err := tn.RecordAudit(ctx, tenant.Audit{Action: "client.created", Target: "client-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	s := &webhook.Sender{Checker: webhook.Checker{Dev: true, AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}, TLS: tlsConfig}
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
