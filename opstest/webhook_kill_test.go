package opstest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookReceiver is a webhook receiver on loopback that checks each post's
// Standard Webhooks signature itself, from the spec (not our signer), and
// counts the posts of each webhook-id.
type hookReceiver struct {
	key    []byte
	mu     sync.Mutex
	posts  map[string]int
	bodies []string
	bad    []string
}

// ServeHTTP answers 204 to a post signed with the endpoint's key within
// five minutes of now, 401 to any other.
func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	signed := false
	for _, sig := range strings.Fields(r.Header.Get("webhook-signature")) {
		signed = signed || hmac.Equal([]byte(sig), []byte(want))
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	fresh := err == nil && time.Since(time.Unix(sec, 0)).Abs() < 5*time.Minute
	h.mu.Lock()
	defer h.mu.Unlock()
	if !signed || !fresh || id == "" {
		h.bad = append(h.bad, id+" "+ts+" "+r.Header.Get("webhook-signature"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.posts[id]++
	h.bodies = append(h.bodies, string(body))
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.posts {
		n += c
	}
	return n
}

var webhookSecretRE = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)

// TestKill9BetweenCommitAndDelivery: a client is created while the
// agency's webhook receiver is down, so its client.created delivery is
// committed with the client and not yet sent; the server is killed with
// SIGKILL. After a restart, with the receiver up, the server's own
// webhooks-deliver job posts the event: once, signed (checked from the
// spec), and a further run of the job sends nothing again.
func TestKill9BetweenCommitAndDelivery(t *testing.T) {
	data := t.TempDir()
	flags := []string{"-webhooks-http", "-webhooks-loopback"}
	s := startServer(t, data, flags...)
	owner := mustSignup(t, s.url(""), "hookkill")
	hookAddr := freeAddr(t) // reserved, but nothing listens yet: the receiver is down
	res, body, err := owner.post("/a/hookkill/settings/webhooks", url.Values{"url": {"http://" + hookAddr + "/hooks"}, "events": {"client.created"}})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("register the endpoint: %v %v\n%s", res, err, tail(body, 800))
	}
	secret := webhookSecretRE.FindString(html.UnescapeString(body))
	if secret == "" {
		t.Fatalf("no secret on the page:\n%s", tail(body, 800))
	}
	clientID := owner.created("/a/hookkill/clients", url.Values{"name": {"Hooked Before The Crash"}, "kind": {"person"}})
	if clientID == "" {
		t.Fatal("the client was not created")
	}
	tenantDB := filepath.Join(data, "tenants", agencyID(t, data, "hookkill"), "tenant.db")
	var queued string
	if err := openDB(t, tenantDB).QueryRow(`SELECT state || ':' || payload FROM webhook_deliveries`).Scan(&queued); err != nil || !strings.Contains(queued, clientID) {
		t.Fatalf("delivery before the kill: %q %v", queued, err)
	}
	s.kill()

	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	recv := &hookReceiver{key: key, posts: map[string]int{}}
	ln, err := net.Listen("tcp", hookAddr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: recv}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	s2 := startServerAt(t, s.addr, data, flags...)
	waitUntil(t, 150*time.Second, "the delivery queued before the kill reached the receiver", func() bool { return recv.total() > 0 })
	s2.terminate()

	// One more pass of the job, by hand: a delivered event is not sent again.
	run := exec.Command(binary, append([]string{"jobs", "run", "webhooks-deliver", "-data", data}, flags...)...)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("jobs run webhooks-deliver: %v\n%s", err, out)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bad) > 0 {
		t.Fatalf("posts failing the signature check: %v", recv.bad)
	}
	if len(recv.posts) != 1 || len(recv.bodies) != 1 {
		t.Fatalf("posts by webhook-id %v, want one post of one delivery", recv.posts)
	}
	var event struct {
		Type string
		Data map[string]string
	}
	if err := json.Unmarshal([]byte(recv.bodies[0]), &event); err != nil || event.Type != "client.created" || event.Data["id"] != clientID {
		t.Fatalf("the event %s (%v), want client.created of %s", recv.bodies[0], err, clientID)
	}
	var state string
	if err := openDB(t, tenantDB).QueryRow(`SELECT state FROM webhook_deliveries`).Scan(&state); err != nil || state != "delivered" {
		t.Fatalf("the delivery after restart: %q (%v)", state, err)
	}
}
