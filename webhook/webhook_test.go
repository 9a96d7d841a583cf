package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/clock"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// verify is the Standard Webhooks check written from the spec, not our signer.
func verify(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, h.Get("webhook-id")+"."+h.Get("webhook-timestamp")+"."+string(body))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func openAgency(t testing.TB) (*tenant.Store, *clock.Manual) {
	t.Helper()
	c := clock.NewManual(dbtest.Start)
	pool, err := tenant.NewPool(t.TempDir(), dbtest.TenantSchema(t), tenant.PoolConfig{MaxOpen: 5, IdleTimeout: time.Hour}, c, dbtest.DiscardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	id := uuid.NewString()
	if _, err := pool.CreateWithOwner(context.Background(), id, "a", tenant.NewOwner{Email: "o@a.test", Name: "O", PasswordHash: dbtest.Hash}); err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn, c
}

func count(t *testing.T, tn *tenant.Store, q string) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWebhookDelivery: a real HTTPS receiver checks the signature; its
// first answer is 500, the retry after the backoff is delivered, and a
// delivered message is never sent again.
func TestWebhookDelivery(t *testing.T) {
	ctx := context.Background()
	tn, c := openAgency(t)
	var mu sync.Mutex
	var got []string
	var secret string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !verify(secret, r.Header, body) {
			t.Errorf("bad signature %q", r.Header.Get("webhook-signature"))
		}
		got = append(got, r.Header.Get("webhook-id")+" "+string(body))
		if len(got) == 1 {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	s := &webhook.Sender{TLS: &tls.Config{RootCAs: pool, ServerName: "example.com"},
		Checker: webhook.Checker{AllowIP: func(ip netip.Addr) bool { return ip.IsLoopback() }}}

	ep, err := tn.CreateWebhookEndpoint(ctx, srv.URL, "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"})
	if err != nil {
		t.Fatal(err)
	}
	secret = ep.Secret
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "client.created", Target: "c1"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "client.archived", Target: "c1"}); err != nil { // not chosen
		t.Fatal(err)
	}
	if n := count(t, tn, `SELECT count(*) FROM webhook_deliveries`); n != 1 {
		t.Fatalf("queued %d deliveries, want 1", n)
	}
	r, err := s.DeliverDue(ctx, tn, 10)
	if err != nil || r.Failed != 1 || r.Delivered != 0 {
		t.Fatalf("first pass %+v %v", r, err)
	}
	if r, _ := s.DeliverDue(ctx, tn, 10); r.Failed+r.Delivered != 0 {
		t.Fatalf("retried before the backoff: %+v", r)
	}
	c.Advance(tenant.WebhookBackoff(1))
	if r, err := s.DeliverDue(ctx, tn, 10); err != nil || r.Delivered != 1 {
		t.Fatalf("retry %+v %v", r, err)
	}
	c.Advance(time.Hour)
	if r, _ := s.DeliverDue(ctx, tn, 10); r.Failed+r.Delivered != 0 {
		t.Fatalf("delivered twice: %+v", r)
	}
	if len(got) != 2 || got[0] != got[1] || !strings.Contains(got[0], `"type":"client.created"`) {
		t.Fatalf("received %q", got)
	}
	ds, _ := tn.WebhookDeliveries(ctx, ep.ID, 10)
	if len(ds) != 1 || ds[0].State != "delivered" || ds[0].Attempts != 2 || ds[0].ResponseCode != 200 {
		t.Fatalf("log %+v", ds)
	}
}

// TestWebhookAddressRefused: loopback, private and link-local addresses
// and plain http are refused when checked, and at delivery an endpoint
// stored with such an address is never dialled.
func TestWebhookAddressRefused(t *testing.T) {
	ctx := context.Background()
	var ck webhook.Checker
	for _, u := range []string{"https://127.0.0.1/h", "https://10.1.2.3/h", "https://192.168.0.5/h", "https://169.254.169.254/latest",
		"https://[::1]/h", "https://localhost/h", "http://93.184.215.14/h", "ftp://x", "https://100.64.0.1/"} {
		if _, err := ck.CheckURL(ctx, u); !errors.Is(err, webhook.ErrAddress) {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
	if _, err := ck.CheckURL(ctx, "https://93.184.215.14/h"); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	dev := webhook.Checker{Dev: true}
	if _, err := dev.CheckURL(ctx, "http://93.184.215.14/h"); err != nil {
		t.Errorf("http with the development flag: %v", err)
	}

	tn, _ := openAgency(t)
	hits := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	if _, err := tn.CreateWebhookEndpoint(ctx, srv.URL, "", []string{"client.created"}, tenant.Audit{Action: "webhook.created"}); err != nil {
		t.Fatal(err)
	}
	tn.RecordAudit(ctx, tenant.Audit{Action: "client.created", Target: "c1"})
	s := &webhook.Sender{TLS: &tls.Config{RootCAs: pool, ServerName: "example.com"}}
	r, err := s.DeliverDue(ctx, tn, 10)
	if err != nil || r.Failed != 1 || hits != 0 {
		t.Fatalf("loopback delivery: %+v %v, %d hits", r, err, hits)
	}
}
