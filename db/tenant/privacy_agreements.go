package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Agreements' share of the privacy tools (issue 18, point 4), as quotes'
// (privacy_quotes.go). A client's export has their agreements (drafts
// included) with the fields filled, the signers and what each signing
// recorded (name typed, time, address, browser; not the signature image,
// which is in the signed PDF), the history, and the signed PDFs (with the
// quotes', exportSignedPDFs); a person's own download has the signatures
// they gave. Erasing a client deletes every agreement of theirs not yet
// completed (signers, history and codes cascade); a completed one is a
// signed contract and is kept with its signers and signed PDF for the
// agency's invoice retention period, counted from its completion, as an
// accepted quote is; the retention job then deletes it.
const erasedAgreementsPrefix = "erased_client_agreements:"

func init() {
	RegisterDataPart(DataPart{
		Name:         "agreements",
		ExportClient: exportAgreements,
		ExportUser:   exportUserAgreements,
		EraseClient:  eraseAgreements,
		KeepTables:   []string{"agreements", "agreement_signers", "signed_documents"},
		Purge:        purgeErasedAgreements,
	})
}

func exportAgreements(ctx context.Context, t *Store, clientID string, w ExportSink) error {
	ids := `(SELECT id FROM agreements WHERE client_id = ?)`
	for _, s := range []struct{ name, query string }{
		{"agreements.json", `SELECT id, COALESCE(case_id, '') AS case_id, title, body, fields, state, document_sha256, sent_at, completed_at, created_at
			FROM agreements WHERE client_id = ? ORDER BY created_at, id`},
		{"agreement_signers.json", `SELECT agreement_id, position, name, email, signed_at, signer_name, ip, user_agent, signature_kind
			FROM agreement_signers WHERE agreement_id IN ` + ids + ` ORDER BY agreement_id, position`},
		{"agreement_history.json", `SELECT agreement_id, at AS happened_at, kind, actor_name, detail FROM agreement_events WHERE agreement_id IN ` + ids + ` ORDER BY agreement_id, id`},
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

func exportUserAgreements(ctx context.Context, t *Store, userID string, w ExportSink) error {
	recs, err := queryRecords(ctx, t.Read(), `SELECT g.title, g.state, s.position, s.name, s.email, s.signed_at, s.signer_name, s.ip, s.user_agent, s.signature_kind
		FROM agreement_signers s JOIN agreements g ON g.id = s.agreement_id WHERE s.user_id = ? AND g.state <> 'draft' ORDER BY g.created_at, g.id`, userID)
	if err != nil || len(recs) == 0 {
		return err
	}
	return w.JSON("agreement_signatures.json", recs)
}

func eraseAgreements(ctx context.Context, tx *sql.Tx, t *Store, clientID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM agreements WHERE client_id = ? AND state <> 'completed'`, clientID); err != nil {
		return nil, fmt.Errorf("erase agreements: %w", err)
	}
	var kept int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE client_id = ?`, clientID).Scan(&kept); err != nil {
		return nil, err
	}
	if kept > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`, erasedAgreementsPrefix+clientID, strconv.FormatInt(t.Now(), 10)); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// purgeErasedAgreements deletes the kept (completed) agreements of erased
// clients, with their signers, history and signed PDF, once completed
// longer ago than the agency's invoice retention period.
func purgeErasedAgreements(ctx context.Context, t *Store, now time.Time, dryRun bool) (map[string]int64, error) {
	years, err := t.InvoiceRetentionYears(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := now.AddDate(-years, 0, 0).Unix()
	expired := `(SELECT g.id FROM agreements g JOIN settings s ON s.key = '` + erasedAgreementsPrefix + `' || g.client_id WHERE COALESCE(g.completed_at, g.created_at) < ?)`
	counts := map[string]int64{}
	if dryRun {
		var n int64
		err := t.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+expired+` AS x`, cutoff).Scan(&n)
		counts["purged"] = n
		return counts, err
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signed_documents WHERE agreement_id IN `+expired, cutoff); err != nil {
			return fmt.Errorf("purge agreements: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM agreements WHERE id IN `+expired, cutoff) // signers, history and codes cascade
		if err != nil {
			return fmt.Errorf("purge agreements: %w", err)
		}
		counts["purged"], _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key LIKE '`+erasedAgreementsPrefix+`%' AND substr(key, `+strconv.Itoa(len(erasedAgreementsPrefix)+1)+`) NOT IN (SELECT client_id FROM agreements)`)
		return err
	})
	return counts, err
}
