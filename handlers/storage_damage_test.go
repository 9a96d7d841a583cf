package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mintedmind/backup"
	"mintedmind/db"
	"mintedmind/internal/faultfs"
	"mintedmind/jobs"
	"mintedmind/mail/mailtest"
)

// moveTo points an agency's browsers at another env over the same data
// directory: the server restarted.
func moveTo(e *env, browsers ...*browser) {
	for _, b := range browsers {
		b.e = e
	}
}

// schemaVersion reads a database file's schema version straight from it.
func schemaVersion(t *testing.T, path string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v int
	if err := conn.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func hasTable(t *testing.T, path, table string) bool {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestDegradedDamagedAgency overwrites pages of one agency's database while the
// server is stopped, and the header of another's: on the next start both
// are degraded (recorded in the control database), their pages answer 503
// saying the data is being restored, their jobs skip them, the console
// lists them with the error and the way back, the operator is emailed once
// for each, and the third agency is served as before. Restoring from the
// latest backup in the console puts the first back in service.
func TestDegradedDamagedAgency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir, backups := t.TempDir(), t.TempDir()
	smtp := mailtest.Start(t)
	f1 := mustFaultEnv(t, dir, faultOpts{smtp: smtp})
	a := f1.mustSignup(t, "damaged-a")
	b := f1.mustSignup(t, "healthy-b")
	c := f1.mustSignup(t, "damaged-c")
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/clients", clientValues("Kept in the backup")), http.StatusSeeOther)
	if _, err := backup.Create(ctx, backup.Source{DataDir: dir, Control: f1.control, Pool: f1.pool}, filepath.Join(backups, "20261102T090000Z")); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, a.Owner.post("/a/"+a.Slug+"/clients", clientValues("Made after the backup")), http.StatusSeeOther)
	wantStatus(t, b.Owner.post("/a/"+b.Slug+"/clients", clientValues("B's client")), http.StatusSeeOther)
	before := f1.counts(t, b)
	f1.closeAll()

	pathA := filepath.Join(dir, "tenants", a.ID, "tenant.db")
	pathC := filepath.Join(dir, "tenants", c.ID, "tenant.db")
	n := faultfs.Pages(t, pathA)
	faultfs.OverwritePages(t, pathA, n/2, n-n/2) // the second half of the file
	faultfs.OverwritePages(t, pathC, 1, 1)       // the header: not a database any more

	f := mustFaultEnv(t, dir, faultOpts{smtp: smtp, backups: backups})
	moveTo(f.env, a.Owner, b.Owner, c.Owner)
	restoring := func(ag *agency) string { return ag.Name + "&#39;s " + textRestoring }

	t.Run("its pages answer 503: the data is being restored", func(t *testing.T) {
		wantStorageAnswer(t, c.Owner.get("/a/"+c.Slug+"/login"), http.StatusServiceUnavailable, restoring(c))
		for _, path := range []string{"/a/" + a.Slug + "/login", "/a/" + a.Slug + "/clients", "/a/" + a.Slug + "/portal"} {
			res := a.Owner.get(path)
			wantStorageAnswer(t, res, http.StatusServiceUnavailable, restoring(a))
			if res.Header.Get("Retry-After") == "" {
				t.Fatalf("%s: no Retry-After", path)
			}
		}
		wantStorageAnswer(t, a.Owner.post("/a/"+a.Slug+"/clients", clientValues("Refused")), http.StatusServiceUnavailable, restoring(a))
	})
	t.Run("an htmx request gets the message as a toast", func(t *testing.T) {
		done := htmx(a.Owner)
		res := a.Owner.get("/a/" + a.Slug + "/clients")
		done()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.Header.Get("HX-Trigger"), "being restored") {
			t.Fatalf("status %d, HX-Trigger %q", res.StatusCode, res.Header.Get("HX-Trigger"))
		}
	})
	t.Run("the other agency is served as before", func(t *testing.T) {
		wantContains(t, b.Owner.get("/a/"+b.Slug+"/clients"), "B&#39;s client")
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/clients", clientValues("B goes on")), http.StatusSeeOther)
	})
	t.Run("the control database records them degraded", func(t *testing.T) {
		for _, ag := range []*agency{a, c} {
			h, err := f.control.AgencyHealthOf(ctx, ag.ID)
			if err != nil || !h.Degraded || h.Reason != "corrupt" || h.Error == "" {
				t.Fatalf("%s: %+v %v", ag.Slug, h, err)
			}
		}
		if h, _ := f.control.AgencyHealthOf(ctx, b.ID); h.Degraded {
			t.Fatalf("B is degraded: %+v", h)
		}
	})
	t.Run("its jobs skip it", func(t *testing.T) {
		runner := jobs.NewRunner(f.control, f.pool, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
		runner.UseHealth(f.health)
		run, err := runner.Run(ctx, "sessions-cleanup")
		if err != nil || run.Counts["agencies_degraded"] != 2 || run.Counts["agency_errors"] != 0 || run.Counts["agencies"] != 1 {
			t.Fatalf("%v %v", run.Counts, err)
		}
	})
	op := f.mustOperator(t)
	t.Run("the console lists them with the error and the way back", func(t *testing.T) {
		res := op.get("/operator")
		wantContains(t, res, "Degraded agencies")
		wantContains(t, res, a.Name)
		wantContains(t, res, c.Name)
		page := op.get("/operator/agencies/" + a.ID)
		wantContains(t, page, "Degraded: database damaged")
		wantContains(t, page, "Restore from the latest backup")
		wantContains(t, page, "20261102T090000Z")
		wantContains(t, page, "litestream restore")
	})
	t.Run("the operator is emailed once for each", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			a.Owner.get("/a/" + a.Slug + "/clients")
		}
		got := f.opsMail(t)
		if len(got) != 2 || !strings.Contains(got[0].Subject+got[1].Subject, a.Name+"'s database is damaged") || !strings.Contains(got[0].Subject+got[1].Subject, c.Name+"'s database is damaged") {
			t.Fatalf("emails: %v", subjects(got))
		}
	})
	t.Run("checking again without a restore keeps it degraded", func(t *testing.T) {
		op.get("/operator/agencies/" + c.ID)
		res := op.post("/operator/agencies/"+c.ID+"/recover", url.Values{"action": {"recheck"}, "confirm_restore": {c.Slug}})
		wantContains(t, res, "still cannot be used")
		wantStatus(t, c.Owner.get("/a/"+c.Slug+"/login"), http.StatusServiceUnavailable)
	})
	t.Run("restored from the latest backup, it is back in service", func(t *testing.T) {
		op.get("/operator/agencies/" + a.ID)
		res := op.post("/operator/agencies/"+a.ID+"/recover", url.Values{"action": {"backup"}, "confirm_restore": {a.Slug}})
		wantStatus(t, res, http.StatusSeeOther)
		page := a.Owner.get("/a/" + a.Slug + "/clients")
		wantContains(t, page, "Kept in the backup")
		wantNotContains(t, page, "Made after the backup")
		kept, _ := filepath.Glob(filepath.Join(dir, "tenants", a.ID+".damaged-*"))
		if len(kept) != 1 {
			t.Fatalf("the damaged copy is not kept beside it: %v", kept)
		}
		if h, _ := f.control.AgencyHealthOf(ctx, a.ID); h.Degraded {
			t.Fatalf("still degraded: %+v", h)
		}
	})
	t.Run("restored by hand and checked again, it is back in service", func(t *testing.T) {
		// As a restore from the Litestream replica by hand does: the file
		// replaced while the agency is refused, then "check again".
		saved, err := os.ReadFile(filepath.Join(backups, "20261102T090000Z", "tenants", c.ID, "tenant.db"))
		if err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Remove(pathC + suffix)
		}
		if err := os.WriteFile(pathC, saved, 0o600); err != nil {
			t.Fatal(err)
		}
		op.get("/operator/agencies/" + c.ID)
		res := op.post("/operator/agencies/"+c.ID+"/recover", url.Values{"action": {"recheck"}, "confirm_restore": {c.Slug}})
		wantStatus(t, res, http.StatusSeeOther)
		wantContains(t, op.get("/operator/agencies/"+c.ID), "back in service")
		wantStatus(t, c.Owner.get("/a/"+c.Slug+"/clients"), http.StatusOK)
		if h, _ := f.control.AgencyHealthOf(ctx, c.ID); h.Degraded {
			t.Fatalf("still degraded: %+v", h)
		}
		if res := op.get("/operator"); strings.Contains(res.Body, "Degraded agencies") {
			t.Fatal("the console still lists degraded agencies")
		}
	})
	t.Run("no more email, nothing half-written", func(t *testing.T) {
		if got := f.opsMail(t); len(got) != 2 {
			t.Fatalf("emails: %v", subjects(got))
		}
		after := f.counts(t, b)
		want := strings.Replace(before, b.Slug+".clients=1", b.Slug+".clients=2", 1)
		if after != want {
			t.Fatalf("rows after:\n%s\nwant:\n%s", after, want)
		}
		f.closeAll()
		for _, p := range []string{filepath.Join(dir, "control.db"), pathA, pathC, filepath.Join(dir, "tenants", b.ID, "tenant.db")} {
			if err := backup.IntegrityCheck(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func subjects(ms []mailtest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

// TestDegradedFailingMigration starts the server with a migration that one
// agency's data violates: that agency stays exactly at its previous
// version and is degraded with the error, the server starts and serves
// (and migrates) the other, and the operator is emailed once.
func TestDegradedFailingMigration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	smtp := mailtest.Start(t)
	f1 := mustFaultEnv(t, dir, faultOpts{smtp: smtp})
	a := f1.mustSignup(t, "twins-a")
	b := f1.mustSignup(t, "single-b")
	for _, name := range []string{"Twin", "Twin"} {
		wantStatus(t, a.Owner.post("/a/"+a.Slug+"/clients", clientValues(name)), http.StatusSeeOther)
	}
	wantStatus(t, b.Owner.post("/a/"+b.Slug+"/clients", clientValues("Single")), http.StatusSeeOther)
	before := f1.counts(t, a, b)
	f1.closeAll()
	pathA := filepath.Join(dir, "tenants", a.ID, "tenant.db")
	pathB := filepath.Join(dir, "tenants", b.ID, "tenant.db")
	version := schemaVersion(t, pathA)

	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.ParseMigrations(string(schema))
	if err != nil {
		t.Fatal(err)
	}
	// The first statement works everywhere; the second fails where two
	// clients share a name. The transaction takes the first back too.
	failing := fmt.Sprintf("%s\n\n-- migration: %d unique_client_names\nCREATE TABLE migration_probe (x INTEGER);\nCREATE UNIQUE INDEX clients_name_unique ON clients (name);\n",
		strings.TrimRight(string(schema), "\n"), len(ms)+1)

	f := mustFaultEnv(t, dir, faultOpts{smtp: smtp, schema: failing})
	moveTo(f.env, a.Owner, b.Owner)
	t.Run("the agency whose data it fails on answers 503", func(t *testing.T) {
		wantStorageAnswer(t, a.Owner.get("/a/"+a.Slug+"/clients"), http.StatusServiceUnavailable, a.Name+"&#39;s "+textRestoring)
	})
	t.Run("it stays exactly at its previous version", func(t *testing.T) {
		if v := schemaVersion(t, pathA); v != version {
			t.Fatalf("version %d, want %d", v, version)
		}
		if hasTable(t, pathA, "migration_probe") {
			t.Fatal("half of the failed migration is in the database")
		}
	})
	t.Run("the others are migrated and served", func(t *testing.T) {
		wantContains(t, b.Owner.get("/a/"+b.Slug+"/clients"), "Single")
		if v := schemaVersion(t, pathB); v != version+1 || !hasTable(t, pathB, "migration_probe") {
			t.Fatalf("B at version %d, want %d with the new table", v, version+1)
		}
	})
	t.Run("it is degraded with the error, in the console too", func(t *testing.T) {
		h, err := f.control.AgencyHealthOf(context.Background(), a.ID)
		if err != nil || !h.Degraded || h.Reason != "migration" || !strings.Contains(h.Error, "UNIQUE") {
			t.Fatalf("%+v %v", h, err)
		}
		wantContains(t, f.mustOperator(t).get("/operator"), "a migration failed")
	})
	t.Run("the operator is emailed once", func(t *testing.T) {
		a.Owner.get("/a/" + a.Slug)
		f.wantOpsMail(t, "a schema migration failed")
	})
	t.Run("nothing was half-written", func(t *testing.T) {
		if after := f.counts(t, a, b); after != before {
			t.Fatalf("rows after:\n%s\nwant:\n%s", after, before)
		}
		f.closeAll()
		integrityOK(t, dir)
	})
}
