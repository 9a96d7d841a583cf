package opstest

import (
	"net/http"
	"testing"
	"time"
)

// TestKill9UnderMixedLoad kills the server with SIGKILL while it adds
// clients, cases and notes to two agencies and signs up new ones: on the
// next start every database passes integrity_check and every acknowledged
// write is there.
func TestKill9UnderMixedLoad(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	owners := map[string]*agent{"crash-a": mustSignup(t, s.url(""), "crash-a"), "crash-b": mustSignup(t, s.url(""), "crash-b")}
	l := startLoad(s.url(""), owners, 4, 4)
	l.acks.waitFor(t, 60, 60*time.Second) // the kill comes in the middle of busy writers
	s.kill()
	k := l.finish()
	if k.count() == 0 {
		t.Fatalf("the load acknowledged nothing before the kill (%d tries)", k.tries.Load())
	}
	t.Logf("%d writes acknowledged of %d tried before kill -9", k.count(), k.tries.Load())

	// The server recovers the write-ahead logs on start; check after it.
	s2 := startServerAt(t, s.addr, data)
	res, _, err := owners["crash-b"].get("/a/crash-b/cases")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("cases page after the crash: %v %v", res, err)
	}
	s2.terminate()
	n := mustIntegrityOK(t, data)
	mustHaveAcked(t, data, k)
	t.Logf("integrity_check ok on %d databases", n)
}
