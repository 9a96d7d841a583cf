package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mintedmind/auth"
	"mintedmind/backup"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
	"mintedmind/health"
	"mintedmind/internal/faultfs"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// The faults of README "When storage fails", each on a real filesystem
// condition: a full tmpfs, a read-only bind mount, a deleted directory,
// overwritten database pages, a migration that fails on one agency. In
// each: the answer's status and text, nothing half-written (integrity_check
// and row counts before and after), the other agency unaffected, and one
// email to the operator per incident at the in-process SMTP server.

// opsEmail is where the test monitor sends its alerts.
const opsEmail = "ops@example.test"

// faultEnv is an env whose data directory is watched by a health monitor.
type faultEnv struct {
	*env
	health  *health.Monitor
	closeFn func()
}

// closeAll stops the monitor and closes the databases, as a stopped
// server leaves them (every database checkpointed and closed).
func (f *faultEnv) closeAll() { f.closeFn() }

// faultOpts adjust a fault env.
type faultOpts struct {
	reserve string // -storage-reserve; "" is 0 (off)
	schema  string // the tenant schema; "" is schema.sql
	backups string // -backup-dir
	smtp    *mailtest.Server
	clock   *clock.Manual
}

// mustFaultEnv builds the whole application over dir, as mustNewEnv does,
// with a health monitor running (alerts to opsEmail). Closing it (at the
// test's end, or by close) stops the monitor and closes the databases.
func mustFaultEnv(t *testing.T, dir string, o faultOpts) *faultEnv {
	t.Helper()
	ctx := context.Background()
	if o.clock == nil {
		o.clock = clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	}
	e := &env{t: t, dir: dir, clock: o.clock}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	if e.control, err = control.Open(ctx, dir, string(controlSchema), e.clock); err != nil {
		t.Fatal(err)
	}
	schema := o.schema
	if schema == "" {
		b, err := os.ReadFile("../schema.sql")
		if err != nil {
			t.Fatal(err)
		}
		schema = string(b)
	}
	if e.pool, err = tenant.NewPool(dir, schema, tenant.PoolConfig{MaxOpen: 50, IdleTimeout: time.Hour}, e.clock, log); err != nil {
		t.Fatal(err)
	}
	e.smtp = o.smtp
	if e.smtp == nil {
		e.smtp = mailtest.Start(t)
	}
	if e.mailer, err = mail.New(e.control, mail.Config{URL: e.smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), e.clock, log); err != nil {
		t.Fatal(err)
	}
	reserve, err := health.ParseReserve(cmpOr(o.reserve, "0"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := health.New(ctx, health.Config{DataDir: dir, Reserve: reserve, Interval: time.Hour, AlertTo: []string{opsEmail}, BaseURL: "http://mm.test"},
		e.control, e.pool, e.mailer, e.clock, log)
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = handlers.DefaultConfig()
	e.cfg.BaseURL = "http://mm.test"
	e.cfg.SignupLimit = handlers.Limit{Max: 1000, Window: time.Hour}
	e.app, err = handlers.New(handlers.Deps{
		Config: e.cfg, Control: e.control, Pool: e.pool,
		Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 4),
		Mailer: e.mailer, Clock: e.clock, Log: log, Views: os.DirFS(".."), Assets: os.DirFS(".."),
		Health: m, Backups: o.backups,
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { m.Run(runCtx); close(done) }()
	fe := &faultEnv{env: e, health: m}
	var closed bool
	closeAll := func() {
		if closed {
			return
		}
		closed = true
		m.Sync()
		stop()
		<-done
		e.pool.Close()
		e.control.Close()
	}
	t.Cleanup(closeAll)
	fe.closeFn = closeAll
	return fe
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// opsMail waits for every queued alert, then returns the operator's emails.
func (f *faultEnv) opsMail(t *testing.T) []mailtest.Message {
	t.Helper()
	f.health.Sync()
	var out []mailtest.Message
	for _, m := range f.smtp.Messages() {
		if slices.Contains(m.To, opsEmail) {
			out = append(out, m)
		}
	}
	return out
}

// wantOpsMail fails unless the operator got exactly the emails whose
// subjects contain want, in order.
func (f *faultEnv) wantOpsMail(t *testing.T, want ...string) {
	t.Helper()
	got := f.opsMail(t)
	var subjects []string
	for _, m := range got {
		subjects = append(subjects, m.Subject)
	}
	if len(got) != len(want) {
		t.Fatalf("the operator got %d emails, want %d (%q): %q", len(got), len(want), want, subjects)
	}
	for i, w := range want {
		if !strings.Contains(got[i].Subject, w) {
			t.Fatalf("email %d is %q, want one about %q", i+1, got[i].Subject, w)
		}
	}
}

// integrityOK runs integrity_check on every database under the data
// directory, each opened afresh, and returns how many there were.
func integrityOK(t *testing.T, dir string) int {
	t.Helper()
	paths := []string{filepath.Join(dir, "control.db")}
	tenants, _ := filepath.Glob(filepath.Join(dir, "tenants", "*", "tenant.db"))
	paths = append(paths, tenants...)
	for _, p := range paths {
		if err := backup.IntegrityCheck(context.Background(), p); err != nil {
			t.Fatalf("integrity_check: %v", err)
		}
	}
	return len(paths)
}

// counts is the rows that matter in the control database and in each
// agency's, one line per table per database.
func (f *faultEnv) counts(t *testing.T, agencies ...*agency) string {
	t.Helper()
	ctx := context.Background()
	var sb strings.Builder
	for _, table := range []string{"agencies", "login_directory"} {
		var n int
		if err := f.control.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "control.%s=%d\n", table, n)
	}
	for _, a := range agencies {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(f.dir, "tenants", a.ID, "tenant.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"clients", "cases", "documents", "users"} {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				db.Close()
				t.Fatalf("%s.%s: %v", a.Slug, table, err)
			}
			fmt.Fprintf(&sb, "%s.%s=%d\n", a.Slug, table, n)
		}
		db.Close()
	}
	return sb.String()
}

// tenantDirs lists the agency directories on disk.
func tenantDirs(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(dir, "tenants"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// checkpoint empties an open database's write-ahead log, so that its next
// write needs new space on disk.
func checkpoint(t *testing.T, db interface{ Write() *sql.DB }) {
	t.Helper()
	if _, err := db.Write().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
}

// wantStorageAnswer checks a refused change: status, the message in the
// page, and no partial success.
func wantStorageAnswer(t *testing.T, res *response, status int, text string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d\n%.2000s", res.StatusCode, status, res.Body)
	}
	if !strings.Contains(res.Body, text) {
		t.Fatalf("the answer does not say %q:\n%.2000s", text, res.Body)
	}
}

const (
	textFull       = "The server is out of storage; nothing was saved. The operator has been told."
	textUnwritable = "cannot take changes right now; nothing was saved"
	textMissing    = "data cannot be reached on the server&#39;s storage right now; nothing was saved"
	textRestoring  = "data is being restored after a fault on the server. Please try again later."
)

func readyz(t *testing.T, e *env) *response {
	t.Helper()
	return e.newClient().get("/readyz")
}

// TestStorageDiskFull fills a real tmpfs holding the whole data directory: every
// kind of write that finds the disk full is answered 507 with the
// message, never a generic 500, and leaves nothing half-written; reads go
// on; the operator gets one email when it starts and one when it ends.
func TestStorageDiskFull(t *testing.T) {
	t.Parallel()
	dir := faultfs.Tmpfs(t, 64<<20)
	f := mustFaultEnv(t, dir, faultOpts{reserve: "0"})
	a := f.mustSignup(t, "full-a")
	b := f.mustSignup(t, "full-b")
	clientsA := "/a/" + a.Slug + "/clients"
	wantStatus(t, a.Owner.post(clientsA, clientValues("Before the disk filled")), http.StatusSeeOther)
	clientID := f.mustCaseClient(t, a, "Case Client", "")
	caseID := mustCreateCase(t, a.Owner, a, url.Values{"client_id": {clientID}, "title": {"A case"}})
	before := f.counts(t, a, b)
	dirsBefore := tenantDirs(t, dir)

	checkpoint(t, f.mustTenant(t, a.ID))
	checkpoint(t, f.control)
	release := faultfs.Fill(t, dir, 0)

	t.Run("a change that finds the disk full is 507 with the message", func(t *testing.T) {
		wantStorageAnswer(t, a.Owner.post(clientsA, clientValues("While the disk is full")), http.StatusInsufficientStorage, textFull)
	})
	t.Run("an htmx change gets the message as a toast, the page left as it is", func(t *testing.T) {
		done := htmx(a.Owner)
		res := a.Owner.post(clientsA, clientValues("While the disk is full, by htmx"))
		done()
		if res.StatusCode != http.StatusInsufficientStorage || res.Header.Get("HX-Reswap") != "none" || !strings.Contains(res.Header.Get("HX-Trigger"), "out of storage") {
			t.Fatalf("status %d, HX-Reswap %q, HX-Trigger %q", res.StatusCode, res.Header.Get("HX-Reswap"), res.Header.Get("HX-Trigger"))
		}
	})
	t.Run("an upload that finds the disk full is 507 and leaves no file", func(t *testing.T) {
		wantStorageAnswer(t, a.Owner.upload("/a/"+a.Slug+"/cases/"+caseID+"/documents", "contract.pdf", filestest.PDF(2, 256<<10)), http.StatusInsufficientStorage, textFull)
		leftovers, _ := filepath.Glob(filepath.Join(dir, "tenants", a.ID, "files", "*", "*"))
		if len(leftovers) > 0 {
			t.Fatalf("files left behind: %v", leftovers)
		}
	})
	t.Run("a sign-up that finds the disk full is 507 and leaves no agency behind", func(t *testing.T) {
		c := f.newClient()
		c.get("/signup")
		res := c.post("/signup", url.Values{"agency_name": {"Too Late"}, "slug": {"full-too-late"}, "owner_name": {"O"}, "email": {"late@example.test"}, "password": {testPassword}})
		wantStorageAnswer(t, res, http.StatusInsufficientStorage, textFull)
		if got := tenantDirs(t, dir); !slices.Equal(got, dirsBefore) {
			t.Fatalf("agency directories %v, want %v", got, dirsBefore)
		}
	})
	t.Run("pages are still read, of both agencies", func(t *testing.T) {
		wantStatus(t, a.Owner.get(clientsA), http.StatusOK)
		wantStatus(t, b.Owner.get("/a/"+b.Slug+"/clients"), http.StatusOK)
	})
	t.Run("readyz says the storage is full", func(t *testing.T) {
		f.health.Check(context.Background())
		res := readyz(t, f.env)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.Body, "storage") {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
	})
	t.Run("the operator is told once, however many writes failed", func(t *testing.T) {
		f.wantOpsMail(t, "storage is running out")
	})

	release()
	f.health.Check(context.Background())
	t.Run("with room again, readyz is ready and writes work without a restart", func(t *testing.T) {
		if res := readyz(t, f.env); res.StatusCode != http.StatusOK {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
		wantStatus(t, a.Owner.post(clientsA, clientValues("After the disk had room")), http.StatusSeeOther)
		f.wantOpsMail(t, "storage is running out", "resolved: storage has room again")
	})
	t.Run("nothing was half-written", func(t *testing.T) {
		after := f.counts(t, a, b)
		want := strings.Replace(before, a.Slug+".clients=2", a.Slug+".clients=3", 1)
		if after != want {
			t.Fatalf("rows after:\n%s\nwant (one client more, from after the disk had room):\n%s", after, want)
		}
		f.closeAll()
		if n := integrityOK(t, dir); n != 3 {
			t.Fatalf("%d databases checked, want 3", n)
		}
	})
}

// TestStorageLowSpaceRefusesUploadsBeforeTheirBodies crosses the reserve on a
// real tmpfs: uploads and imports are refused with 507 before their
// bodies are read, other writes go on, /readyz tells, and the operator
// is emailed once when the reserve is crossed and once when it recovers.
func TestStorageLowSpaceRefusesUploadsBeforeTheirBodies(t *testing.T) {
	t.Parallel()
	dir := faultfs.Tmpfs(t, 64<<20)
	f := mustFaultEnv(t, dir, faultOpts{reserve: "16MiB"})
	a := f.mustSignup(t, "low-a")
	b := f.mustSignup(t, "low-b")
	clientID := f.mustCaseClient(t, a, "Case Client", "")
	caseID := mustCreateCase(t, a.Owner, a, url.Values{"client_id": {clientID}, "title": {"A case"}})
	uploadPath := "/a/" + a.Slug + "/cases/" + caseID + "/documents"
	before := f.counts(t, a, b)
	release := faultfs.Fill(t, dir, 8<<20) // 8 MiB free: below the 16 MiB reserve
	f.health.Check(context.Background())
	f.health.Check(context.Background())

	t.Run("an upload is answered 507 before its body is sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go f.app.Listener(ln)
		t.Cleanup(func() { f.app.Shutdown() })
		res, body := rawPost(t, ln.Addr().String(), a.Owner, uploadPath, 20<<20)
		if res.StatusCode != http.StatusInsufficientStorage || !strings.Contains(body, textFull) {
			t.Fatalf("status %d:\n%.1000s", res.StatusCode, body)
		}
		if !res.Close {
			t.Fatal("the connection stays open with the body unread")
		}
	})
	t.Run("an import is refused with 507", func(t *testing.T) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", a.Owner.csrf)
		part, _ := w.CreateFormFile("file", "clients.csv")
		part.Write([]byte("name,kind\nImported,person\n"))
		w.Close()
		res := a.Owner.do("POST", "/a/"+a.Slug+"/clients/import", &buf, w.FormDataContentType())
		wantStorageAnswer(t, res, http.StatusInsufficientStorage, textFull)
	})
	t.Run("an htmx upload gets the message as a toast, the page left as it is", func(t *testing.T) {
		done := htmx(a.Owner)
		res := a.Owner.upload(uploadPath, "contract.pdf", filestest.PDF(1, 0))
		done()
		if res.StatusCode != http.StatusInsufficientStorage || res.Header.Get("HX-Reswap") != "none" || !strings.Contains(res.Header.Get("HX-Trigger"), "out of storage") {
			t.Fatalf("status %d, HX-Reswap %q, HX-Trigger %q", res.StatusCode, res.Header.Get("HX-Reswap"), res.Header.Get("HX-Trigger"))
		}
	})
	t.Run("other writes go on below the reserve", func(t *testing.T) {
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/clients", clientValues("Small write")), http.StatusSeeOther)
	})
	t.Run("readyz says the storage is low", func(t *testing.T) {
		res := readyz(t, f.env)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.Body, "storage low") {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
	})
	t.Run("the console shows the free space below the reserve", func(t *testing.T) {
		op := f.mustOperator(t)
		res := op.get("/operator")
		wantContains(t, res, "below the reserve: uploads and imports are refused")
	})
	release()
	f.health.Check(context.Background())
	t.Run("once space is back uploads are taken again", func(t *testing.T) {
		if res := readyz(t, f.env); res.StatusCode != http.StatusOK {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
		a.Owner.get("/a/" + a.Slug) // the form's CSRF token, as a browser has it
		res := a.Owner.upload(uploadPath, "contract.pdf", filestest.PDF(1, 0))
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
			t.Fatalf("upload after recovery: %d\n%.1000s", res.StatusCode, res.Body)
		}
	})
	t.Run("one email when the reserve was crossed, one when it recovered", func(t *testing.T) {
		f.wantOpsMail(t, "storage is running out", "resolved: storage has room again")
	})
	t.Run("nothing was half-written", func(t *testing.T) {
		after := f.counts(t, a, b)
		want := strings.Replace(before, b.Slug+".clients=0", b.Slug+".clients=1", 1)
		want = strings.Replace(want, a.Slug+".documents=0", a.Slug+".documents=1", 1)
		if after != want {
			t.Fatalf("rows after:\n%s\nwant:\n%s", after, want)
		}
		f.closeAll()
		integrityOK(t, dir)
	})
}

// rawPost sends a multipart POST's headers claiming a body of claimed
// bytes, and only its first few KiB, over a real connection; the server
// must answer without the rest.
func rawPost(t *testing.T, addr string, b *browser, path string, claimed int) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: mm.test\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: %d\r\nX-CSRF-Token: %s\r\n", path, claimed, b.csrf)
	for _, ck := range b.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: path})) {
		fmt.Fprintf(&req, "Cookie: %s=%s\r\n", ck.Name, ck.Value)
	}
	req.WriteString("\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.4\n")
	req.Write(bytes.Repeat([]byte("x"), 16<<10)) // fasthttp reads the first 8 KiB before the handlers run
	if _, err := conn.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// TestReadOnlyStorage bind-mounts the data directory read-only over
