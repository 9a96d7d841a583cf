package control

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// SubscriptionInvoice is the operator's invoice to an agency for one period.
type SubscriptionInvoice struct {
	ID          string
	AgencyID    string
	AgencyName  string // filled by the listings
	Number      string
	PlanID      string
	PlanName    string
	Interval    string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Amount      int64
	Currency    string
	Status      string // open, paid, void
	IssuedAt    time.Time
	DueAt       time.Time
	PaidAt      time.Time
	NetAmount   int64         // the plan's price; Amount is it with VAT at VATRateBP
	VATRateBP   int64         // basis points, per the operator's settings when it was issued
	VATNote     string        // the legal note the operator's settings printed then
	Buyer       billing.Party // the agency's legal details when it was issued; an empty Name: the agency's name alone
}

// Line is the invoice's one line as billing computes it: the plan and its
// period at the plan's price, VAT at the invoice's rate.
func (inv *SubscriptionInvoice) Line() billing.Line {
	return billing.Line{Description: inv.PlanName + " plan, " + inv.PeriodStart.UTC().Format(billing.DateLayout) + " to " + inv.PeriodEnd.UTC().Format(billing.DateLayout),
		QuantityMilli: 1000, UnitPrice: inv.NetAmount, VATRateBP: inv.VATRateBP}
}

// Subscription invoice statuses.
const (
	SubInvoiceOpen = "open"
	SubInvoicePaid = "paid"
	SubInvoiceVoid = "void"
)

// SubscriptionPayment is money received for a subscription invoice.
type SubscriptionPayment struct {
	ID         string
	InvoiceID  string
	Number     string // the invoice's, for listings
	AgencyName string
	Amount     int64
	Currency   string
	Method     string // paysera, manual
	Reference  string
	RecordedBy string
	PaidAt     time.Time
}

const subInvoiceColumns = `i.id, i.agency_id, COALESCE(a.name, ''), i.number, i.plan_id, i.plan_name, i.billing_interval, i.period_start, i.period_end,
	i.amount, i.currency, i.status, i.issued_at, i.due_at, COALESCE(i.paid_at, 0),
	i.net_amount, i.vat_rate_bp, i.vat_note, i.buyer_name, i.buyer_address, i.buyer_company, i.buyer_vat`

const subInvoiceFrom = ` FROM subscription_invoices i LEFT JOIN agencies a ON a.id = i.agency_id`

func scanSubInvoice(row db.Scanner) (*SubscriptionInvoice, error) {
	var v SubscriptionInvoice
	var start, end, issued, due, paid int64
	var address string
	if err := row.Scan(&v.ID, &v.AgencyID, &v.AgencyName, &v.Number, &v.PlanID, &v.PlanName, &v.Interval, &start, &end,
		&v.Amount, &v.Currency, &v.Status, &issued, &due, &paid,
		&v.NetAmount, &v.VATRateBP, &v.VATNote, &v.Buyer.Name, &address, &v.Buyer.CompanyCode, &v.Buyer.VATNumber); err != nil {
		return nil, err
	}
	v.Buyer.Address = splitLines(address)
	v.PeriodStart, v.PeriodEnd, v.IssuedAt, v.DueAt, v.PaidAt = db.UnixTime(start), db.UnixTime(end), db.UnixTime(issued), db.UnixTime(due), db.UnixTime(paid)
	return &v, nil
}

// SubscriptionSettings are the operator's billing settings, kept in the
// control database's settings table.
type SubscriptionSettings struct {
	SellerName       string
	SellerAddress    string // lines
	SellerCompany    string
	SellerVAT        string
	BankDetails      string // lines
	NumberPattern    string
	DueDays          int64 // an invoice is due this many days after it is issued
	ReminderDays     int64 // the due-soon reminder goes this many days before
	GraceDays        int64 // a past-due agency is suspended this many days after the due date
	PayseraProjectID string
	PayseraPassword  string
	PayseraPublicKey string
	PayseraTest      bool
	VATRateBP        int64  // VAT charged on the plans' prices, in basis points (2100 = 21 %); 0: none
	VATNote          string // the legal note printed on each invoice (e.g. "Reverse charge: VAT to be accounted for by the recipient.")
}

// PayseraReady reports whether agencies can pay through Paysera.
func (s SubscriptionSettings) PayseraReady() bool {
	return s.PayseraProjectID != "" && s.PayseraPassword != "" && s.PayseraPublicKey != ""
}

