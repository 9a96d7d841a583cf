package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"mintedmind/i18n"
)

// Today is the agency's date now ("2006-01-02"), in its time zone, from
// the store's clock: at 00:30 in Vilnius it is already the new day there.
func (t *Store) Today(ctx context.Context) (string, error) {
	s, err := t.Settings(ctx)
	if err != nil {
		return "", err
	}
	return i18n.Today(t.Clock().Now(), s.TimeZone), nil
}

// Settings are an agency's preferences, stored as key/value rows.
type Settings struct {
	// StaffSeeOwnOnly limits staff (not admins or owners) to the clients they
	// are responsible for and the cases assigned to them or to their clients.
	StaffSeeOwnOnly bool
	// TwoFactorRequired says who must sign in with a TOTP code: one of
	// TwoFactorNobody (the default), TwoFactorStaff, TwoFactorClients,
	// TwoFactorEveryone.
	TwoFactorRequired string
	// Accent is the agency's colour for its pages and portal, "#rrggbb",
	// or "" for the default.
	Accent string
	// LogoVersion changes whenever the logo does; 0 when there is none.
	LogoVersion int64
	// PurgeArchivedDocuments: when the retention job archives closed cases
	// past the plan's retention, their documents are deleted too (else kept).
	PurgeArchivedDocuments bool
	// TimeZone is the agency's IANA time zone ("Europe/Vilnius"): its dates
	// (today, overdue, invoice dates, reminders) are the dates there.
	// DefaultTimeZone when unset.
	TimeZone string
	// Language is the agency's default language (i18n.English, …): the
	// pages' language for people who chose none. DefaultLanguage when unset.
	Language string
}

// An agency without a time zone or language setting is UTC and English.
const (
	DefaultTimeZone = "UTC"
	DefaultLanguage = i18n.English
)

// ValidTimeZone reports whether name is an IANA time zone name this
// machine knows ("Europe/Vilnius", "UTC"); "Local" and "" are not.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" || strings.TrimSpace(name) != name {
		return false
	}
	_, err := i18n.LoadZone(name)
	return err == nil
}

const (
	settingStaffVisibility = "staff_visibility" // "all" (default) or "own"
	settingTwoFactor       = "two_factor_required"
	settingAccent          = "brand_accent"
	settingLogoVersion     = "brand_logo_version"
	settingArchivedDocs    = "archived_case_documents" // "keep" (default) or "purge"
	settingTimeZone        = "time_zone"               // IANA name; DefaultTimeZone when unset
	settingLanguage        = "language"                // i18n language; DefaultLanguage when unset
)

// Who an agency requires two-factor sign-in of.
const (
	TwoFactorNobody   = "nobody"
	TwoFactorStaff    = "staff"
	TwoFactorClients  = "clients"
	TwoFactorEveryone = "everyone"
)

// ValidTwoFactorRequired reports whether s is one of the TwoFactor… values.
func ValidTwoFactorRequired(s string) bool {
	return s == TwoFactorNobody || s == TwoFactorStaff || s == TwoFactorClients || s == TwoFactorEveryone
}

// RequiresTwoFactor reports whether the settings require two-factor
// sign-in of u.
func (s Settings) RequiresTwoFactor(u *User) bool {
	switch s.TwoFactorRequired {
	case TwoFactorEveryone:
		return true
	case TwoFactorStaff:
		return u.IsStaff()
	case TwoFactorClients:
		return !u.IsStaff()
	}
	return false
}

// Settings reads the agency's settings, with defaults for unset keys.
func (t *Store) Settings(ctx context.Context) (Settings, error) {
	s := Settings{TwoFactorRequired: TwoFactorNobody, TimeZone: DefaultTimeZone, Language: DefaultLanguage}
	rows, err := t.Reader().QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN (?, ?, ?, ?, ?, ?, ?)`,
		settingStaffVisibility, settingTwoFactor, settingAccent, settingLogoVersion, settingArchivedDocs, settingTimeZone, settingLanguage)
	if err != nil {
		return s, fmt.Errorf("db: read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, fmt.Errorf("db: read settings: %w", err)
		}
		switch k {
		case settingStaffVisibility:
			s.StaffSeeOwnOnly = v == "own"
		case settingTwoFactor:
			if ValidTwoFactorRequired(v) {
				s.TwoFactorRequired = v
			}
		case settingAccent:
			if ValidAccent(v) {
				s.Accent = v
			}
		case settingLogoVersion:
			s.LogoVersion, _ = strconv.ParseInt(v, 10, 64)
		case settingArchivedDocs:
			s.PurgeArchivedDocuments = v == "purge"
		case settingTimeZone:
			if ValidTimeZone(v) {
				s.TimeZone = v
			}
		case settingLanguage:
			if i18n.Supported(v) {
				s.Language = v
			}
		}
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("db: read settings: %w", err)
	}
	return s, nil
}

// SaveSettings stores the agency's settings and audits the change.
func (t *Store) SaveSettings(ctx context.Context, s Settings, a Audit) error {
	v := "all"
	if s.StaffSeeOwnOnly {
		v = "own"
	}
	if !ValidTwoFactorRequired(s.TwoFactorRequired) {
		s.TwoFactorRequired = TwoFactorNobody
	}
	if !ValidTimeZone(s.TimeZone) {
		s.TimeZone = DefaultTimeZone
	}
	if !i18n.Supported(s.Language) {
		s.Language = DefaultLanguage
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		docs := "keep"
		if s.PurgeArchivedDocuments {
			docs = "purge"
		}
		kvs := [][2]string{{settingStaffVisibility, v}, {settingTwoFactor, s.TwoFactorRequired}, {settingArchivedDocs, docs}, {settingTimeZone, s.TimeZone}, {settingLanguage, s.Language}}
		for _, kv := range kvs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, kv[0], kv[1]); err != nil {
				return fmt.Errorf("db: save settings: %w", err)
			}
		}
		a.Detail = settingsDetail(kvs)
		return t.auditTx(ctx, tx, a)
	})
}

// settingsDetail is the audit detail of saved settings, in no language:
// "staff_visibility=all; two_factor_required=nobody; …", which the audit
// log writes in its reader's words (ParseSettingsDetail).
func settingsDetail(kvs [][2]string) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv[0] + "=" + kv[1]
	}
	return strings.Join(parts, "; ")
}

// ParseSettingsDetail reads a settings.changed entry's detail back into
// its settings, in order; ok is false for a detail of another shape (the
// English sentences entries recorded before it).
func ParseSettingsDetail(detail string) (kvs [][2]string, ok bool) {
	for _, part := range strings.Split(detail, "; ") {
		k, v, found := strings.Cut(part, "=")
		switch k {
		case settingStaffVisibility, settingTwoFactor, settingArchivedDocs, settingTimeZone, settingLanguage:
		default:
			found = false
		}
		if !found {
			return nil, false
		}
		kvs = append(kvs, [2]string{k, v})
	}
	return kvs, len(kvs) > 0
}
