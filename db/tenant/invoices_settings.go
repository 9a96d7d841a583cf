package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// BillingSettings are an agency's details as a seller and its payment
// set-up, stored in the settings table under "billing.*" keys.
type BillingSettings struct {
	LegalName     string
	Address       string // lines
	CompanyCode   string
	VATNumber     string
	Email         string
	BankDetails   string // lines: IBAN, bank, SWIFT, …
	Logo          []byte // the agency's logo as a PDF prints it (PNG or JPEG); not stored here: see PDFLogo
	Currency      string
	NumberPattern string
	TermsDays     int
	ReminderDays  []int

	PayseraProjectID    string
	PayseraPassword     string // the sign password; never shown back in full
	PayseraPublicKey    string // PEM
	PayseraTest         bool
	PayseraAllowSS1Only bool
}

// Billing defaults.
const (
	DefaultTermsDays  = 14
	BillingTextMax    = 200
	BillingLinesMax   = 1000
	PayseraKeyMax     = 8000
	PayseraSecretMax  = 200
	ReminderStepsMax  = 10
	ReminderDaysLimit = 365
)

// DefaultReminderDays are the days after the due date reminders go out.
var DefaultReminderDays = []int{3, 14, 30}

var billingKeys = []string{"legal_name", "address", "company_code", "vat_number", "email", "bank_details", "currency",
	"number_pattern", "terms_days", "reminder_days", "paysera_project_id", "paysera_password", "paysera_public_key", "paysera_test", "paysera_allow_ss1"}

// PayseraReady reports whether the agency can take Paysera payments.
func (s BillingSettings) PayseraReady() bool {
	return s.PayseraProjectID != "" && s.PayseraPassword != "" && s.PayseraPublicKey != ""
}

// FormatReminderDays writes the steps as "3, 14, 30".
func FormatReminderDays(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// ParseReminderDays reads "3, 14, 30": distinct whole days from 1 to 365,
// at most ten; empty means no reminders.
func ParseReminderDays(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		d, err := strconv.Atoi(p)
		if err != nil || d < 1 || d > ReminderDaysLimit {
			return nil, fmt.Errorf("days are whole numbers from 1 to %d, separated by commas", ReminderDaysLimit)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	if len(out) > ReminderStepsMax {
		return nil, fmt.Errorf("at most %d reminders", ReminderStepsMax)
	}
	sort.Ints(out)
	return out, nil
}

// Validate checks the settings, one message per field. The store keeps
// Paysera's public key as text: whether it parses is the application's
// check (app.ValidateBillingSettings), made before saving.
func (s *BillingSettings) Validate() error {
	f := map[string]string{}
	text := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			f[field] = fmt.Sprintf("At most %d characters.", max)
		} else if strings.ContainsRune(v, 0) {
			f[field] = "Remove the control characters."
		}
	}
	text("legal_name", s.LegalName, BillingTextMax)
	text("address", s.Address, BillingLinesMax)
	text("company_code", s.CompanyCode, 50)
	text("vat_number", s.VATNumber, 50)
	text("email", s.Email, 254)
	if s.Email != "" && f["email"] == "" {
		if _, err := mail.ParseAddress(s.Email); err != nil || strings.ContainsAny(s.Email, "<> \r\n") {
			f["email"] = "Enter one email address, such as billing@example.com."
		}
	}
	text("bank_details", s.BankDetails, BillingLinesMax)
	if !billing.ValidCurrency(s.Currency) {
		f["currency"] = "Choose one of " + strings.Join(billing.Currencies, ", ") + "."
	}
	if err := billing.ValidateNumberPattern(s.NumberPattern); err != nil {
		f["number_pattern"] = "The number pattern " + err.Error() + "."
	}
	if s.TermsDays < 0 || s.TermsDays > 365 {
		f["terms_days"] = "Payment terms are 0 to 365 days."
	}
	if s.PayseraProjectID != "" {
		if n, err := strconv.ParseUint(s.PayseraProjectID, 10, 32); err != nil || n == 0 {
			f["paysera_project_id"] = "The project id is the number Paysera shows for your project."
		}
	}
	text("paysera_password", s.PayseraPassword, PayseraSecretMax)
	if len(s.PayseraPublicKey) > PayseraKeyMax {
		f["paysera_public_key"] = fmt.Sprintf("At most %d characters.", PayseraKeyMax)
	}
	return apperr.FieldErrors(f)
}

// BillingSettings reads the agency's billing settings with defaults.
func (t *Store) BillingSettings(ctx context.Context) (BillingSettings, error) {
	return readBillingSettings(ctx, t.Reader())
}

func readBillingSettings(ctx context.Context, q db.RowsQuerier) (BillingSettings, error) {
	s := BillingSettings{Currency: "EUR", NumberPattern: billing.DefaultNumberPattern, TermsDays: DefaultTermsDays, ReminderDays: DefaultReminderDays}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key >= 'billing.' AND key < 'billing/'`)
	if err != nil {
		return s, fmt.Errorf("db: read billing settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, fmt.Errorf("db: read billing settings: %w", err)
		}
		switch strings.TrimPrefix(k, "billing.") {
		case "legal_name":
			s.LegalName = v
		case "address":
			s.Address = v
		case "company_code":
			s.CompanyCode = v
		case "vat_number":
			s.VATNumber = v
		case "email":
			s.Email = v
		case "bank_details":
			s.BankDetails = v
		case "currency":
			s.Currency = v
		case "number_pattern":
			s.NumberPattern = v
		case "terms_days":
			s.TermsDays, _ = strconv.Atoi(v)
		case "reminder_days":
			s.ReminderDays, _ = ParseReminderDays(v)
		case "paysera_project_id":
			s.PayseraProjectID = v
		case "paysera_password":
			s.PayseraPassword = v
		case "paysera_public_key":
			s.PayseraPublicKey = v
		case "paysera_test":
			s.PayseraTest = v == "1"
		case "paysera_allow_ss1":
			s.PayseraAllowSS1Only = v == "1"
		}
	}
	return s, rows.Err()
}

// SaveBillingSettings validates and stores the settings and audits the
// change (never the password's value).
func (t *Store) SaveBillingSettings(ctx context.Context, s BillingSettings, a Audit) error {
	if err := s.Validate(); err != nil {
		return err
	}
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	values := map[string]string{
		"legal_name": s.LegalName, "address": s.Address, "company_code": s.CompanyCode, "vat_number": s.VATNumber, "email": s.Email,
		"bank_details": s.BankDetails, "currency": s.Currency, "number_pattern": s.NumberPattern,
		"terms_days": strconv.Itoa(s.TermsDays), "reminder_days": FormatReminderDays(s.ReminderDays),
		"paysera_project_id": s.PayseraProjectID, "paysera_password": s.PayseraPassword, "paysera_public_key": s.PayseraPublicKey,
		"paysera_test": b(s.PayseraTest), "paysera_allow_ss1": b(s.PayseraAllowSS1Only),
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range billingKeys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, "billing."+k, values[k]); err != nil {
				return fmt.Errorf("db: save billing settings: %w", err)
			}
		}
		a.Detail = "billing settings saved"
		return t.auditTx(ctx, tx, a)
	})
}