// itself while serving, as a volume remounted read-only looks: changes
// are answered 503 with the message, pages are still read, /readyz
// tells, and once the mount is gone writes work again without a restart.
func TestReadOnlyStorage(t *testing.T) {
	t.Parallel()
	faultfs.RequireMount(t)
	dir := filepath.Join(t.TempDir(), "data")
	f := mustFaultEnv(t, dir, faultOpts{})
	a := f.mustSignup(t, "ro-a")
	b := f.mustSignup(t, "ro-b")
	clientsA := "/a/" + a.Slug + "/clients"
	wantStatus(t, a.Owner.post(clientsA, clientValues("Before read-only")), http.StatusSeeOther)
	before := f.counts(t, a, b)
	dirsBefore := tenantDirs(t, dir)

	restore := faultfs.ReadOnly(t, dir)
	f.health.Check(context.Background())

	t.Run("a change is 503 with the message", func(t *testing.T) {
		res := a.Owner.post(clientsA, clientValues("While read-only"))
		wantStorageAnswer(t, res, http.StatusServiceUnavailable, textUnwritable)
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	})
	t.Run("a sign-up is 503 and leaves nothing", func(t *testing.T) {
		c := f.newClient()
		c.get("/signup")
		res := c.post("/signup", url.Values{"agency_name": {"Read Only"}, "slug": {"ro-late"}, "owner_name": {"O"}, "email": {"ro-late@example.test"}, "password": {testPassword}})
		wantStorageAnswer(t, res, http.StatusServiceUnavailable, textUnwritable)
	})
	t.Run("pages are still read, of both agencies", func(t *testing.T) {
		wantContains(t, a.Owner.get(clientsA), "Before read-only")
		wantStatus(t, b.Owner.get("/a/"+b.Slug+"/clients"), http.StatusOK)
	})
	t.Run("readyz says the storage takes no writes", func(t *testing.T) {
		res := readyz(t, f.env)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.Body, "takes no writes") {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
	})
	restore()
	f.health.Check(context.Background())
	t.Run("writable again, changes are taken without a restart", func(t *testing.T) {
		if res := readyz(t, f.env); res.StatusCode != http.StatusOK {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
		wantStatus(t, a.Owner.post(clientsA, clientValues("After read-only")), http.StatusSeeOther)
	})
	t.Run("one email when it began, one when it ended", func(t *testing.T) {
		f.wantOpsMail(t, "storage takes no writes", "resolved: storage takes writes again")
	})
	t.Run("nothing was half-written", func(t *testing.T) {
		after := f.counts(t, a, b)
		want := strings.Replace(before, a.Slug+".clients=1", a.Slug+".clients=2", 1)
		if after != want {
			t.Fatalf("rows after:\n%s\nwant:\n%s", after, want)
		}
		if got := tenantDirs(t, dir); !slices.Equal(got, dirsBefore) {
			t.Fatalf("agency directories %v, want %v", got, dirsBefore)
		}
		f.closeAll()
		integrityOK(t, dir)
	})
}

// TestStorageVanishedAgencyDirectory deletes one agency's directory while it is
// served: its changes are 503 (never written into the deleted file, lost
// on close), its open database is still read, the other agency is
// untouched, /readyz tells, and when the directory is put back it is
// served from the file on disk without a restart.
func TestStorageVanishedAgencyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := mustFaultEnv(t, dir, faultOpts{})
	a := f.mustSignup(t, "gone-a")
	b := f.mustSignup(t, "gone-b")
	clientsA := "/a/" + a.Slug + "/clients"
	wantStatus(t, a.Owner.post(clientsA, clientValues("Before it vanished")), http.StatusSeeOther)
	saved := filepath.Join(t.TempDir(), "saved.db")
	if err := f.mustTenant(t, a.ID).SnapshotTo(context.Background(), saved); err != nil {
		t.Fatal(err)
	}
	tenantDir := filepath.Join(dir, "tenants", a.ID)
	if err := os.RemoveAll(tenantDir); err != nil {
		t.Fatal(err)
	}

	t.Run("a change is 503 with the message", func(t *testing.T) {
		wantStorageAnswer(t, a.Owner.post(clientsA, clientValues("Into the void")), http.StatusServiceUnavailable, textMissing)
	})
	t.Run("its open database is still read", func(t *testing.T) {
		wantContains(t, a.Owner.get(clientsA), "Before it vanished")
	})
	t.Run("the other agency is untouched", func(t *testing.T) {
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/clients", clientValues("B goes on")), http.StatusSeeOther)
	})
	t.Run("readyz names the agency", func(t *testing.T) {
		f.health.Check(context.Background())
		res := readyz(t, f.env)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.Body, a.ID) {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
	})

	// Put it back, as a restore from a backup would.
	if err := os.MkdirAll(filepath.Join(tenantDir, "files"), 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tenantDir, "tenant.db"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("put back, it is served from disk without a restart", func(t *testing.T) {
		wantStatus(t, a.Owner.post(clientsA, clientValues("After it came back")), http.StatusSeeOther)
		res := a.Owner.get(clientsA)
		wantContains(t, res, "After it came back")
		wantNotContains(t, res, "Into the void")
		f.health.Check(context.Background())
		if res := readyz(t, f.env); res.StatusCode != http.StatusOK {
			t.Fatalf("readyz: %d %q", res.StatusCode, res.Body)
		}
	})
	t.Run("one email when it vanished, one when it came back", func(t *testing.T) {
		f.wantOpsMail(t, "an agency's database file is missing", "resolved: an agency's database file is back")
	})
	t.Run("nothing was half-written", func(t *testing.T) {
		got := f.counts(t, a, b)
		if !strings.Contains(got, a.Slug+".clients=2\n") || !strings.Contains(got, b.Slug+".clients=1\n") {
			t.Fatalf("rows:\n%s", got)
		}
		f.closeAll()
		integrityOK(t, dir)
	})
}
