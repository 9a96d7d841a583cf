package tenant_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/archive"
	"mintedmind/db/tenant"
)

// The extension point, as documents and invoices will use it: a "widgets"
// part with its own table of files and a kept table of legal records.
var (
	widgetPartOnce sync.Once
	widgetPurged   int64
)

func registerWidgetPart() {
	widgetPartOnce.Do(func() {
		tenant.RegisterDataPart(tenant.DataPart{
			Name: "widgets",
			ExportClient: func(ctx context.Context, t *tenant.Store, clientID string, w tenant.ExportSink) error {
				if !hasWidgets(t.Read()) {
					return nil
				}
				rows, err := t.Read().QueryContext(ctx, `SELECT file FROM widgets WHERE client_id = ?`, clientID)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var file string
					rows.Scan(&file)
					f, err := os.Open(filepath.Join(t.Dir, "files", file))
					if err != nil {
						return err
					}
					err = w.File("widgets/"+file, f)
					f.Close()
					if err != nil {
						return err
					}
				}
				return w.JSON("widgets.json", map[string]string{"client": clientID})
			},
			EraseClient: func(ctx context.Context, tx *sql.Tx, t *tenant.Store, clientID string) ([]string, error) {
				if !hasWidgets(tx) {
					return nil, nil
				}
				var files []string
				rows, err := tx.QueryContext(ctx, `SELECT file FROM widgets WHERE client_id = ?`, clientID)
				if err != nil {
					return nil, err
				}
				for rows.Next() {
					var f string
					rows.Scan(&f)
					files = append(files, f)
				}
				rows.Close()
				_, err = tx.ExecContext(ctx, `DELETE FROM widgets WHERE client_id = ?`, clientID)
				return files, err
			},
			KeepTables: []string{"kept_invoices"},
			Purge: func(ctx context.Context, t *tenant.Store, now time.Time, dryRun bool) (map[string]int64, error) {
				widgetPurged++
				return map[string]int64{"purged": 1}, nil
			},
		})
	})
}

