package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/archive"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

const day = 24 * time.Hour

type retentionFixture struct {
	control *control.Store
	pool    *tenant.Pool
	clock   *clock.Manual
	mailer  *mail.Mailer
	smtp    *mailtest.Server
	runner  *Runner
	ret     *Retention
	dir     string
	start   time.Time
}

func mustRetention(t *testing.T) *retentionFixture {
	t.Helper()
	f := &retentionFixture{}
	f.control, f.pool, f.clock = mustOpen(t)
	f.dir = filepath.Dir(f.control.Path)
	f.start = f.clock.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.smtp = mailtest.Start(t)
	var err error
	if f.mailer, err = mail.New(f.control, mail.Config{URL: f.smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), f.clock, log); err != nil {
		t.Fatal(err)
	}
	f.runner = NewRunner(f.control, f.pool, f.clock, log, time.Hour)
	f.ret = NewRetention(f.control, f.pool, f.clock, f.mailer, DefaultRetention(), "http://mm.test")
	f.runner.AddRetention(f.ret)
	return f
}

func (f *retentionFixture) mustAgency(t *testing.T, slug string) *control.Agency {
	t.Helper()
	ctx := context.Background()
	hash, _ := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1).Hash(ctx, "a long password")
	a, _, err := app.CreateAgency(ctx, f.control, f.pool, app.NewAgency{Name: "Agency " + slug, Slug: slug, OwnerName: "Owner", OwnerEmail: "owner@" + slug + ".test", OwnerPasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// run runs the retention job at start+offset and returns its counts.
func (f *retentionFixture) run(t *testing.T, offset time.Duration) map[string]int64 {
	t.Helper()
	f.clock.Set(f.start.Add(offset))
	run, err := f.runner.Run(context.Background(), "retention")
	if err != nil {
		t.Fatalf("retention at +%s: %v", offset, err)
	}
	delete(run.Counts, "tokens_purged")
	return run.Counts
}

func wantCounts(t *testing.T, got map[string]int64, want map[string]int64) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
}

func (f *retentionFixture) status(t *testing.T, id string) string {
	t.Helper()
	a, err := f.control.AgencyByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status
}

// filesNaming lists every path under the data directory that names id.
func filesNaming(t *testing.T, dir, id string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(path, id) {
			out = append(out, path)
		}
		return nil
	})
	return out
}

func TestRetentionLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustRetention(t)
	quiet := f.mustAgency(t, "quiet")
	busy := f.mustAgency(t, "busy")
	touchBusy := func() {
		if err := f.control.TouchAgency(ctx, busy.ID); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("nothing before N-30 days", func(t *testing.T) {
		wantCounts(t, f.run(t, 334*day), map[string]int64{})
	})

	t.Run("a warning email at N-30 days, once", func(t *testing.T) {
		touchBusy()
		wantCounts(t, f.run(t, 335*day), map[string]int64{"warned_30": 1})
		if err := f.mailer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		msg := f.smtp.WaitFor(t, "owner@quiet.test", 5*time.Second)
		if !strings.Contains(msg.Subject, "will be archived on 2027-11-02") || !strings.Contains(msg.Body, "http://mm.test/a/quiet/login") {
			t.Fatalf("email %q\n%s", msg.Subject, msg.Body)
		}
		wantCounts(t, f.run(t, 335*day+time.Hour), map[string]int64{})
		wantCounts(t, f.run(t, 340*day), map[string]int64{})
	})

	t.Run("a second warning at N-7 days, once", func(t *testing.T) {
		touchBusy()
		wantCounts(t, f.run(t, 358*day), map[string]int64{"warned_7": 1})
		f.mailer.Flush(ctx)
		f.smtp.WaitFor(t, "owner@quiet.test", 5*time.Second)
		wantCounts(t, f.run(t, 364*day), map[string]int64{})
	})

	t.Run("archived at N days: the live files are gone and the archive is in DATA/archive", func(t *testing.T) {
		touchBusy()
		wantCounts(t, f.run(t, 365*day), map[string]int64{"agencies_archived": 1})
		if got := f.status(t, quiet.ID); got != control.AgencyArchived {
			t.Fatalf("status %s", got)
		}
		if _, err := os.Stat(f.pool.TenantDir(quiet.ID)); !os.IsNotExist(err) {
			t.Fatalf("live directory still there: %v", err)
		}
		if _, err := os.Stat(filepath.Join(f.dir, "archive", quiet.ID+".tar.gz")); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, f.run(t, 366*day), map[string]int64{})
		if got := f.status(t, busy.ID); got != control.AgencyActive {
			t.Fatalf("the busy agency is %s", got)
		}
	})

	t.Run("the dry run M days later shows the deletion and changes nothing", func(t *testing.T) {
		touchBusy()
		f.clock.Set(f.start.Add(455 * day))
		rep, err := f.ret.Run(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Counts["agencies_deleted"] != 1 || len(rep.Actions) != 1 || !strings.HasPrefix(rep.Actions[0], "delete quiet") {
			t.Fatalf("dry run %+v", rep)
		}
		if f.status(t, quiet.ID) != control.AgencyArchived || len(filesNaming(t, f.dir, quiet.ID)) == 0 {
			t.Fatal("the dry run changed something")
		}
	})

	t.Run("deleted for good M days after archival: no file is left", func(t *testing.T) {
		wantCounts(t, f.run(t, 455*day), map[string]int64{"agencies_deleted": 1})
		if got := f.status(t, quiet.ID); got != control.AgencyDeleted {
			t.Fatalf("status %s", got)
		}
		if left := filesNaming(t, f.dir, quiet.ID); len(left) != 0 {
			t.Fatalf("files left: %v", left)
		}
		if ags, _ := f.control.AgenciesForEmail(ctx, "owner@quiet.test"); len(ags) != 0 {
			t.Fatal("the login directory still knows the owner")
		}
		wantCounts(t, f.run(t, 456*day), map[string]int64{})
		if f.status(t, busy.ID) != control.AgencyActive || len(filesNaming(t, f.dir, busy.ID)) == 0 {
			t.Fatal("the busy agency was touched")
		}
	})
}

func TestRetentionAfterDowntime(t *testing.T) {
	t.Parallel()
	f := mustRetention(t)
	a := f.mustAgency(t, "late")
	t.Run("past N without warnings: warned first, archived a week later", func(t *testing.T) {
		wantCounts(t, f.run(t, 400*day), map[string]int64{"warned_7": 1})
		wantCounts(t, f.run(t, 406*day), map[string]int64{})
		wantCounts(t, f.run(t, 407*day), map[string]int64{"agencies_archived": 1})
		if f.status(t, a.ID) != control.AgencyArchived {
			t.Fatal("not archived")
		}
	})
}

// checksums hashes every row of every table and every file of an agency.
func checksums(t *testing.T, tn *tenant.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	rows, err := tn.Read().QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, table := range tables {
		r, err := tn.Read().QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		var lines []string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		r.Close()
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out["table "+table] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:]))
	}
	filepath.WalkDir(filepath.Join(tn.Dir, "files"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(tn.Dir, path)
		out["file "+rel] = hex.EncodeToString(sum[:])
		return nil
	})
	return out
}

