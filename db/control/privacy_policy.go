package control

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Policy is one version of the privacy policy.
type Policy struct {
	Version   int
	Body      string // plain text: numbered headings, "- " list items, paragraphs
	UpdatedAt time.Time
	UpdatedBy string
}

// ParseShippedPolicy reads the policy text shipped in the binary: a title
// line, a "Last updated: YYYY-MM-DD" line, then the body. It is version 1.
func ParseShippedPolicy(text string) (*Policy, error) {
	p := &Policy{Version: 1, UpdatedBy: "shipped"}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var body []string
	for i, l := range lines {
		if d, ok := strings.CutPrefix(strings.TrimSpace(l), "Last updated:"); ok && p.UpdatedAt.IsZero() {
			t, err := time.Parse("2006-01-02", strings.TrimSpace(d))
			if err != nil {
				return nil, fmt.Errorf("db: shipped policy: last updated %q: %w", d, err)
			}
			p.UpdatedAt = t
			body = lines[i+1:]
			break
		}
	}
	if p.UpdatedAt.IsZero() {
		return nil, errors.New("db: shipped policy has no 'Last updated:' line")
	}
	p.Body = strings.TrimSpace(strings.Join(body, "\n"))
	return p, nil
}

// PrivacyPolicy returns the current policy: the operator's latest version,
// or shipped when the operator never edited it.
func (c *Store) PrivacyPolicy(ctx context.Context, shipped *Policy) (*Policy, error) {
	var p Policy
	var at int64
	err := c.Read().QueryRowContext(ctx, `SELECT version, body, updated_at, updated_by FROM privacy_policies ORDER BY version DESC LIMIT 1`).
		Scan(&p.Version, &p.Body, &at, &p.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return shipped, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: privacy policy: %w", err)
	}
	p.UpdatedAt = db.UnixTime(at)
	return &p, nil
}

// SavePrivacyPolicy stores body as the next version, dated now. An empty
// body, or one unchanged from current, is refused.
func (c *Store) SavePrivacyPolicy(ctx context.Context, shipped *Policy, body, by string) (*Policy, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return nil, fieldError("body", "Write the policy text.")
	}
	if len(body) > 100_000 {
		return nil, fieldError("body", "Keep the policy under 100,000 characters.")
	}
	var p *Policy
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		current := shipped.Version
		currentBody := shipped.Body
		var v sql.NullInt64
		var b sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT version, body FROM privacy_policies ORDER BY version DESC LIMIT 1`).Scan(&v, &b)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if v.Valid {
			current, currentBody = int(v.Int64), b.String
		}
		if currentBody == body {
			return fieldError("body", "This is the current text: change something to publish a new version.")
		}
		p = &Policy{Version: current + 1, Body: body, UpdatedAt: db.UnixTime(c.Now()), UpdatedBy: by}
		_, err = tx.ExecContext(ctx, `INSERT INTO privacy_policies (version, body, updated_at, updated_by) VALUES (?, ?, ?, ?)`, p.Version, p.Body, c.Now(), by)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func fieldError(field, message string) error {
	return apperr.FieldErrors(map[string]string{field: message})
}
