package tenant

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
)

// signingCodes is where the emailed codes of one kind of signed document
// are kept (issue 18): quotes' in quote_codes, agreements' in
// agreement_codes. The rules are the same for both, written once here: a
// code belongs to one contact and one document, ends after QuoteCodeTTL,
// is used once, and asking is limited per contact and per document.
type signingCodes struct {
	table   string // quote_codes, agreement_codes
	subject string // its column naming the document: quote_id, agreement_id
}

var (
	quoteCodes     = signingCodes{table: "quote_codes", subject: "quote_id"}
	agreementCodes = signingCodes{table: "agreement_codes", subject: "agreement_id"}
)

// createTx stores code (QuoteCodeDigits digits, made by the caller from
// crypto/rand) for userID on document id, to be emailed to email. Too many
// codes asked for recently is TooMany, and nothing is stored.
func (s signingCodes) createTx(ctx context.Context, tx *sql.Tx, now int64, id, userID, email, code string) error {
	if len(code) != QuoteCodeDigits {
		return fmt.Errorf("db: a signing code has %d digits", QuoteCodeDigits)
	}
	since := now - int64(QuoteCodeWindow/time.Second)
	var perDocument, perSigner int
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT COUNT(*) FROM %[1]s WHERE %[2]s = ? AND created_at > ?),
			(SELECT COUNT(*) FROM %[1]s WHERE user_id = ? AND created_at > ?)`, s.table, s.subject), id, since, userID, since).Scan(&perDocument, &perSigner); err != nil {
		return fmt.Errorf("db: count the codes of %s: %w", id, err)
	}
	if perDocument >= QuoteCodesPerQuote || perSigner >= QuoteCodesPerSigner {
		e := apperr.New(apperr.TooMany, msgCodeTooMany)
		e.RetryAfter = QuoteCodeWindow
		return e
	}
	codeID := uuid.NewString()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (id, %s, user_id, email, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, s.table, s.subject),
		codeID, id, userID, email, quoteCodeHash(codeID, id, code), now, now+int64(QuoteCodeTTL/time.Second)); err != nil {
		return fmt.Errorf("db: store a code of %s: %w", id, err)
	}
	return nil
}

// useTx spends code on document id for the contact userID: the newest of
// their codes for this document that is unused, unexpired and matches.
// Anything else is an invalid code, and nothing is spent.
func (s signingCodes) useTx(ctx context.Context, tx *sql.Tx, now int64, id, userID, code string) error {
	if code == "" {
		return apperr.FieldErrors(map[string]string{"code": msgCodeMissing})
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT id, %[2]s, code_hash FROM %[1]s WHERE %[2]s = ? AND user_id = ? AND used_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, id`, s.table, s.subject), id, userID, now)
	if err != nil {
		return fmt.Errorf("db: codes of %s: %w", id, err)
	}
	var found string
	for rows.Next() {
		var codeID, subjectID, hash string
		if err := rows.Scan(&codeID, &subjectID, &hash); err != nil {
			rows.Close()
			return fmt.Errorf("db: codes of %s: %w", id, err)
		}
		if found == "" && subtle.ConstantTimeCompare([]byte(hash), []byte(quoteCodeHash(codeID, subjectID, code))) == 1 {
			found = codeID
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: codes of %s: %w", id, err)
	}
	if found == "" {
		return apperr.FieldErrors(map[string]string{"code": msgCodeWrong})
	}
	res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET used_at = ? WHERE id = ? AND used_at IS NULL`, s.table), now, found)
	if err != nil {
		return fmt.Errorf("db: use a code of %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.FieldErrors(map[string]string{"code": msgCodeWrong})
	}
	return nil
}