// CanCharge reports whether an agency sent an invoice has a way to pay it:
// the operator's Paysera project, or bank details to transfer to. Until
// then no subscription invoice is issued and the console says why.
func (s SubscriptionSettings) CanCharge() bool {
	return s.PayseraReady() || strings.TrimSpace(s.BankDetails) != ""
}

// NotChargingReason says why subscriptions are not charged yet, for the
// console and the refusals; "" once they can be.
func (s SubscriptionSettings) NotChargingReason() string {
	if s.CanCharge() {
		return ""
	}
	return "Billing is not configured: agencies would get invoices they cannot pay. Add your bank details or set up your Paysera project in the billing settings (/operator/billing/settings); until then no subscription invoice is issued."
}

// splitLines is a multi-line text's non-empty lines, trimmed.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var subSettingKeys = []string{"sub_seller_name", "sub_seller_address", "sub_seller_company", "sub_seller_vat", "sub_bank_details", "sub_number_pattern",
	"sub_due_days", "sub_reminder_days", "sub_grace_days", "sub_paysera_project", "sub_paysera_password", "sub_paysera_public_key", "sub_paysera_test",
	"sub_vat_rate", "sub_vat_note"}

// LoadSubscriptionSettings reads the settings, with defaults for the unset ones.
func (c *Store) LoadSubscriptionSettings(ctx context.Context) (SubscriptionSettings, error) {
	s := SubscriptionSettings{SellerName: "MintedMind", NumberPattern: "SUB-{YYYY}-{SEQ:4}", DueDays: 14, ReminderDays: 3, GraceDays: 14}
	rows, err := c.Read().QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'sub\_%' ESCAPE '\'`)
	if err != nil {
		return s, fmt.Errorf("db: subscription settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		switch k {
		case "sub_seller_name":
			s.SellerName = v
		case "sub_seller_address":
			s.SellerAddress = v
		case "sub_seller_company":
			s.SellerCompany = v
		case "sub_seller_vat":
			s.SellerVAT = v
		case "sub_bank_details":
			s.BankDetails = v
		case "sub_number_pattern":
			s.NumberPattern = v
		case "sub_due_days":
			s.DueDays = n
		case "sub_reminder_days":
			s.ReminderDays = n
		case "sub_grace_days":
			s.GraceDays = n
		case "sub_paysera_project":
			s.PayseraProjectID = v
		case "sub_paysera_password":
			s.PayseraPassword = v
		case "sub_paysera_public_key":
			s.PayseraPublicKey = v
		case "sub_paysera_test":
			s.PayseraTest = v == "1"
		case "sub_vat_rate":
			s.VATRateBP = n
		case "sub_vat_note":
			s.VATNote = v
		}
	}
	return s, rows.Err()
}

// ValidateSubscriptionSettings checks the settings form.
func ValidateSubscriptionSettings(s *SubscriptionSettings) error {
	errs := map[string]string{}
	if msg := ValidateName(s.SellerName, 120); msg != "" {
		errs["seller_name"] = msg
	}
	if err := billing.ValidateNumberPattern(s.NumberPattern); err != nil {
		errs["number_pattern"] = err.Error()
	}
	if s.DueDays < 0 || s.DueDays > 90 {
		errs["due_days"] = "Enter 0 to 90 days."
	}
	if s.ReminderDays < 0 || s.ReminderDays > 30 {
		errs["reminder_days"] = "Enter 0 to 30 days."
	}
	if s.GraceDays < 0 || s.GraceDays > 180 {
		errs["grace_days"] = "Enter 0 to 180 days."
	}
	if s.VATRateBP < 0 || s.VATRateBP > billing.MaxVATRateBP {
		errs["vat_rate"] = "Enter a VAT rate from 0 to " + billing.FormatRate(billing.MaxVATRateBP) + " %."
	}
	if len(s.VATNote) > 300 {
		errs["vat_note"] = "Keep the note under 300 characters."
	}
	if s.PayseraProjectID != "" {
		if _, err := strconv.ParseUint(s.PayseraProjectID, 10, 32); err != nil {
			errs["paysera_project"] = "The project id is a number."
		}
	}
	return apperr.FieldErrors(errs)
}