func TestRetentionArchiveThenRestoreGivesBackTheSameData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustRetention(t)
	a := f.mustAgency(t, "roundtrip")
	tn, release, err := f.pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := tn.UserByEmail(ctx, "owner@roundtrip.test")
	if err != nil {
		t.Fatal(err)
	}
	v, actor := tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}
	for i := range 5 {
		c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: fmt.Sprintf("Client %d", i), Kind: "person", Emails: []string{fmt.Sprintf("c%d@example.test", i)}}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		k, err := tn.CreateCase(ctx, v, actor, tenant.CaseInput{ClientID: c.ID, Title: fmt.Sprintf("Case %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AddNote(ctx, v, actor, k.ID, "a note about the case", false); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(tn.Dir, "files", "2026"), 0o700)
	os.WriteFile(filepath.Join(tn.Dir, "files", "2026", "doc.pdf"), []byte("%PDF-1.4 a document"), 0o600)
	os.WriteFile(filepath.Join(tn.Dir, "files", "photo.jpg"), []byte{0xff, 0xd8, 0xff, 0x00, 0x01}, 0o600)
	before := checksums(t, tn)
	release()

	f.run(t, 335*day)
	f.run(t, 358*day)
	if got := f.run(t, 365*day); got["agencies_archived"] != 1 {
		t.Fatalf("counts %v", got)
	}
	if err := archive.Restore(f.pool, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.control.SetAgencyRestored(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.pool.ArchivePath(a.ID)); !os.IsNotExist(err) {
		t.Fatal("the archive outlived its restore")
	}
	tn, release, err = f.pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	after := checksums(t, tn)
	// The retention warnings were audited after the first checksum.
	delete(before, "table audit_log")
	delete(after, "table audit_log")
	if fmt.Sprint(before) != fmt.Sprint(after) {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s: %s before, %s after", k, v, after[k])
			}
		}
		t.Fatal("restore changed the data")
	}
	if len(before) < 10 {
		t.Fatalf("compared only %v", before)
	}
	if got := f.status(t, a.ID); got != control.AgencyActive {
		t.Fatalf("status %s", got)
	}
	t.Run("restoring twice is refused", func(t *testing.T) {
		if err := archive.Restore(f.pool, a.ID); err == nil {
			t.Fatal("restored over live data")
		}
	})
	t.Run("the restored agency is not archived again at once", func(t *testing.T) {
		wantCounts(t, f.run(t, 366*day), map[string]int64{})
	})
}

func TestRetentionPurges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustRetention(t)
	a := f.mustAgency(t, "purges")
	tn, release, err := f.pool.Acquire(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	owner, _ := tn.UserByEmail(ctx, "owner@purges.test")
	if _, err := tn.CreatePasswordReset(ctx, owner.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := f.control.RecordPageView(ctx, "/login", true); err != nil {
		t.Fatal(err)
	}
	// Two years and a day later, with the agency kept active.
	f.clock.Set(f.start.Add(731 * day))
	f.control.TouchAgency(ctx, a.ID)
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "recent"}); err != nil {
		t.Fatal(err)
	}
	auditCount := func() (n int) {
		tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n)
		return n
	}

	t.Run("the dry run counts and deletes nothing", func(t *testing.T) {
		rep, err := f.ret.Run(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Counts["audit_purged"] != 1 || rep.Counts["analytics_purged"] != 2 || rep.Counts["tokens_purged"] < 1 {
			t.Fatalf("dry run %v", rep.Counts)
		}
		if n, _ := f.control.AnalyticsRowCount(ctx); n != 2 || auditCount() != 2 {
			t.Fatal("the dry run deleted something")
		}
	})

	t.Run("the run purges old audit entries, analytics and used or expired tokens, and records its counts", func(t *testing.T) {
		run, err := f.runner.Run(ctx, "retention")
		if err != nil {
			t.Fatal(err)
		}
		if run.Counts["audit_purged"] != 1 || run.Counts["analytics_purged"] != 2 || run.Counts["tokens_purged"] < 1 {
			t.Fatalf("counts %v", run.Counts)
		}
		if n, _ := f.control.AnalyticsRowCount(ctx); n != 0 || auditCount() != 1 {
			t.Fatal("not purged")
		}
		var resets int
		tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets`).Scan(&resets)
		if resets != 0 {
			t.Fatal("expired reset link kept")
		}
		runs, _ := f.control.RecentJobRuns(ctx, 5)
		if len(runs) == 0 || runs[0].Job != "retention" || runs[0].Counts["audit_purged"] != 1 {
			t.Fatalf("job run record %+v", runs)
		}
		again, err := f.runner.Run(ctx, "retention")
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Counts) != 0 {
			t.Fatalf("second run %v", again.Counts)
		}
	})
}
