// Package opstest runs the real mintedmind binary the way operators do:
// SIGTERM and kill -9 under load, backup and restore, Litestream, two
// machines sharing a control database, and checks the deploy files parse.
// TestMain builds the binary once; every test starts its own servers.
package opstest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// binary is the mintedmind binary TestMain built.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv(childDataEnv) != "" {
		os.Exit(m.Run()) // the subprocess of TestMigrationKill9 needs no binary
	}
	dir, err := os.MkdirTemp("", "mintedmind-opstest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mintedmind")
	build := exec.Command("go", "build", "-o", binary, "mintedmind")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "opstest: build the binary: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuffer collects a server's log lines safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// server is one running mintedmind process.
type server struct {
	t     *testing.T
	cmd   *exec.Cmd
	addr  string
	data  string
	log   *logBuffer
	done  chan struct{}
	state *os.ProcessState
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs the binary on a free loopback port over data and waits
// until /readyz answers. Extra arguments go after the standard ones.
func startServer(t *testing.T, data string, extra ...string) *server {
	t.Helper()
	return startServerAt(t, freeAddr(t), data, extra...)
}

func startServerAt(t *testing.T, addr, data string, extra ...string) *server {
	t.Helper()
	s := &server{t: t, addr: addr, data: data, log: &logBuffer{}, done: make(chan struct{})}
	args := append([]string{"serve", "-addr", addr, "-data", data, "-shutdown-timeout", "20s"}, extra...)
	s.cmd = exec.Command(binary, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.Env = append(os.Environ(), "LOG_FORMAT=json")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.cmd.Wait()
		s.state = s.cmd.ProcessState
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("server %s log (last 4 KiB):\n%s", s.addr, tail(s.log.String(), 4096))
		}
	})
	// Ask the readiness probe until it answers 200, the server exits, or
	// 30 s pass.
	deadline := time.After(30 * time.Second)
	probe := time.NewTicker(50 * time.Millisecond)
	defer probe.Stop()
	for {
		res, err := http.Get(s.url("/readyz"))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("server exited at start: %v\n%s", s.state, s.log.String())
		case <-deadline:
			t.Fatalf("server not ready after 30 s\n%s", s.log.String())
		case <-probe.C:
		}
	}
}

// waitUntil asks ready every 50 ms until it reports true, and fails t
// with what after within: for conditions outside the server (a
// replica's files) that send no signal of their own.
func waitUntil(t *testing.T, within time.Duration, what string, ready func() bool) {
	t.Helper()
	deadline := time.After(within)
	probe := time.NewTicker(50 * time.Millisecond)
	defer probe.Stop()
	for !ready() {
		select {
		case <-deadline:
			t.Fatalf("after %s: %s", within, what)
		case <-probe.C:
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

// terminate sends SIGTERM and waits for a clean exit.
func (s *server) terminate() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		s.t.Fatal("server did not stop within 40 s of SIGTERM")
	}
	if !s.state.Success() {
		s.t.Fatalf("server exited with %v after SIGTERM", s.state)
	}
}

// kill sends SIGKILL: no chance to close anything.
func (s *server) kill() {
	s.t.Helper()
	s.cmd.Process.Kill()
	<-s.done
}

// agent is one browser: cookies, the CSRF token of its session, no redirects followed.
type agent struct {
	base   string
	client *http.Client
	mu     sync.Mutex
	csrf   string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newAgent(base string) *agent {
	jar, _ := cookiejar.New(nil)
	return &agent{base: base, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (a *agent) do(req *http.Request) (*http.Response, string, error) {
	res, err := a.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, "", err
	}
	if m := csrfInput.FindSubmatch(b); m != nil {
		a.mu.Lock()
		a.csrf = string(m[1])
		a.mu.Unlock()
	}
	return res, string(b), nil
}

func (a *agent) get(path string) (*http.Response, string, error) {
	req, _ := http.NewRequest("GET", a.base+path, nil)
	return a.do(req)
}

func (a *agent) post(path string, form url.Values) (*http.Response, string, error) {
	a.mu.Lock()
	form.Set("_csrf", a.csrf)
	a.mu.Unlock()
	req, _ := http.NewRequest("POST", a.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

const password = "correct horse battery staple"

// mustSignup creates an agency through the sign-up form and returns its
// owner's agent, signed in.
func mustSignup(t *testing.T, base, slug string) *agent {
	t.Helper()
	a := newAgent(base)
	if err := a.signup(slug); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *agent) signup(slug string) error {
	if _, _, err := a.get("/signup"); err != nil {
		return err
	}
	res, body, err := a.post("/signup", url.Values{"agency_name": {"Agency " + slug}, "slug": {slug}, "owner_name": {"Olive Owner"},
		"email": {"owner@" + slug + ".test"}, "password": {password}})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("signup %s: status %d\n%s", slug, res.StatusCode, tail(body, 800))
	}
	_, _, err = a.get("/a/" + slug + "/clients/new") // the session's CSRF token
	return err
}

// created posts a form that creates something and returns the new id from
// the redirect, or "" when the write was not acknowledged.
func (a *agent) created(path string, form url.Values) string {
	res, _, err := a.post(path, form)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		return ""
	}
	loc := res.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// openDB opens an SQLite file read-only for checks.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	d, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// mustIntegrityOK runs PRAGMA integrity_check on every database of a data
// directory and returns how many it checked.
func mustIntegrityOK(t *testing.T, data string) int {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(data, "tenants", "*", "tenant.db"))
	paths = append([]string{filepath.Join(data, "control.db")}, paths...)
	for _, p := range paths {
		d := openDB(t, p)
		var res string
		if err := d.QueryRowContext(context.Background(), `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity_check of %s: %q %v", p, res, err)
		}
		d.Close()
	}
	return len(paths)
}

// agencyID looks an agency's id up in a data directory's control database.
func agencyID(t *testing.T, data, slug string) string {
	t.Helper()
	var id string
	if err := openDB(t, filepath.Join(data, "control.db")).QueryRow(`SELECT id FROM agencies WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatalf("agency %s: %v", slug, err)
	}
	return id
}
