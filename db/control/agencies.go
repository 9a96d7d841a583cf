package control

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Agency is a tenant: one agency with its own database.
type Agency struct {
	ID             string
	Slug           string
	Name           string
	Status         string
	CreatedAt      time.Time
	LastActivityAt time.Time
}

// Agency statuses.
const (
	AgencyActive    = "active"
	AgencyArchived  = "archived"
	AgencySuspended = "suspended"
	AgencyDeleted   = "deleted"
)

// Usable reports whether people may sign in to the agency.
func (a *Agency) Usable() bool {
	return a.Status != AgencyArchived && a.Status != AgencyDeleted
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// reservedSlugs would collide with our own paths or mislead people.
var reservedSlugs = map[string]bool{
	"admin": true, "administrator": true, "operator": true, "assets": true, "api": true,
	"login": true, "logout": true, "signup": true, "setup": true, "static": true,
	"app": true, "www": true, "mail": true, "support": true, "help": true, "root": true,
	"system": true, "privacy": true, "cookies": true, "metrics": true, "livez": true,
	"readyz": true, "portal": true, "public": true, "new": true, "null": true, "undefined": true,
}

// ValidateSlug returns a message for people when slug is not acceptable.
func ValidateSlug(slug string) string {
	switch {
	case slug == "":
		return "Choose an address for your agency."
	case len(slug) < 3 || len(slug) > 40:
		return "Use 3 to 40 characters."
	case !slugPattern.MatchString(slug):
		return "Use lowercase letters, digits and single dashes (not at the start or end)."
	case reservedSlugs[slug]:
		return "This address is reserved. Please choose another."
	}
	return ""
}

// ValidateName checks a person's or agency's display name.
func ValidateName(name string, max int) string {
	n := utf8.RuneCountInString(name)
	switch {
	case !utf8.ValidString(name):
		return "Use plain text (this contains bytes that are not valid UTF-8)."
	case strings.TrimSpace(name) == "":
		return "Enter a name."
	case n > max:
		return fmt.Sprintf("Use at most %d characters.", max)
	case strings.ContainsAny(name, "\x00\r\n"):
		return "Use a single line without control characters."
	}
	return ""
}

const agencyColumns = `id, slug, name, status, created_at, COALESCE(last_activity_at, 0)`

func scanAgency(row db.Scanner) (*Agency, error) {
	var a Agency
	var created, activity int64
	if err := row.Scan(&a.ID, &a.Slug, &a.Name, &a.Status, &created, &activity); err != nil {
		return nil, err
	}
	a.CreatedAt, a.LastActivityAt = db.UnixTime(created), db.UnixTime(activity)
	return &a, nil
}

// AgencyBySlug finds an agency by its URL slug.
func (c *Store) AgencyBySlug(ctx context.Context, slug string) (*Agency, error) {
	a, err := scanAgency(c.Reader().QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE slug = ?`, slug))
	if err != nil {
		return nil, db.NotFound(err, "Agency")
	}
	return a, nil
}

// AgencyByID finds an agency by id.
func (c *Store) AgencyByID(ctx context.Context, id string) (*Agency, error) {
	a, err := scanAgency(c.Read().QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = ?`, id))
	if err != nil {
		return nil, db.NotFound(err, "Agency")
	}
	return a, nil
}

// Agencies lists agencies by name.
func (c *Store) Agencies(ctx context.Context) ([]*Agency, error) {
	return db.QueryList(ctx, c.Read(), "list agencies", scanAgency, `SELECT `+agencyColumns+` FROM agencies ORDER BY name`)
}

// SlugTaken reports whether an agency already uses slug.
func (c *Store) SlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int
	err := c.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM agencies WHERE slug = ?`, slug).Scan(&n)
	return n > 0, err
}

// RecordAgency records a new agency, whose database was just created, with
// its owner's entry in the login directory. A slug taken in the meantime is
// the error SlugTakenError returns; the caller then removes the database.
func (c *Store) RecordAgency(ctx context.Context, id, slug, name, ownerEmail string) (*Agency, error) {
	now := c.Now()
	a := &Agency{ID: id, Slug: slug, Name: strings.TrimSpace(name), Status: AgencyActive, CreatedAt: db.UnixTime(now)}
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agencies (id, slug, name, status, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?)`,
			a.ID, a.Slug, a.Name, a.Status, now, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_directory (email, agency_id) VALUES (?, ?)`, ownerEmail, a.ID)
		return err
	})
	if db.IsUnique(err) {
		return nil, SlugTakenError()
	}
	if err != nil {
		return nil, fmt.Errorf("db: record agency %s: %w", a.Slug, err)
	}
	return a, nil
}

// SlugTakenError is what a sign-up with an agency address already in use
// gets: an invalid-input error on the slug field.
func SlugTakenError() error {
	return apperr.FieldErrors(map[string]string{"slug": "This address is already taken. Please choose another."})
}

// TouchAgency records activity (a staff sign-in) for the retention policy.
func (c *Store) TouchAgency(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET last_activity_at = ? WHERE id = ?`, c.Now(), agencyID)
	return err
}

// AgencyCount returns the number of agencies.
func (c *Store) AgencyCount(ctx context.Context) (int, error) {
	var n int
	err := c.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM agencies`).Scan(&n)
	return n, err
}
