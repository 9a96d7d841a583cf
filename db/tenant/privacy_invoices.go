package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mintedmind/apperr"
)

// Invoices' share of the privacy tools. A client's export has their
// invoices, lines, payments and recurring invoices. Erasing a client deletes
// their drafts and recurring invoices but keeps issued invoices, credit
// notes and payments as they are (the law requires them, buyer included) for
// the agency's invoice retention period, counted from each invoice's issue
// date; the retention job then deletes them.
const (
	settingInvoiceRetention = "privacy.invoice_retention_years"
	erasedClientPrefix      = "erased_client:"

	// DefaultInvoiceRetentionYears is the invoice retention period of an
	// agency that did not set one.
	DefaultInvoiceRetentionYears = 10
)

func init() {
	RegisterDataPart(DataPart{
		Name:         "invoices",
		ExportClient: exportInvoices,
		EraseClient:  eraseInvoices,
		KeepTables:   []string{"invoices", "invoice_lines", "payments", "paysera_orders", "invoice_reminders"},
		Purge:        purgeErasedInvoices,
	})
}

func exportInvoices(ctx context.Context, t *Store, clientID string, w ExportSink) error {
	invoiceIDs := `(SELECT id FROM invoices WHERE client_id = ?)`
	for _, s := range []struct{ name, query string }{
		{"invoices.json", `SELECT id, kind, COALESCE(number, '') AS number, COALESCE(credit_for, '') AS credit_for, status, currency, issue_date, due_date,
			subtotal, vat_total, total, paid, seller, buyer, notes, void_reason, issued_at, voided_at, sent_at, created_at
			FROM invoices WHERE client_id = ? ORDER BY created_at`},
		{"invoice_lines.json", `SELECT invoice_id, position, description, quantity_milli, unit_price, vat_rate_bp
			FROM invoice_lines WHERE invoice_id IN ` + invoiceIDs + ` ORDER BY invoice_id, position`},
		{"payments.json", `SELECT id, invoice_id, amount, currency, paid_on, method, reference, created_at
			FROM payments WHERE invoice_id IN ` + invoiceIDs + ` ORDER BY created_at`},
		{"recurring_invoices.json", `SELECT id, currency, terms_days, notes, frequency, interval_months, start_date, end_date, status, created_at
			FROM recurring_invoices WHERE client_id = ? ORDER BY created_at`},
	} {
		recs, err := queryRecords(ctx, t.Read(), s.query, clientID)
		if err != nil {
			return err
		}
		if err := w.JSON(s.name, recs); err != nil {
			return err
		}
	}
	return nil
}

func eraseInvoices(ctx context.Context, tx *sql.Tx, t *Store, clientID string) ([]string, error) {
	drafts := `(SELECT id FROM invoices WHERE client_id = ? AND number IS NULL)`
	for _, q := range []string{
		`UPDATE recurring_runs SET invoice_id = NULL WHERE invoice_id IN ` + drafts,
		`DELETE FROM paysera_orders WHERE invoice_id IN ` + drafts,
		`DELETE FROM invoices WHERE id IN ` + drafts,
		`UPDATE invoices SET recurring_id = NULL WHERE recurring_id IN (SELECT id FROM recurring_invoices WHERE client_id = ?)`,
		`DELETE FROM recurring_invoices WHERE client_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, clientID); err != nil {
			return nil, fmt.Errorf("erase invoices: %w", err)
		}
	}
	var kept int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE client_id = ?`, clientID).Scan(&kept); err != nil {
		return nil, err
	}
	if kept > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`, erasedClientPrefix+clientID, strconv.FormatInt(t.Now(), 10)); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// purgeErasedInvoices deletes the kept invoices (with lines, payments and
// payment requests) of erased clients once their issue date is older than
// the agency's retention period. An invoice a newer credit note still
// points at waits for that credit note.
func purgeErasedInvoices(ctx context.Context, t *Store, now time.Time, dryRun bool) (map[string]int64, error) {
	years, err := t.InvoiceRetentionYears(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := now.AddDate(-years, 0, 0).Format("2006-01-02")
	expired := `(SELECT i.id FROM invoices i JOIN settings s ON s.key = '` + erasedClientPrefix + `' || i.client_id
		WHERE i.issue_date < ? AND i.id NOT IN (SELECT credit_for FROM invoices WHERE credit_for IS NOT NULL AND issue_date >= ?))`
	counts := map[string]int64{}
	if dryRun {
		var n int64
		err := t.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+expired+` AS x`, cutoff, cutoff).Scan(&n)
		counts["purged"] = n
		return counts, err
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS purge_invoices (id TEXT PRIMARY KEY)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM purge_invoices`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO purge_invoices (id) SELECT id FROM `+expired+` AS x`, cutoff, cutoff)
		if err != nil {
			return err
		}
		counts["purged"], _ = res.RowsAffected()
		set := `(SELECT id FROM purge_invoices)`
		for _, q := range []string{
			`UPDATE recurring_runs SET invoice_id = NULL WHERE invoice_id IN ` + set,
			`DELETE FROM paysera_orders WHERE invoice_id IN ` + set,
			`DELETE FROM payments WHERE invoice_id IN ` + set,
			`UPDATE invoices SET credit_for = NULL WHERE credit_for IN ` + set + ` AND id IN ` + set,
			`DELETE FROM invoices WHERE id IN ` + set,
			`DELETE FROM settings WHERE key LIKE '` + erasedClientPrefix + `%' AND substr(key, ` + strconv.Itoa(len(erasedClientPrefix)+1) + `) NOT IN (SELECT client_id FROM invoices)`,
			`DELETE FROM purge_invoices`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("purge invoices: %w", err)
			}
		}
		return nil
	})
	return counts, err
}

// InvoiceRetentionYears is how long the agency keeps an erased client's
// invoices (default 10 years).
func (t *Store) InvoiceRetentionYears(ctx context.Context) (int, error) {
	var v string
	err := t.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingInvoiceRetention).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultInvoiceRetentionYears, nil
	}
	if err != nil {
		return 0, fmt.Errorf("db: invoice retention: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return DefaultInvoiceRetentionYears, nil
	}
	return n, nil
}

// SetInvoiceRetentionYears sets the agency's invoice retention period, 1
// to 30 years, and audits the change.
func (t *Store) SetInvoiceRetentionYears(ctx context.Context, years string, a Audit) error {
	n, err := strconv.Atoi(strings.TrimSpace(years))
	if err != nil || n < 1 || n > 30 {
		return apperr.FieldErrors(map[string]string{"invoice_retention_years": "Enter a number of years from 1 to 30."})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			settingInvoiceRetention, strconv.Itoa(n)); err != nil {
			return fmt.Errorf("db: set invoice retention: %w", err)
		}
		a.Detail = fmt.Sprintf("invoice retention: %d years", n)
		return t.auditTx(ctx, tx, a)
	})
}
