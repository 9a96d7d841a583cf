package tenant

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
)

// Acceptance codes (issue 18 point 3): accepting a quote needs a six-digit
// code emailed to the signer. A code belongs to one contact and one quote
// version, ends after QuoteCodeTTL and is used once; asking for codes is
// limited per contact (over all quotes) and per quote (over all contacts)
// within QuoteCodeWindow.
const (
	QuoteCodeTTL        = 15 * time.Minute
	QuoteCodeWindow     = time.Hour
	QuoteCodesPerQuote  = 5
	QuoteCodesPerSigner = 8
	QuoteCodeDigits     = 6
)

// Messages of the acceptance code, also the ids of their translations.
const (
	msgCodeMissing = "Type the six-digit code we emailed you."
	msgCodeWrong   = "That code is wrong, used or expired. Ask for a new code."
	msgCodeTooMany = "Too many codes asked for. Please wait an hour and try again."
)

// quoteCodeHash is what is stored of a code: the SHA-256 of the row's id,
// its quote and the digits, so a code is worth nothing on another row.
func quoteCodeHash(id, quoteID, code string) string {
	sum := sha256.Sum256([]byte(id + "\x00" + quoteID + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// CreateQuoteCode stores code (QuoteCodeDigits digits, made by the caller
// from crypto/rand) for the contact actor, to be emailed to email, on a
// quote v may see and still answer on the day today, and records "code
// sent" in the quote's history. Too many codes asked for recently is
// TooMany, and nothing is stored.
func (t *Store) CreateQuoteCode(ctx context.Context, v Viewer, actor Actor, id, email, code, today string) (*Quote, error) {
	if len(code) != QuoteCodeDigits {
		return nil, fmt.Errorf("db: a quote code has %d digits", QuoteCodeDigits)
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadAnswerable(ctx, tx, v, id, today, "accept"); err != nil {
			return err
		}
		now := t.Now()
		since := now - int64(QuoteCodeWindow/time.Second)
		var perQuote, perSigner int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM quote_codes WHERE quote_id = ? AND created_at > ?),
			(SELECT COUNT(*) FROM quote_codes WHERE user_id = ? AND created_at > ?)`, id, since, actor.ID, since).Scan(&perQuote, &perSigner); err != nil {
			return fmt.Errorf("db: count the codes of quote %s: %w", id, err)
		}
		if perQuote >= QuoteCodesPerQuote || perSigner >= QuoteCodesPerSigner {
			e := apperr.New(apperr.TooMany, msgCodeTooMany)
			e.RetryAfter = QuoteCodeWindow
			return e
		}
		codeID := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_codes (id, quote_id, user_id, email, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			codeID, id, actor.ID, email, quoteCodeHash(codeID, id, code), now, now+int64(QuoteCodeTTL/time.Second)); err != nil {
			return fmt.Errorf("db: store a code of quote %s: %w", id, err)
		}
		return t.quoteEventTx(ctx, tx, id, "code_sent", actor.Name, email)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}

// useQuoteCodeTx spends code on quote id for the contact userID: the
// newest of their codes for this quote version that is unused, unexpired
// and matches. Anything else is an invalid code, and nothing is spent.
func (t *Store) useQuoteCodeTx(ctx context.Context, tx *sql.Tx, id, userID, code string) error {
	if code == "" {
		return apperr.FieldErrors(map[string]string{"code": msgCodeMissing})
	}
	now := t.Now()
	rows, err := tx.QueryContext(ctx, `SELECT id, quote_id, code_hash FROM quote_codes WHERE quote_id = ? AND user_id = ? AND used_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, id`, id, userID, now)
	if err != nil {
		return fmt.Errorf("db: codes of quote %s: %w", id, err)
	}
	var found string
	for rows.Next() {
		var codeID, quoteID, hash string
		if err := rows.Scan(&codeID, &quoteID, &hash); err != nil {
			rows.Close()
			return fmt.Errorf("db: codes of quote %s: %w", id, err)
		}
		if found == "" && subtle.ConstantTimeCompare([]byte(hash), []byte(quoteCodeHash(codeID, quoteID, code))) == 1 {
			found = codeID
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: codes of quote %s: %w", id, err)
	}
	if found == "" {
		return apperr.FieldErrors(map[string]string{"code": msgCodeWrong})
	}
	res, err := tx.ExecContext(ctx, `UPDATE quote_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`, now, found)
	if err != nil {
		return fmt.Errorf("db: use a code of quote %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.FieldErrors(map[string]string{"code": msgCodeWrong})
	}
	return nil
}