// hasWidgets reports whether this test's widgets table exists: the part
// stays registered for the package's other tests, where it does nothing.
func hasWidgets(q interface {
	QueryRow(query string, args ...any) *sql.Row
}) bool {
	var n int
	q.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'widgets'`).Scan(&n)
	return n > 0
}

func TestDataPartExtensionPoint(t *testing.T) {
	t.Parallel()
	registerWidgetPart()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "parts")
	err := tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE widgets (client_id TEXT, file TEXT); CREATE TABLE kept_invoices (client_id TEXT, buyer TEXT)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	v := tenant.Viewer{UserID: owner.ID}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Winifred Widgetson", Kind: "person", Emails: []string{"winnie@example.test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	al, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Al", Kind: "person", Notes: "Alphabet Almanac"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Alfred Alston", Kind: "person"}, tenant.Audit{Action: "client.created"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tn.Dir, "files", "w1.pdf"), []byte("widget file"), 0o600)
	tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO widgets VALUES (?, 'w1.pdf'); INSERT INTO kept_invoices VALUES (?, 'Winifred Widgetson')`, c.ID, c.ID)
		return err
	})

	t.Run("a part's records are in the client's export", func(t *testing.T) {
		got := mustExportFiles(t, f.clock.Now(), func(w *archive.ExportWriter) error { return tn.ExportClient(ctx, v, c.ID, w) })
		if got["widgets/w1.pdf"] != "widget file" || !strings.Contains(got["widgets.json"], c.ID) || !strings.Contains(got["client.json"], "winnie@example.test") {
			t.Fatalf("export %v", got)
		}
	})

	t.Run("erasure runs the part, returns its files for deletion and keeps its kept tables", func(t *testing.T) {
		if _, err := tn.EraseClient(ctx, v, c.ID, "Winifred", tenant.Audit{Action: "client.erased"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a partial name: %v", err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM widgets`) != 1 {
			t.Fatal("a refused erasure touched the part")
		}
		er, err := tn.EraseClient(ctx, v, c.ID, "Winifred Widgetson", tenant.Audit{Action: "client.erased"})
		if err != nil {
			t.Fatal(err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM widgets`) != 0 {
			t.Fatal("the part's rows stayed")
		}
		if fmt.Sprint(er.Files) != "[w1.pdf]" {
			t.Fatalf("files to delete %q, want the part's w1.pdf", er.Files)
		}
		if _, err := os.Stat(filepath.Join(tn.Dir, "files", "w1.pdf")); err != nil {
			t.Fatalf("the store deleted a file itself: %v", err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM kept_invoices WHERE buyer = 'Winifred Widgetson'`) != 1 {
			t.Fatal("the kept table lost the legally kept name")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'client.erased' AND target = ?`, c.ID) != 1 {
			t.Fatal("not audited")
		}
	})

	t.Run("a short name is not swept out of other people's text", func(t *testing.T) {
		if _, err := tn.EraseClient(ctx, v, al.ID, "Al", tenant.Audit{Action: "client.erased"}); err != nil {
			t.Fatal(err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM clients WHERE name = 'Alfred Alston'`) != 1 {
			t.Fatal("a short name was swept from unrelated rows")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM clients WHERE id = ? AND name = ? AND notes = ''`, al.ID, tenant.ErasedClientName) != 1 {
			t.Fatal("the client's own row was not erased")
		}
	})

	t.Run("another viewer's client is not found and not erased", func(t *testing.T) {
		staff := mustAddUser(t, tn, "staff@parts.test", tenant.RoleStaff)
		other, _ := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Hidden Person", Kind: "person"}, tenant.Audit{Action: "client.created"})
		_, err := tn.EraseClient(ctx, tenant.Viewer{UserID: staff.ID, OwnOnly: true}, other.ID, "Hidden Person", tenant.Audit{Action: "client.erased"})
		wantCode(t, err, apperr.NotFound)
	})
}

func TestErasedClientsInvoicesAreKeptThenPurged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "invoices")
	v := tenant.Viewer{UserID: owner.ID}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Bartholomew Buyer", Kind: "person", Emails: []string{"bart@example.test"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	insert := func(id, number, issueDate string) {
		t.Helper()
		var num any
		if number != "" {
			num = number
		}
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO invoices (id, number, client_id, status, currency, issue_date, terms_days, due_date, total, buyer, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'EUR', ?, 14, ?, 12100, '{"name":"Bartholomew Buyer","email":"bart@example.test"}', 1, 1)`,
				id, num, c.ID, map[bool]string{true: "draft", false: "issued"}[number == ""], issueDate, issueDate)
			if err != nil {
				return err
			}
			_, err = tx.Exec(`INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_price, vat_rate_bp) VALUES (?, 1, 'Advice for Bartholomew Buyer', 1000, 10000, 2100)`, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	insert("inv-old", "INV-2026-0001", "2026-01-15")
	insert("inv-new", "INV-2026-0002", "2026-10-01")
	insert("inv-draft", "", "2026-10-20")
	tn.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO payments (id, invoice_id, amount, currency, paid_on, method, reference, created_at) VALUES ('pay-1', 'inv-old', 12100, 'EUR', '2026-01-20', 'bank_transfer', 'Bartholomew B.', 1)`)
		return err
	})

	if _, err := tn.EraseClient(ctx, v, c.ID, "Bartholomew Buyer", tenant.Audit{Action: "client.erased"}); err != nil {
		t.Fatal(err)
	}
	t.Run("issued invoices and payments keep the buyer; drafts go; nothing else keeps a trace", func(t *testing.T) {
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE buyer LIKE '%Bartholomew Buyer%' AND number IS NOT NULL`) != 2 {
			t.Fatal("issued invoices lost their legally kept buyer")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE id = 'inv-draft'`) != 0 {
			t.Fatal("the draft was kept")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM clients WHERE name LIKE '%Bartholomew%'`) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Bartholomew%' OR detail LIKE '%bart@%'`) != 0 {
			t.Fatal("the name outside the kept tables")
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoice_lines WHERE description = 'Advice for Bartholomew Buyer'`) != 2 {
			t.Fatal("kept invoice lines were swept")
		}
	})

	t.Run("an invalid retention period is refused", func(t *testing.T) {
		for _, bad := range []string{"0", "31", "ten", ""} {
			wantCode(t, tn.SetInvoiceRetentionYears(ctx, bad, tenant.Audit{Action: "privacy.settings"}), apperr.Invalid)
		}
		if n, _ := tn.InvoiceRetentionYears(ctx); n != tenant.DefaultInvoiceRetentionYears {
			t.Fatalf("retention %d", n)
		}
	})

	part := func() tenant.DataPart {
		for _, p := range tenant.DataParts() {
			if p.Name == "invoices" {
				return p
			}
		}
		t.Fatal("no invoices part")
		return tenant.DataPart{}
	}()
	t.Run("the retention job purges them after the agency's period, older first", func(t *testing.T) {
		if err := tn.SetInvoiceRetentionYears(ctx, "1", tenant.Audit{Action: "privacy.settings"}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
		counts, err := part.Purge(ctx, tn, at, true)
		if err != nil || counts["purged"] != 1 {
			t.Fatalf("dry run %v %v", counts, err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoices`) != 2 {
			t.Fatal("the dry run deleted")
		}
		if counts, err = part.Purge(ctx, tn, at, false); err != nil || counts["purged"] != 1 {
			t.Fatalf("purge %v %v", counts, err)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE id = 'inv-old'`) != 0 || queryInt(t, tn, `SELECT COUNT(*) FROM payments`) != 0 ||
			queryInt(t, tn, `SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = 'inv-old'`) != 0 {
			t.Fatal("the old invoice, its lines or its payment stayed")
		}
		if counts, _ = part.Purge(ctx, tn, at, false); counts["purged"] != 0 {
			t.Fatal("purged twice")
		}
		if counts, _ = part.Purge(ctx, tn, at.AddDate(1, 0, 0), false); counts["purged"] != 1 {
			t.Fatalf("the newer invoice: %v", counts)
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM invoices`) != 0 || queryInt(t, tn, `SELECT COUNT(*) FROM settings WHERE key LIKE 'erased_client:%'`) != 0 {
			t.Fatal("leftovers after the last invoice")
		}
	})
}

// mustExportFiles writes an export with write and returns its files by
// name, each file's content as a string.
func mustExportFiles(t *testing.T, now time.Time, write func(w *archive.ExportWriter) error) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	w := archive.NewExportWriter(&buf, now)
	if err := write(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[zf.Name] = string(b)
	}
	return got
}