// SaveSubscriptionSettings stores the settings and writes the operator
// audit entry a in the same transaction. An empty Paysera password keeps
// the stored one (forms never show it).
func (c *Store) SaveSubscriptionSettings(ctx context.Context, s SubscriptionSettings, a OperatorAuditEntry) error {
	if err := ValidateSubscriptionSettings(&s); err != nil {
		return err
	}
	test := "0"
	if s.PayseraTest {
		test = "1"
	}
	values := []string{s.SellerName, s.SellerAddress, s.SellerCompany, s.SellerVAT, s.BankDetails, s.NumberPattern,
		strconv.FormatInt(s.DueDays, 10), strconv.FormatInt(s.ReminderDays, 10), strconv.FormatInt(s.GraceDays, 10),
		s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey, test, strconv.FormatInt(s.VATRateBP, 10), s.VATNote}
	return c.Tx(ctx, func(tx *sql.Tx) error {
		for i, k := range subSettingKeys {
			if k == "sub_paysera_password" && values[i] == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[i]); err != nil {
				return fmt.Errorf("db: save setting %s: %w", k, err)
			}
		}
		return c.operatorAuditTx(ctx, tx, a)
	})
}

// BuyerFunc reads an agency's legal details (its billing settings) for the
// invoice about to be issued; it is called only when one is.
type BuyerFunc func(ctx context.Context) (billing.Party, error)

// IssueSubscriptionInvoice makes the invoice for an agency's current period
// when it is a paid one, once: a second call for the same period returns
// the first invoice and false. It returns nil when nothing is owed (a
// trial, a free plan, no plan). The plan's price is the net; VAT is added
// at the settings' rate (billing.Compute), and the buyer's details come
// from buyer (nil: the agency's name alone).
func (c *Store) IssueSubscriptionInvoice(ctx context.Context, agencyID string, s SubscriptionSettings, buyer BuyerFunc) (*SubscriptionInvoice, bool, error) {
	var inv *SubscriptionInvoice
	created := false
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		sub, err := subscriptionTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		if sub.PlanID == "" || sub.PeriodStart.IsZero() {
			return nil
		}
		switch sub.Status {
		case AgencyTrial, AgencyArchived, AgencyDeleted:
			return nil
		}
		existing, err := scanSubInvoice(tx.QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.agency_id = ? AND i.period_start = ?`, agencyID, sub.PeriodStart.Unix()))
		if err == nil {
			inv = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		plan, err := scanPlan(tx.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = ?`, sub.PlanID))
		if err != nil {
			return db.NotFound(err, "Plan")
		}
		amount := plan.Price(sub.Interval)
		if amount <= 0 {
			return nil
		}
		now := db.UnixTime(c.Now())
		number, err := nextSubscriptionNumber(ctx, tx, s.NumberPattern, now)
		if err != nil {
			return err
		}
		inv = &SubscriptionInvoice{ID: uuid.NewString(), AgencyID: agencyID, Number: number, PlanID: plan.ID, PlanName: plan.Name, Interval: sub.Interval,
			PeriodStart: sub.PeriodStart, PeriodEnd: sub.PeriodEnd, NetAmount: amount, VATRateBP: s.VATRateBP, VATNote: s.VATNote, Currency: plan.Currency, Status: SubInvoiceOpen,
			IssuedAt: now, DueAt: now.AddDate(0, 0, int(s.DueDays))}
		inv.Amount = billing.Compute([]billing.Line{inv.Line()}).Total
		if buyer != nil {
			if inv.Buyer, err = buyer(ctx); err != nil {
				return fmt.Errorf("buyer's details: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO subscription_invoices (id, agency_id, number, plan_id, plan_name, billing_interval, period_start, period_end, amount, currency, status, issued_at, due_at,
			net_amount, vat_rate_bp, vat_note, buyer_name, buyer_address, buyer_company, buyer_vat)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, agencyID, inv.Number, inv.PlanID, inv.PlanName, inv.Interval, inv.PeriodStart.Unix(), inv.PeriodEnd.Unix(), inv.Amount, inv.Currency, now.Unix(), inv.DueAt.Unix(),
			inv.NetAmount, inv.VATRateBP, inv.VATNote, inv.Buyer.Name, strings.Join(inv.Buyer.Address, "\n"), inv.Buyer.CompanyCode, inv.Buyer.VATNumber)
		if err != nil {
			return err
		}
		created = true
		return tx.QueryRowContext(ctx, `SELECT name FROM agencies WHERE id = ?`, agencyID).Scan(&inv.AgencyName)
	})
	if err != nil {
		return nil, false, fmt.Errorf("db: issue subscription invoice for %s: %w", agencyID, err)
	}
	return inv, created, nil
}

