package jobs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// TestWebhooksJob: the job posts a queued delivery to a real receiver once;
// a second run sends nothing more.
func TestWebhooksJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	control, pool, clk := mustOpen(t)
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, "a long password")
	a, _, err := app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "A", Slug: "hooks-a", OwnerName: "O", OwnerEmail: "o@example.test", OwnerPasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	certs := x509.NewCertPool()
	certs.AddCert(srv.Certificate())
	tn, release, err := pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreateWebhookEndpoint(ctx, srv.URL, "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "client.created", Target: "c1"}); err != nil {
		t.Fatal(err)
	}
	release()
	r := NewRunner(control, pool, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	r.AddWebhooks(&webhook.Sender{TLS: &tls.Config{RootCAs: certs, ServerName: "example.com"},
		Checker: webhook.Checker{AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}}, nil, "http://mm.test")
	run, err := r.Run(ctx, JobWebhooks)
	if err != nil || run.Counts["delivered"] != 1 || hits.Load() != 1 {
		t.Fatalf("first run: %v %v, %d hits", run.Counts, err, hits.Load())
	}
	if run, err := r.Run(ctx, JobWebhooks); err != nil || run.Counts["delivered"] != 0 || hits.Load() != 1 {
		t.Fatalf("second run: %v %v, %d hits", run.Counts, err, hits.Load())
	}
}
