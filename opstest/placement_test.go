package opstest

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTwoMachinesShareOneControlDatabase runs two instances on loopback
// that share a control database and hold different agencies: each answers
// for both (forwarding to the other), each agency's database exists on one
// machine only, and an agency moves from one to the other by export,
// import and the placement switch. A third instance in Fly mode answers
// with fly-replay instead of forwarding.
func TestTwoMachinesShareOneControlDatabase(t *testing.T) {
	control, dataA, dataB := t.TempDir(), t.TempDir(), t.TempDir()
	addrA, addrB := freeAddr(t), freeAddr(t)
	machine := func(id, addr, data string, extra ...string) []string {
		return append([]string{"-control-dir", control, "-machine", id, "-machine-url", "http://" + addr,
			"-placement", "forward", "-trusted-proxies", "127.0.0.1"}, extra...)
	}
	a := startServerAt(t, addrA, dataA, machine("machine-a", addrA, dataA)...)
	b := startServerAt(t, addrB, dataB, machine("machine-b", addrB, dataB)...)

	alpha := mustSignup(t, a.url(""), "alpha") // lives on A
	beta := mustSignup(t, b.url(""), "beta")   // lives on B
	idAlpha := agencyID(t, control, "alpha")
	idBeta := agencyID(t, control, "beta")
	exists := func(data, id string) bool {
		_, err := os.Stat(filepath.Join(data, "tenants", id, "tenant.db"))
		return err == nil
	}
	if !exists(dataA, idAlpha) || exists(dataB, idAlpha) || !exists(dataB, idBeta) || exists(dataA, idBeta) {
		t.Fatal("each agency's database must be on its own machine only")
	}

	var clientID string
	t.Run("a request reaching the other machine is forwarded", func(t *testing.T) {
		alpha.base = b.url("") // alpha's owner now comes in through B
		clientID = alpha.created("/a/alpha/clients", url.Values{"name": {"Forwarded Client"}, "kind": {"person"}})
		if clientID == "" {
			t.Fatal("creating a client of alpha through B was not acknowledged")
		}
		var n int
		openDB(t, filepath.Join(dataA, "tenants", idAlpha, "tenant.db")).QueryRow(`SELECT COUNT(*) FROM clients WHERE id = ?`, clientID).Scan(&n)
		if n != 1 {
			t.Fatal("the client written through B is not in alpha's database on A")
		}
		// The root sign-in page finds the agency in the shared directory
		// and sends the form to the machine that holds it.
		viaB := newAgent(b.url(""))
		viaB.get("/login")
		res, _, err := viaB.post("/login", url.Values{"email": {"owner@alpha.test"}, "password": {password}})
		if err != nil || res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/a/alpha") {
			t.Fatalf("root sign-in through B for alpha: %v %v (location %q)", res, err, res.Header.Get("Location"))
		}
		if res, _, err := viaB.get("/a/alpha/clients/" + clientID); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("alpha's client after signing in through B: %v %v", res, err)
		}

		// A payment callback for beta reaching A is answered by B (beta
		// has no payment settings, so B refuses it, without a server error).
		cb, err := http.Get(a.url("/pay/beta/paysera/callback?data=x&ss1=y&ss2=z"))
		if err != nil {
			t.Fatal(err)
		}
		cb.Body.Close()
		if cb.StatusCode >= 500 {
			t.Fatalf("payment callback for beta through A: status %d", cb.StatusCode)
		}

		beta.base = a.url("")
		res, body, err := beta.get("/a/beta/clients")
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(body, "Agency beta") {
			t.Fatalf("beta's clients through A: %v %v", res, err)
		}
	})

	t.Run("a Fly machine answers with fly-replay", func(t *testing.T) {
		c := startServer(t, t.TempDir(), "-control-dir", control, "-machine", "machine-c", "-placement", "replay")
		res, err := http.Get(c.url("/a/alpha/login"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Fly-Replay"); got != "instance=machine-a" {
			t.Fatalf("fly-replay = %q (status %d), want instance=machine-a", got, res.StatusCode)
		}
		c.terminate()
	})

	t.Run("an agency moves by export, import and the placement switch", func(t *testing.T) {
		export := filepath.Join(t.TempDir(), "alpha-export")
		out, err := exec.Command(binary, append([]string{"agency", "export", "alpha", export, "-data", dataA, "-settle", "200ms"},
			machine("machine-a", addrA, dataA)...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("export: %v\n%s", err, out)
		}
		// The old copy is set aside: no longer this machine's agency.
		if exists(dataA, idAlpha) || !strings.Contains(string(out), "set aside in "+filepath.Join(dataA, "moved", idAlpha+"-")) {
			t.Fatalf("alpha's copy on A after the export: still in tenants/ = %v; output:\n%s", exists(dataA, idAlpha), out)
		}
		if moved, _ := filepath.Glob(filepath.Join(dataA, "moved", idAlpha+"-*", "tenant.db")); len(moved) != 1 {
			t.Fatalf("alpha's set-aside copy on A: %v", moved)
		}
		alpha.base = a.url("")
		res, _, err := alpha.get("/a/alpha/clients")
		if err != nil || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Fatalf("alpha while moving: %v %v, want 503 with Retry-After", res, err)
		}
		out, err = exec.Command(binary, append([]string{"agency", "import", export, "-data", dataB},
			machine("machine-b", addrB, dataB)...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		if !exists(dataB, idAlpha) {
			t.Fatal("alpha's database is not on B after the import")
		}
		for _, base := range []string{a.url(""), b.url("")} {
			alpha.base = base
			res, body, err := alpha.get("/a/alpha/clients/" + clientID)
			if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(body, "Forwarded Client") {
				t.Fatalf("alpha's client through %s after the move: %v %v", base, res, err)
			}
		}
		// The same export imported again, on A: refused, alpha is B's now
		// (two live copies would each take writes).
		out, err = exec.Command(binary, append([]string{"agency", "import", export, "-data", dataA},
			machine("machine-a", addrA, dataA)...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "is served by machine machine-b, not being moved") || exists(dataA, idAlpha) {
			t.Fatalf("import on A of an agency served by B: %v\n%s", err, out)
		}
		// Written through A, it lands on B now.
		alpha.base = a.url("")
		id := alpha.created("/a/alpha/clients", url.Values{"name": {"After The Move"}, "kind": {"person"}})
		var n int
		openDB(t, filepath.Join(dataB, "tenants", idAlpha, "tenant.db")).QueryRow(`SELECT COUNT(*) FROM clients WHERE id = ?`, id).Scan(&n)
		if id == "" || n != 1 {
			t.Fatal("a client written after the move is not in alpha's database on B")
		}
	})
	a.terminate()
	b.terminate()
}
