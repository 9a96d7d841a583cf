package tenant

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"
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
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadAnswerable(ctx, tx, v, id, today, "accept"); err != nil {
			return err
		}
		if err := quoteCodes.createTx(ctx, tx, t.Now(), id, actor.ID, email, code); err != nil {
			return err
		}
		return t.quoteEventTx(ctx, tx, id, "code_sent", actor.Name, email)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}
