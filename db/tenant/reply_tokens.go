package tenant

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db"
)

// ReplyTokenTTL is how long a reply address in a notification is taken.
var ReplyTokenTTL = 90 * 24 * time.Hour

// ReplyToken is a live reply address's token: the case (or the quote,
// whose thread it answers) and the person a reply to it is posted as.
type ReplyToken struct {
	ID        string
	CaseID    string
	QuoteID   string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// IssueReplyToken makes a reply token for person userID on case caseID and
// returns its secret, which is never stored (only its hash). The secret
// is the agency's id and a dot, so an inbound mail's address names the one
// database it is checked against, then 16 random bytes, both in lower-case
// base32: 53 characters that survive a mail system's change of case, so
// that "reply+<secret>" keeps within the 64 characters RFC 5321 allows
// the local part of an address.
func (t *Store) IssueReplyToken(ctx context.Context, caseID, userID string) (string, error) {
	return t.issueReplyToken(ctx, caseID, "", userID)
}

// IssueQuoteReplyToken makes a reply token for person userID on the
// thread of quote quoteID, as IssueReplyToken does for a case.
func (t *Store) IssueQuoteReplyToken(ctx context.Context, quoteID, userID string) (string, error) {
	return t.issueReplyToken(ctx, "", quoteID, userID)
}

func (t *Store) issueReplyToken(ctx context.Context, caseID, quoteID, userID string) (string, error) {
	now := t.Clock().Now()
	id, err := uuid.Parse(t.AgencyID)
	if err != nil {
		return "", fmt.Errorf("db: reply token: agency id %q: %w", t.AgencyID, err)
	}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("db: reply token: %w", err)
	}
	secret := replyBase32.EncodeToString(id[:]) + "." + replyBase32.EncodeToString(random)
	_, err = t.Write().ExecContext(ctx, `INSERT INTO reply_tokens (id, token_hash, case_id, quote_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		uuid.NewString(), auth.HashToken(secret), caseNullable(caseID), caseNullable(quoteID), userID, now.Unix(), now.Add(ReplyTokenTTL).Unix())
	if err != nil {
		return "", fmt.Errorf("db: insert reply token: %w", err)
	}
	return secret, nil
}

// replyBase32 writes reply tokens: RFC 4648 base32 in lower case, unpadded.
var replyBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// AgencyOfReplyToken returns the agency id a reply token's secret names,
// in its usual dashed form, or "" when the secret is not shaped like one.
func AgencyOfReplyToken(secret string) string {
	encID, _, ok := strings.Cut(strings.ToLower(secret), ".")
	if !ok || len(encID) != 26 {
		return ""
	}
	raw, err := replyBase32.DecodeString(encID)
	if err != nil || len(raw) != 16 {
		return ""
	}
	id, err := uuid.FromBytes(raw)
	if err != nil {
		return ""
	}
	return id.String()
}

// ReplyTokenBySecret returns the live token with this secret and the
// person it names. Unknown, revoked and expired tokens, and those whose
// person is disabled, are unauthorized, each with its own message; the
// sender must be the person's own address (compared without case).
func (t *Store) ReplyTokenBySecret(ctx context.Context, secret, sender string) (*ReplyToken, *User, error) {
	var k ReplyToken
	var created, expires, revoked int64
	var us userScan
	err := t.Reader().QueryRowContext(ctx, `SELECT r.id, COALESCE(r.case_id, ''), COALESCE(r.quote_id, ''), r.user_id, r.created_at, r.expires_at, COALESCE(r.revoked_at, 0), `+sessionUserColumns+`
		FROM reply_tokens r JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?`, auth.HashToken(strings.ToLower(secret))).
		Scan(append([]any{&k.ID, &k.CaseID, &k.QuoteID, &k.UserID, &created, &expires, &revoked}, us.dest()...)...)
	if err == sql.ErrNoRows {
		return nil, nil, apperr.New(apperr.Unauthorized, "The reply address is not known.")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("db: reply token: %w", err)
	}
	k.CreatedAt, k.ExpiresAt = db.UnixTime(created), db.UnixTime(expires)
	u := us.user()
	switch {
	case revoked != 0:
		return nil, nil, apperr.New(apperr.Unauthorized, "The reply address was withdrawn.")
	case !t.Clock().Now().Before(k.ExpiresAt):
		return nil, nil, apperr.New(apperr.Unauthorized, "The reply address expired.")
	case u.Status != UserActive:
		return nil, nil, apperr.New(apperr.Unauthorized, "The person this reply address is for may no longer post.")
	case !strings.EqualFold(strings.TrimSpace(sender), u.Email):
		return nil, nil, apperr.New(apperr.Forbidden, "The reply comes from an address that is not the one this reply address was sent to.")
	}
	return &k, u, nil
}

// RevokeReplyTokens withdraws every live reply token of a person, as when
// they leave or are disabled; it returns how many.
func (t *Store) RevokeReplyTokens(ctx context.Context, userID string) (int, error) {
	res, err := t.Write().ExecContext(ctx, `UPDATE reply_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, t.Now(), userID)
	if err != nil {
		return 0, fmt.Errorf("db: revoke reply tokens: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
