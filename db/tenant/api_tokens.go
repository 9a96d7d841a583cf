package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db"
)

// API scopes: an area and read or write. Write includes read.
var (
	// APIAreas are the areas a token's scopes name, in the order the
	// settings page lists them.
	APIAreas = []string{"clients", "cases", "messages", "documents", "invoices", "webhooks"}
	// MaxAPITokenName bounds a token's name.
	MaxAPITokenName = 80
	// MaxAPITokens bounds the live tokens of an agency.
	MaxAPITokens = 50
)

// APIToken is one of the agency's API tokens, without its secret.
type APIToken struct {
	ID         string
	Name       string
	Hint       string   // the secret's last characters, to tell tokens apart
	Scopes     []string // "clients:read", "cases:write", …
	CreatedBy  string   // user id
	Creator    string   // that user's name
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: live
	LastUsedAt time.Time // zero: never used
	LastUsedIP string
}

// Live reports whether the token is neither revoked nor expired at now.
func (k *APIToken) Live(now time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// Allows reports whether the token's scopes include scope ("area:read" is
// allowed by "area:write" too).
func (k *APIToken) Allows(scope string) bool {
	if slices.Contains(k.Scopes, scope) {
		return true
	}
	area, level, _ := strings.Cut(scope, ":")
	return level == "read" && slices.Contains(k.Scopes, area+":write")
}

// APITokenInput is a new token as asked for on the settings page.
type APITokenInput struct {
	Name      string
	Scopes    []string
	ExpiresAt time.Time // zero: never
}

// ValidateAPIToken checks a new token's fields, one message per field.
func ValidateAPIToken(in *APITokenInput, now time.Time) map[string]string {
	fields := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		fields["name"] = "Name the token after what will use it."
	case len([]rune(in.Name)) > MaxAPITokenName:
		fields["name"] = fmt.Sprintf("Use at most %d characters.", MaxAPITokenName)
	}
	var scopes []string
	for _, s := range in.Scopes {
		area, level, ok := strings.Cut(s, ":")
		if !ok || !slices.Contains(APIAreas, area) || (level != "read" && level != "write") {
			fields["scopes"] = "Choose read or write for the areas the token may use."
			break
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 && fields["scopes"] == "" {
		fields["scopes"] = "Give the token at least one area to read or write."
	}
	slices.Sort(scopes)
	in.Scopes = scopes
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		fields["expires"] = "Choose a day after today, or no expiry."
	}
	return fields
}

// CreateAPIToken stores a new token made by creator and audits it. It
// returns the token and its secret, which is never stored (only its hash)
// and so can be shown only now. The secret starts with the agency's id,
// so that a request's token names the one database it can be checked
// against.
func (t *Store) CreateAPIToken(ctx context.Context, creator *User, in APITokenInput, a Audit) (*APIToken, string, error) {
	now := t.Clock().Now()
	fields := ValidateAPIToken(&in, now)
	if err := apperr.FieldErrors(fields); err != nil {
		return nil, "", err
	}
	secret := APITokenPrefix + strings.ReplaceAll(t.AgencyID, "-", "") + "_" + auth.NewToken()
	k := &APIToken{ID: uuid.NewString(), Name: in.Name, Hint: secret[len(secret)-4:], Scopes: in.Scopes,
		CreatedBy: creator.ID, Creator: creator.Name, CreatedAt: db.UnixTime(now.Unix()), ExpiresAt: in.ExpiresAt}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, now.Unix()).Scan(&live); err != nil {
			return fmt.Errorf("db: count api tokens: %w", err)
		}
		if live >= MaxAPITokens {
			return apperr.New(apperr.Invalid, "The agency has %d live tokens, the most it may have. Revoke one you no longer use first.", MaxAPITokens)
		}
		var expires any
		if !in.ExpiresAt.IsZero() {
			expires = in.ExpiresAt.Unix()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, name, token_hash, hint, scopes, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.Name, auth.HashToken(secret), k.Hint, strings.Join(k.Scopes, " "), k.CreatedBy, now.Unix(), expires); err != nil {
			return fmt.Errorf("db: insert api token: %w", err)
		}
		a.Target, a.Detail = k.ID, k.Name+" ("+strings.Join(k.Scopes, " ")+")"
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// APITokenPrefix starts every API token's secret, so that a leaked one is
// easy to recognise (secret scanners, logs).
const APITokenPrefix = "mmk_"

// AgencyOfAPIToken returns the agency id a token's secret names, in its
// usual dashed form, or "" when the secret is not shaped like a token.
func AgencyOfAPIToken(secret string) string {
	rest, ok := strings.CutPrefix(secret, APITokenPrefix)
	if !ok {
		return ""
	}
	hexID, _, ok := strings.Cut(rest, "_")
	if !ok || len(hexID) != 32 {
		return ""
	}
	id, err := uuid.Parse(hexID)
	if err != nil {
		return ""
	}
	return id.String()
}

const apiTokenColumns = `k.id, k.name, k.hint, k.scopes, k.created_by, COALESCE(u.name, ''), k.created_at, COALESCE(k.expires_at, 0), COALESCE(k.revoked_at, 0), COALESCE(k.last_used_at, 0), k.last_used_ip`

func scanAPIToken(row db.Scanner, extra ...any) (*APIToken, error) {
	var k APIToken
	var scopes string
	var created, expires, revoked, used int64
	if err := row.Scan(append([]any{&k.ID, &k.Name, &k.Hint, &scopes, &k.CreatedBy, &k.Creator, &created, &expires, &revoked, &used, &k.LastUsedIP}, extra...)...); err != nil {
		return nil, err
	}
	k.Scopes = strings.Fields(scopes)
	k.CreatedAt = db.UnixTime(created)
	if expires != 0 {
		k.ExpiresAt = db.UnixTime(expires)
	}
	if revoked != 0 {
		k.RevokedAt = db.UnixTime(revoked)
	}
	if used != 0 {
		k.LastUsedAt = db.UnixTime(used)
	}
	return &k, nil
}

// APITokens lists the agency's tokens, newest first, revoked ones included.
func (t *Store) APITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := t.Read().QueryContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens k LEFT JOIN users u ON u.id = k.created_by ORDER BY k.created_at DESC, k.id`)
	if err != nil {
		return nil, fmt.Errorf("db: list api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		k, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("db: scan api token: %w", err)
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// APITokenBySecret returns the live token with this secret and the person
// it acts for (its creator). Unknown, revoked and expired tokens, and those
// whose creator is disabled or no longer an admin or owner, are
// unauthorized, each with its own message.
func (t *Store) APITokenBySecret(ctx context.Context, secret string) (*APIToken, *User, error) {
	var us userScan
	k, err := scanAPIToken(t.Reader().QueryRowContext(ctx, `SELECT `+apiTokenColumns+`, `+sessionUserColumns+`
		FROM api_tokens k JOIN users u ON u.id = k.created_by WHERE k.token_hash = ?`, auth.HashToken(secret)), us.dest()...)
	if err == sql.ErrNoRows {
		return nil, nil, apperr.New(apperr.Unauthorized, "The API token is not valid.")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("db: api token: %w", err)
	}
	u := us.user()
	now := t.Clock().Now()
	switch {
	case !k.RevokedAt.IsZero():
		return nil, nil, apperr.New(apperr.Unauthorized, "The API token was revoked.")
	case !k.Live(now):
		return nil, nil, apperr.New(apperr.Unauthorized, "The API token expired.")
	case u.Status != UserActive || RoleRank(u.Role) < RoleRank(RoleAdmin):
		return nil, nil, apperr.New(apperr.Unauthorized, "The person who made this API token may no longer use it.")
	}
	return k, u, nil
}

// TouchAPIToken records a use of the token: when and from where.
func (t *Store) TouchAPIToken(ctx context.Context, id, ip string) error {
	if _, err := t.Write().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?`, t.Now(), db.Truncate(ip, 64), id); err != nil {
		return fmt.Errorf("db: touch api token %s: %w", id, err)
	}
	return nil
}

// RevokeAPIToken ends a token at once, and audits it; a token already
// revoked, or unknown, is not found.
func (t *Store) RevokeAPIToken(ctx context.Context, id string, a Audit) (*APIToken, error) {
	var k *APIToken
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = scanAPIToken(tx.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens k LEFT JOIN users u ON u.id = k.created_by WHERE k.id = ? AND k.revoked_at IS NULL`, id))
		if err != nil {
			return db.NotFound(err, "API token")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, t.Now(), id); err != nil {
			return fmt.Errorf("db: revoke api token %s: %w", id, err)
		}
		a.Target, a.Detail = id, k.Name
		return t.auditTx(ctx, tx, a)
	})
	return k, err
}
