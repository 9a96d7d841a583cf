package tenant

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Quotes' share of the privacy tools (issue 18). A client's export has
// their quotes (every version, drafts included), lines, acceptances,
// history, questions and the signed PDFs; a person's own download has the
// acceptances they signed and the questions and answers they wrote.
// Erasing a client deletes every quote of theirs that is not accepted,
// with its lines, history, questions and reminders, and the questions on
// the accepted ones (and their text in its history); an accepted quote is a signed contract and is kept
// with its acceptance and signed PDF (the evidence of the agreement, as an
// invoice is kept) for the agency's invoice retention period, counted
// from its acceptance; the retention job then deletes it.
const erasedQuotesPrefix = "erased_client_quotes:"

func init() {
	RegisterDataPart(DataPart{
		Name:         "quotes",
		ExportClient: exportQuotes,
		ExportUser:   exportUserQuotes,
		EraseClient:  eraseQuotes,
		KeepTables:   []string{"quotes", "quote_lines", "quote_acceptances", "signed_documents"},
		Purge:        purgeErasedQuotes,
	})
}

func exportQuotes(ctx context.Context, t *Store, clientID string, w ExportSink) error {
	ids := `(SELECT id FROM quotes WHERE client_id = ?)`
	for _, s := range []struct{ name, query string }{
		{"quotes.json", `SELECT id, COALESCE(number, '') AS number, version, COALESCE(previous_id, '') AS previous_id, COALESCE(case_id, '') AS case_id,
			state, currency, valid_until, terms, deposit_kind, deposit_value, discount_bp, subtotal, vat_total, total, seller, buyer, issue_date,
			decline_reason, sent_at, viewed_at, answered_at, withdrawn_at, superseded_at, expired_at, created_at
			FROM quotes WHERE client_id = ? ORDER BY created_at, id`},
		{"quote_lines.json", `SELECT quote_id, position, description, quantity_milli, unit_price, vat_rate_bp, discount_bp, optional, chosen
			FROM quote_lines WHERE quote_id IN ` + ids + ` ORDER BY quote_id, position`},
		{"quote_acceptances.json", `SELECT quote_id, signer_name, signer_email, accepted_at, ip, user_agent, document_sha256, total
			FROM quote_acceptances WHERE quote_id IN ` + ids + ` ORDER BY accepted_at`},
		{"quote_history.json", `SELECT quote_id, at AS happened_at, kind, actor_name, detail FROM quote_events WHERE quote_id IN ` + ids + ` ORDER BY quote_id, id`},
		{"quote_questions.json", `SELECT quote_id, author_name, from_client, body, created_at FROM quote_messages WHERE quote_id IN ` + ids + ` ORDER BY created_at`},
	} {
		recs, err := queryRecords(ctx, t.Read(), s.query, clientID)
		if err != nil {
			return err
		}
		if err := w.JSON(s.name, recs); err != nil {
			return err
		}
	}
	return exportSignedPDFs(ctx, t, w, clientID)
}

