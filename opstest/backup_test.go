package opstest

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupDuringWritesThenRestore takes a backup with `mintedmind backup`
// while writers are busy, restores it with `mintedmind restore` into a new
// data directory, and compares: everything acknowledged before the backup
// began is there, nothing is there that the live installation lacks, the
// agency's files are identical, and the restored installation serves.
func TestBackupDuringWritesThenRestore(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	owners := map[string]*agent{"bak-a": mustSignup(t, s.url(""), "bak-a"), "bak-b": mustSignup(t, s.url(""), "bak-b")}
	idA := agencyID(t, data, "bak-a")
	doc := filepath.Join("tenants", idA, "files", "3f", "document-1")
	if err := os.MkdirAll(filepath.Join(data, filepath.Dir(doc)), 0o700); err != nil {
		t.Fatal(err)
	}
	content := bytes.Repeat([]byte("signed contract "), 4096)
	if err := os.WriteFile(filepath.Join(data, doc), content, 0o600); err != nil {
		t.Fatal(err)
	}

	l := startLoad(s.url(""), owners, 3, 0)
	l.acks.waitFor(t, 20, 30*time.Second) // writers are busy
	before := l.acks.snapshot()
	dest := filepath.Join(t.TempDir(), "backup-1")
	out, err := exec.Command(binary, "backup", dest, "-data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	l.acks.waitFor(t, l.acks.count()+5, 30*time.Second) // and go on after the backup
	all := l.finish()
	s.terminate()
	t.Logf("backup: %s", strings.TrimSpace(string(out)))
	if before.count() == 0 || all.count() <= before.count() {
		t.Fatalf("the load must run before and during the backup: %d then %d acknowledged", before.count(), all.count())
	}

	restored := filepath.Join(t.TempDir(), "data")
	if out, err := exec.Command(binary, "restore", dest, "-data", restored).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	mustIntegrityOK(t, restored)
	mustHaveAcked(t, restored, before)

	t.Run("nothing restored that the live installation lacks", func(t *testing.T) {
		for _, slug := range []string{"bak-a", "bak-b"} {
			id := agencyID(t, data, slug)
			live := openDB(t, filepath.Join(data, "tenants", id, "tenant.db"))
			rows, err := openDB(t, filepath.Join(restored, "tenants", id, "tenant.db")).Query(`SELECT id FROM clients`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var cid string
				rows.Scan(&cid)
				var found int
				live.QueryRow(`SELECT COUNT(*) FROM clients WHERE id = ?`, cid).Scan(&found)
				if found != 1 {
					t.Fatalf("restored client %s of %s is not in the live database", cid, slug)
				}
				n++
			}
			rows.Close()
			if n < len(before.clients[slug]) {
				t.Fatalf("%s: %d clients restored, %d acknowledged before the backup", slug, n, len(before.clients[slug]))
			}
		}
	})

	t.Run("the agency's files are restored byte for byte", func(t *testing.T) {
		got, err := os.ReadFile(filepath.Join(restored, doc))
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("document after restore: %d bytes, %v", len(got), err)
		}
	})

	t.Run("restore refuses a data directory that is not empty", func(t *testing.T) {
		out, err := exec.Command(binary, "restore", dest, "-data", data).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "not empty") {
			t.Fatalf("restore over the live data: %v\n%s", err, out)
		}
	})

	t.Run("the restored installation serves", func(t *testing.T) {
		s2 := startServer(t, restored)
		a := owners["bak-a"] // the same sessions: they were in the backup
		a.base = s2.url("")
		ids := before.clients["bak-a"]
		res, _, err := a.get("/a/bak-a/clients/" + ids[0])
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("client page on the restored installation: %v %v", res, err)
		}
		s2.terminate()
	})
}