func nextSubscriptionNumber(ctx context.Context, tx *sql.Tx, pattern string, now time.Time) (string, error) {
	if billing.ValidateNumberPattern(pattern) != nil {
		pattern = "SUB-{YYYY}-{SEQ:4}"
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO subscription_sequences (year, value) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET value = subscription_sequences.value + 1 RETURNING value`, now.Year()).Scan(&seq)
	if err != nil {
		return "", fmt.Errorf("db: subscription invoice number: %w", err)
	}
	return billing.FormatNumber(pattern, now.Year(), int(now.Month()), seq), nil
}

// SubscriptionInvoiceByID finds one invoice.
func (c *Store) SubscriptionInvoiceByID(ctx context.Context, id string) (*SubscriptionInvoice, error) {
	v, err := scanSubInvoice(c.Read().QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, db.NotFound(err, "Invoice")
	}
	return v, nil
}

// SubscriptionInvoices lists invoices, newest first: one agency's, or
// every agency's when agencyID is empty.
func (c *Store) SubscriptionInvoices(ctx context.Context, agencyID string, limit int) ([]*SubscriptionInvoice, error) {
	return db.QueryList(ctx, c.Read(), "subscription invoices", scanSubInvoice,
		`SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE (? = '' OR i.agency_id = ?) ORDER BY i.issued_at DESC, i.number DESC LIMIT ?`, agencyID, agencyID, limit)
}

// OldestOpenSubscriptionInvoice is the agency's open invoice due first;
// nil when none is open. Every staff page asks (the subscription banner),
// so it goes through the statement cache.
func (c *Store) OldestOpenSubscriptionInvoice(ctx context.Context, agencyID string) (*SubscriptionInvoice, error) {
	v, err := scanSubInvoice(c.Reader().QueryRowContext(ctx, `SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.agency_id = ? AND i.status = 'open' ORDER BY i.due_at, i.number LIMIT 1`, agencyID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: open subscription invoice of %s: %w", agencyID, err)
	}
	return v, nil
}

// OpenSubscriptionInvoices lists every unpaid invoice of agencies still in
// the lifecycle, oldest due first, for dunning.
func (c *Store) OpenSubscriptionInvoices(ctx context.Context) ([]*SubscriptionInvoice, error) {
	return db.QueryList(ctx, c.Read(), "open subscription invoices", scanSubInvoice,
		`SELECT `+subInvoiceColumns+subInvoiceFrom+` WHERE i.status = 'open' AND a.status IN ('trial', 'active', 'past_due', 'suspended') ORDER BY i.due_at`)
}

// SubscriptionPayments lists payments, newest first (one agency's, or all).
func (c *Store) SubscriptionPayments(ctx context.Context, agencyID string, limit int) ([]*SubscriptionPayment, error) {
	return db.QueryList(ctx, c.Read(), "subscription payments", func(row db.Scanner) (*SubscriptionPayment, error) {
		var p SubscriptionPayment
		var at int64
		if err := row.Scan(&p.ID, &p.InvoiceID, &p.Number, &p.AgencyName, &p.Amount, &p.Currency, &p.Method, &p.Reference, &p.RecordedBy, &at); err != nil {
			return nil, err
		}
		p.PaidAt = db.UnixTime(at)
		return &p, nil
	}, `SELECT p.id, p.invoice_id, i.number, COALESCE(a.name, ''), p.amount, p.currency, p.method, p.reference, p.recorded_by, p.paid_at
		FROM subscription_payments p JOIN subscription_invoices i ON i.id = p.invoice_id LEFT JOIN agencies a ON a.id = i.agency_id
		WHERE (? = '' OR i.agency_id = ?) ORDER BY p.paid_at DESC LIMIT ?`, agencyID, agencyID, limit)
}

// RecordSubscriptionNotice notes that a dunning email of kind went out for
// an invoice; false when it had already.
func (c *Store) RecordSubscriptionNotice(ctx context.Context, invoiceID, kind string) (bool, error) {
	res, err := c.Write().ExecContext(ctx, `INSERT INTO subscription_notices (invoice_id, kind, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, invoiceID, kind, c.Now())
	if err != nil {
		return false, fmt.Errorf("db: subscription notice: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ForgetSubscriptionNotice undoes RecordSubscriptionNotice when the email
// could not be queued, so the next run tries again.
func (c *Store) ForgetSubscriptionNotice(ctx context.Context, invoiceID, kind string) error {
	_, err := c.Write().ExecContext(ctx, `DELETE FROM subscription_notices WHERE invoice_id = ? AND kind = ?`, invoiceID, kind)
	return err
}

// OperatorAuditEntry is one thing an operator did in the console.
type OperatorAuditEntry struct {
	ID           string
	At           time.Time
	OperatorID   string
	OperatorName string
	Action       string
	AgencyID     string
	AgencyName   string
	Detail       string
}

// RecordOperatorAudit writes an entry of the operator audit log on its own.
func (c *Store) RecordOperatorAudit(ctx context.Context, e OperatorAuditEntry) error {
	return c.Tx(ctx, func(tx *sql.Tx) error { return c.operatorAuditTx(ctx, tx, e) })
}

// operatorAuditTx writes an entry of the operator audit log in the
// transaction of the change it records.
func (c *Store) operatorAuditTx(ctx context.Context, tx *sql.Tx, e OperatorAuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO operator_audit (id, at, operator_id, operator_name, action, agency_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		uuid.NewString(), c.Now(), e.OperatorID, e.OperatorName, e.Action, e.AgencyID, e.Detail)
	if err != nil {
		return fmt.Errorf("db: operator audit %s: %w", e.Action, err)
	}
	return nil
}

// auditInsertOrder orders entries of the same second as they were written:
// SQLite's rowid; on PostgreSQL the row's place in the table (ctid), which
// follows the order of insertion in a table rows are only ever added to.
func (c *Store) auditInsertOrder() string { return c.sqlFor("o.rowid", "o.ctid") }

// OperatorAudit lists the log, newest first: one agency's or all.
func (c *Store) OperatorAudit(ctx context.Context, agencyID string, limit int) ([]*OperatorAuditEntry, error) {
	return db.QueryList(ctx, c.Read(), "operator audit", func(row db.Scanner) (*OperatorAuditEntry, error) {
		var e OperatorAuditEntry
		var at int64
		if err := row.Scan(&e.ID, &at, &e.OperatorID, &e.OperatorName, &e.Action, &e.AgencyID, &e.AgencyName, &e.Detail); err != nil {
			return nil, err
		}
		e.At = db.UnixTime(at)
		return &e, nil
	}, `SELECT o.id, o.at, o.operator_id, o.operator_name, o.action, o.agency_id, COALESCE(a.name, ''), o.detail
		FROM operator_audit o LEFT JOIN agencies a ON a.id = o.agency_id WHERE (? = '' OR o.agency_id = ?) ORDER BY o.at DESC, `+c.auditInsertOrder()+` DESC LIMIT ?`, agencyID, agencyID, limit)
}

// AgencyRow is one line of the console's agency list: control data only.
type AgencyRow struct {
	Agency
	PlanName string
}

// SearchAgencies finds agencies by name or slug (all when q is empty),
// deleted ones last.
func (c *Store) SearchAgencies(ctx context.Context, q string, limit int) ([]*AgencyRow, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q)) + "%"
	return db.QueryList(ctx, c.Read(), "search agencies", func(row db.Scanner) (*AgencyRow, error) {
		var r AgencyRow
		var created, activity int64
		if err := row.Scan(&r.ID, &r.Slug, &r.Name, &r.Status, &created, &activity, &r.PlanName); err != nil {
			return nil, err
		}
		r.CreatedAt, r.LastActivityAt = db.UnixTime(created), db.UnixTime(activity)
		return &r, nil
	}, `SELECT a.id, a.slug, a.name, a.status, a.created_at, COALESCE(a.last_activity_at, 0), COALESCE(p.name, '')
		FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id
		WHERE lower(a.name) LIKE ? ESCAPE '\' OR a.slug LIKE ? ESCAPE '\'
		ORDER BY a.status = 'deleted', a.name LIMIT ?`, like, like, limit)
}