// exportSignedPDFs writes signed_documents.json and each signed PDF as
// signed/<label>-signed.pdf: the client's signed quotes and agreements,
// in one list (the two kinds share the table and the file's name).
func exportSignedPDFs(ctx context.Context, t *Store, w ExportSink, clientID string) error {
	rows, err := t.Read().QueryContext(ctx, `SELECT COALESCE(quote_id, ''), COALESCE(agreement_id, ''), label, signed_at, body_sha256, sha256, pdf FROM signed_documents
		WHERE quote_id IN (SELECT id FROM quotes WHERE client_id = ?) OR agreement_id IN (SELECT id FROM agreements WHERE client_id = ?) ORDER BY signed_at`, clientID, clientID)
	if err != nil {
		return fmt.Errorf("db: export signed documents: %w", err)
	}
	defer rows.Close()
	recs := []Record{}
	for rows.Next() {
		var quoteID, agreementID, label, body, sum string
		var at int64
		var pdf []byte
		if err := rows.Scan(&quoteID, &agreementID, &label, &at, &body, &sum, &pdf); err != nil {
			return fmt.Errorf("db: export signed documents: %w", err)
		}
		name := "signed/" + exportFileName(label) + "-signed.pdf"
		if err := w.File(name, bytes.NewReader(pdf)); err != nil {
			return err
		}
		recs = append(recs, Record{"quote_id": quoteID, "agreement_id": agreementID, "label": label, "signed_at": time.Unix(at, 0).UTC().Format(time.RFC3339),
			"body_sha256": body, "pdf_sha256": sum, "file": name})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	return w.JSON("signed_documents.json", recs)
}

func exportUserQuotes(ctx context.Context, t *Store, userID string, w ExportSink) error {
	for _, s := range []struct{ name, query string }{
		{"quote_acceptances.json", `SELECT COALESCE(q.number, '') AS number, q.version, a.signer_name, a.signer_email, a.accepted_at, a.ip, a.user_agent,
			a.document_sha256, a.total, q.currency FROM quote_acceptances a JOIN quotes q ON q.id = a.quote_id WHERE a.signer_user_id = ? ORDER BY a.accepted_at`},
		{"quote_questions.json", `SELECT COALESCE(q.number, '') AS number, q.version, m.author_name, m.body, m.created_at
			FROM quote_messages m JOIN quotes q ON q.id = m.quote_id WHERE m.author_id = ? ORDER BY m.created_at`},
	} {
		recs, err := queryRecords(ctx, t.Read(), s.query, userID)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			continue
		}
		if err := w.JSON(s.name, recs); err != nil {
			return err
		}
	}
	return nil
}

func eraseQuotes(ctx context.Context, tx *sql.Tx, t *Store, clientID string) ([]string, error) {
	gone := `(SELECT id FROM quotes WHERE client_id = ? AND state <> 'accepted')`
	for _, q := range []string{
		`UPDATE quotes SET previous_id = NULL WHERE previous_id IN ` + gone,
		`DELETE FROM quote_acceptances WHERE quote_id IN ` + gone, // none: only accepted quotes have one
		`DELETE FROM quotes WHERE id IN ` + gone,                  // lines, history, questions and reminders cascade
		`DELETE FROM quote_messages WHERE quote_id IN (SELECT id FROM quotes WHERE client_id = ?)`,
		`UPDATE quote_events SET detail = '' WHERE kind IN ('asked', 'answered', 'declined') AND quote_id IN (SELECT id FROM quotes WHERE client_id = ?)`,
	} {
		if _, err := tx.ExecContext(ctx, q, clientID); err != nil {
			return nil, fmt.Errorf("erase quotes: %w", err)
		}
	}
	var kept int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM quotes WHERE client_id = ?`, clientID).Scan(&kept); err != nil {
		return nil, err
	}
	if kept > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`, erasedQuotesPrefix+clientID, strconv.FormatInt(t.Now(), 10)); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// purgeErasedQuotes deletes the kept (accepted) quotes of erased clients,
// with their acceptance, signed PDF, lines and history, once accepted
// longer ago than the agency's invoice retention period.
func purgeErasedQuotes(ctx context.Context, t *Store, now time.Time, dryRun bool) (map[string]int64, error) {
	years, err := t.InvoiceRetentionYears(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := now.AddDate(-years, 0, 0).Unix()
	expired := `(SELECT q.id FROM quotes q JOIN settings s ON s.key = '` + erasedQuotesPrefix + `' || q.client_id WHERE COALESCE(q.answered_at, q.created_at) < ?)`
	counts := map[string]int64{}
	if dryRun {
		var n int64
		err := t.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+expired+` AS x`, cutoff).Scan(&n)
		counts["purged"] = n
		return counts, err
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		var ids []string
		rows, err := tx.QueryContext(ctx, `SELECT id FROM `+expired+` AS x`, cutoff)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			for _, q := range []string{
				`UPDATE quotes SET previous_id = NULL WHERE previous_id = ?`,
				`DELETE FROM signed_documents WHERE quote_id = ?`,
				`DELETE FROM quote_acceptances WHERE quote_id = ?`,
				`DELETE FROM quotes WHERE id = ?`,
			} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return fmt.Errorf("purge quotes: %w", err)
				}
			}
		}
		counts["purged"] = int64(len(ids))
		_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key LIKE '`+erasedQuotesPrefix+`%' AND substr(key, `+strconv.Itoa(len(erasedQuotesPrefix)+1)+`) NOT IN (SELECT client_id FROM quotes)`)
		return err
	})
	return counts, err
}
