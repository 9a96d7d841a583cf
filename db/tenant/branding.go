package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"

	"mintedmind/apperr"
	"mintedmind/db"
)

var accentPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// ValidAccent reports whether s is an accent colour as stored: "#rrggbb",
// lowercase.
func ValidAccent(s string) bool { return accentPattern.MatchString(s) }

// Logo is the agency's logo image.
type Logo struct {
	ContentType string
	Data        []byte
	Version     int64
}

// MaxLogoBytes is the largest logo file accepted.
const MaxLogoBytes = 512 << 10

// SaveBranding stores the accent colour ("" for the default) and, when
// logo is not nil, replaces the logo; removeLogo deletes it.
func (t *Store) SaveBranding(ctx context.Context, accent string, logo *Logo, removeLogo bool, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingAccent, accent); err != nil {
			return fmt.Errorf("db: save accent: %w", err)
		}
		version := ""
		switch {
		case logo != nil:
			if _, err := tx.ExecContext(ctx, `INSERT INTO brand_logo (id, content_type, data, updated_at) VALUES (1, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
				logo.ContentType, logo.Data, t.Now()); err != nil {
				return fmt.Errorf("db: save logo: %w", err)
			}
			var prev int64
			tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?`, settingLogoVersion).Scan(&prev)
			version = strconv.FormatInt(max(prev+1, t.Now()), 10)
		case removeLogo:
			if _, err := tx.ExecContext(ctx, `DELETE FROM brand_logo`); err != nil {
				return fmt.Errorf("db: remove logo: %w", err)
			}
			version = "0"
		}
		if version != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingLogoVersion, version); err != nil {
				return fmt.Errorf("db: save logo version: %w", err)
			}
		}
		a.Detail = "accent: " + accent
		if logo != nil {
			a.Detail += "; new logo"
		} else if removeLogo {
			a.Detail += "; logo removed"
		}
		return t.auditTx(ctx, tx, a)
	})
}

// BrandLogo returns the agency's logo, or a NotFound error.
func (t *Store) BrandLogo(ctx context.Context) (*Logo, error) {
	var l Logo
	err := t.Reader().QueryRowContext(ctx, `SELECT content_type, data, updated_at FROM brand_logo WHERE id = 1`).Scan(&l.ContentType, &l.Data, &l.Version)
	if err != nil {
		return nil, db.NotFound(err, "Logo")
	}
	return &l, nil
}

// PDFLogo returns the agency's logo for its invoice PDFs: the branding
// logo when it is a PNG or JPEG (what the PDF library draws), else nil.
func (t *Store) PDFLogo(ctx context.Context) ([]byte, error) {
	l, err := t.BrandLogo(ctx)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l.ContentType != "image/png" && l.ContentType != "image/jpeg" {
		return nil, nil
	}
	return l.Data, nil
}
