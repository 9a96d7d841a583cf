package opstest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSIGTERMUnderLoad stops the server with SIGTERM while writers are
// busy: it must exit cleanly, every acknowledged write must be in the
// databases, every database closed (no -wal left), and the next start
// serves the same data.
func TestSIGTERMUnderLoad(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	owners := map[string]*agent{"term-a": mustSignup(t, s.url(""), "term-a"), "term-b": mustSignup(t, s.url(""), "term-b")}
	l := startLoad(s.url(""), owners, 4, 3)
	l.acks.waitFor(t, 40, 60*time.Second) // SIGTERM comes in the middle of busy writers
	before := l.acks.count()
	s.terminate()
	k := l.finish()
	if before == 0 || k.count() == 0 {
		t.Fatalf("the load acknowledged nothing before SIGTERM (%d tries)", k.tries.Load())
	}
	if n := k.errors5xx.Load(); n > 0 {
		t.Fatalf("%d requests got a server error during the shutdown", n)
	}
	t.Logf("%d writes acknowledged of %d tried; SIGTERM after %d", k.count(), k.tries.Load(), before)
	log := s.log.String()
	for _, want := range []string{`"msg":"shutting down: finishing requests in flight"`, `"msg":"stopped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s", want)
		}
	}

	// A database closed cleanly leaves no write-ahead log: SQLite
	// checkpoints and removes it at the last close. (Checked before this
	// test opens any database itself.)
	wals, _ := filepath.Glob(filepath.Join(data, "tenants", "*", "tenant.db-wal"))
	if _, err := os.Stat(filepath.Join(data, "control.db-wal")); err == nil {
		wals = append(wals, "control.db-wal")
	}
	if len(wals) > 0 {
		t.Fatalf("write-ahead logs left behind, so a database was not closed: %v", wals)
	}

	mustIntegrityOK(t, data)
	mustHaveAcked(t, data, k)
	t.Run("the next start serves the same data with the same sessions", func(t *testing.T) {
		s2 := startServerAt(t, s.addr, data)
		a := owners["term-a"]
		ids := k.clients["term-a"]
		res, body, err := a.get("/a/term-a/clients/" + ids[len(ids)-1])
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(body, "Client ") {
			t.Fatalf("last acknowledged client after restart: %v %v", res.Status, err)
		}
		s2.terminate()
	})
}
