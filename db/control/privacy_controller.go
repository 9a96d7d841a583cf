package control

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"

	"mintedmind/apperr"
)

// PrivacyController is who the platform's privacy policy names as the
// controller of the personal data the service holds, and how to reach
// them: the operator's settings, shown on the policy page beside the
// policy's text (which leaves them out, so that one text serves every
// installation).
type PrivacyController struct {
	Name    string // a person or a company
	Address string // postal address, lines
	Email   string // for privacy requests
	Website string // optional
}

// Set reports whether the operator has named the controller.
func (p PrivacyController) Set() bool { return p.Name != "" && p.Email != "" }

// AddressLines is the address line by line.
func (p PrivacyController) AddressLines() []string {
	var out []string
	for _, l := range strings.Split(p.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// The settings keys of the controller.
var privacyControllerKeys = []string{"privacy_controller_name", "privacy_controller_address", "privacy_controller_email", "privacy_controller_website"}

// PrivacyController reads the controller's name and contact ("" fields
// when the operator has not set them).
func (c *Store) PrivacyController(ctx context.Context) (PrivacyController, error) {
	var p PrivacyController
	fields := []*string{&p.Name, &p.Address, &p.Email, &p.Website}
	for i, key := range privacyControllerKeys {
		err := c.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(fields[i])
		if err != nil && err != sql.ErrNoRows {
			return p, fmt.Errorf("db: privacy controller: %w", err)
		}
	}
	return p, nil
}

// ValidatePrivacyController checks the controller's fields, a message per
// field; it trims them in place.
func ValidatePrivacyController(p *PrivacyController) map[string]string {
	p.Name, p.Email, p.Website = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email), strings.TrimSpace(p.Website)
	p.Address = strings.TrimSpace(strings.ReplaceAll(p.Address, "\r\n", "\n"))
	errs := map[string]string{}
	if msg := ValidateName(p.Name, 200); msg != "" {
		errs["name"] = msg
	}
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
		errs["email"] = "Enter the email address privacy questions go to, like privacy@example.com."
	}
	if len(p.Address) > 500 || strings.ContainsAny(p.Address, "\x00") {
		errs["address"] = "Keep the address under 500 characters."
	}
	if p.Website != "" && (!strings.HasPrefix(p.Website, "https://") && !strings.HasPrefix(p.Website, "http://") || len(p.Website) > 300 || strings.ContainsAny(p.Website, " \"<>")) {
		errs["website"] = "Enter a web address starting with https://, or leave it empty."
	}
	return errs
}

// SavePrivacyController stores the controller's name and contact, with
// the operator audit entry a.
func (c *Store) SavePrivacyController(ctx context.Context, p PrivacyController, a OperatorAuditEntry) error {
	if errs := ValidatePrivacyController(&p); len(errs) > 0 {
		return apperr.FieldErrors(errs)
	}
	return c.Tx(ctx, func(tx *sql.Tx) error {
		for i, v := range []string{p.Name, p.Address, p.Email, p.Website} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, privacyControllerKeys[i], v); err != nil {
				return fmt.Errorf("db: save privacy controller: %w", err)
			}
		}
		a.Detail = p.Name + ", " + p.Email
		return c.operatorAuditTx(ctx, tx, a)
	})
}
