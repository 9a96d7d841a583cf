package tenant

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Invoice kinds and statuses.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"

	InvoiceDraft         = "draft"
	InvoiceIssued        = "issued"
	InvoicePartiallyPaid = "partially_paid"
	InvoicePaid          = "paid"
	InvoiceVoid          = "void"
	// InvoiceOverdue is never stored: an issued or partially paid invoice
	// past its due date on the clock's day shows as overdue.
	InvoiceOverdue = "overdue"
	// InvoiceCredit is never stored either: an issued credit note shows as
	// a credit, never as owed or overdue.
	InvoiceCredit = "credit"
)

// CreditNotePattern numbers credit notes, from their own yearly sequence.
const CreditNotePattern = "CN-{YYYY}-{SEQ:4}"

// Field limits of invoices.
const (
	InvoiceNotesMax       = 2000
	InvoiceLineTextMax    = 500
	InvoiceTermsMax       = 365
	InvoiceVoidReasonMax  = 500
	PaymentReferenceMax   = 200
	invoiceOpenStatusList = "'issued', 'partially_paid'"
)

// InvoiceInput is a draft as typed: an invoice or credit note's editable part.
type InvoiceInput struct {
	ClientID  string
	CaseID    string
	Currency  string
	IssueDate string // YYYY-MM-DD
	TermsDays int
	Notes     string
	Lines     []billing.Line
	// DiscountBP is the discount on the total in basis points (1000 =
	// 10 %), taken after the lines' own discounts (billing.Discounted).
	DiscountBP int64
}

// Totals are the input's sums by the discount rule (billing.ComputeDiscounted):
// the lines after their own discounts and the discount on the total.
func (in *InvoiceInput) Totals() billing.Totals {
	return billing.ComputeDiscounted(in.Lines, in.DiscountBP)
}

// Invoice is an invoice or credit note with its names and lines.
type Invoice struct {
	InvoiceInput
	ID              string
	Kind            string
	Number          string // empty while a draft
	CreditFor       string
	CreditForNumber string
	ClientName      string
	CaseNumber      int64
	RecurringID     string
	Status          string
	DueDate         string
	Subtotal        int64
	VATTotal        int64
	Total           int64
	Paid            int64
	Seller          billing.Party
	Buyer           billing.Party
	VoidReason      string
	IssuedAt        time.Time
	VoidedAt        time.Time
	SentAt          time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// Version is raised at every write of the invoice (migration 40): the
	// version an edit of the draft was made from, refused by UpdateDraft
	// once changed.
	Version int64
}

// Outstanding is what is still owed.
func (i *Invoice) Outstanding() int64 { return i.Total - i.Paid }

// Open reports whether the invoice awaits (more) payment. A credit note
// never does: it is money the agency owes back, or took off an invoice.
func (i *Invoice) Open() bool {
	return i.Kind != KindCreditNote && (i.Status == InvoiceIssued || i.Status == InvoicePartiallyPaid)
}

// Overdue reports whether an open invoice is past due on the day today.
func (i *Invoice) Overdue(today string) bool { return i.Open() && i.DueDate < today }

// DisplayStatus is the status to show on the day today: overdue for open
// invoices past their due date, credit for an issued credit note.
func (i *Invoice) DisplayStatus(today string) string {
	return displayStatus(i.Kind, i.Status, i.DueDate, today)
}

func displayStatus(kind, status, due, today string) string {
	switch {
	case kind == KindCreditNote && status != InvoiceDraft && status != InvoiceVoid:
		return InvoiceCredit
	case kind != KindCreditNote && (status == InvoiceIssued || status == InvoicePartiallyPaid) && due < today:
		return InvoiceOverdue
	}
	return status
}

// Label is what people call the document: its number, or "Draft".
func (i *Invoice) Label() string {
	if i.Number != "" {
		return i.Number
	}
	if i.Kind == KindCreditNote {
		return "Draft credit note"
	}
	return "Draft invoice"
}

// InvoiceStatusLabel names a status for people.
func InvoiceStatusLabel(s string) string {
	switch s {
	case InvoiceDraft:
		return "Draft"
	case InvoiceIssued:
		return "Issued"
	case InvoicePartiallyPaid:
		return "Partially paid"
	case InvoicePaid:
		return "Paid"
	case InvoiceVoid:
		return "Void"
	case InvoiceOverdue:
		return "Overdue"
	case InvoiceCredit:
		return "Credit note"
	}
	return s
}

// Validate checks a draft; field names are the form's (line fields as
// line_description.N and so on, N from 0).
func (in *InvoiceInput) Validate() error {
	f := map[string]string{}
	if uuid.Validate(in.ClientID) != nil {
		f["client_id"] = "Choose one of your clients."
	}
	if in.CaseID != "" && uuid.Validate(in.CaseID) != nil {
		f["case_id"] = "Choose one of the client's cases, or none."
	}
	if !billing.ValidCurrency(in.Currency) {
		f["currency"] = "Choose one of " + strings.Join(billing.Currencies, ", ") + "."
	}
	if _, err := billing.ParseDate(in.IssueDate); err != nil {
		f["issue_date"] = "Enter the issue date as YYYY-MM-DD."
	}
	if in.TermsDays < 0 || in.TermsDays > InvoiceTermsMax {
		f["terms_days"] = fmt.Sprintf("Payment terms are 0 to %d days.", InvoiceTermsMax)
	}
	if utf8.RuneCountInString(in.Notes) > InvoiceNotesMax {
		f["notes"] = fmt.Sprintf("Notes have at most %d characters.", InvoiceNotesMax)
	}
	if len(in.Lines) == 0 {
		f["lines"] = "Add at least one line."
	}
	if len(in.Lines) > billing.MaxLines {
		f["lines"] = fmt.Sprintf("At most %d lines.", billing.MaxLines)
	}
	for i, l := range in.Lines {
		n := fmt.Sprint(i)
		d := strings.TrimSpace(l.Description)
		switch {
		case d == "":
			f["line_description."+n] = "Describe the line."
		case utf8.RuneCountInString(d) > InvoiceLineTextMax:
			f["line_description."+n] = fmt.Sprintf("At most %d characters.", InvoiceLineTextMax)
		case strings.ContainsRune(d, 0):
			f["line_description."+n] = "Remove the control characters."
		}
		if l.QuantityMilli <= 0 || l.QuantityMilli > billing.MaxQuantityMilli {
			f["line_quantity."+n] = "The quantity is more than 0 and at most 1,000,000."
		}
		if l.UnitPrice < 0 || l.UnitPrice > billing.MaxUnitPrice {
			f["line_price."+n] = "The unit price is 0 to 10,000,000."
		}
		if l.VATRateBP < 0 || l.VATRateBP > billing.MaxVATRateBP {
			f["line_vat."+n] = "The VAT rate is 0 to 100 %."
		}
		if l.DiscountBP < 0 || l.DiscountBP > billing.MaxDiscountBP {
			f["line_discount."+n] = "The discount is 0 to 100 %."
		}
		if l.TaxPresetID != "" && uuid.Validate(l.TaxPresetID) != nil {
			f["line_tax."+n] = "Choose one of your tax presets, or type a rate."
		}
	}
	if in.DiscountBP < 0 || in.DiscountBP > billing.MaxDiscountBP {
		f["discount"] = "The discount is 0 to 100 %."
	}
	return apperr.FieldErrors(f)
}

// DueDate is the issue date plus the terms (billing.DueDate).
func (in *InvoiceInput) dueDate() string { return billing.DueDate(in.IssueDate, in.TermsDays) }

const invoiceSelect = `SELECT i.id, i.kind, COALESCE(i.number, ''), COALESCE(i.credit_for, ''), COALESCE(cf.number, ''), i.client_id, cl.name,
	COALESCE(i.case_id, ''), COALESCE(k.number, 0), COALESCE(i.recurring_id, ''), i.status, i.currency, i.issue_date, i.terms_days, i.due_date,
	i.notes, i.subtotal, i.vat_total, i.total, i.paid, i.seller, i.buyer, i.void_reason, i.issued_at, i.voided_at, i.sent_at, i.created_at, i.updated_at,
	i.discount_bp, i.version
	FROM invoices i
	JOIN clients cl ON cl.id = i.client_id
	LEFT JOIN cases k ON k.id = i.case_id
	LEFT JOIN invoices cf ON cf.id = i.credit_for`

func scanInvoice(row db.Scanner) (*Invoice, error) {
	var i Invoice
	var seller, buyer string
	var issued, voided, sent sql.NullInt64
	var created, updated int64
	if err := row.Scan(&i.ID, &i.Kind, &i.Number, &i.CreditFor, &i.CreditForNumber, &i.ClientID, &i.ClientName, &i.CaseID, &i.CaseNumber,
		&i.RecurringID, &i.Status, &i.Currency, &i.IssueDate, &i.TermsDays, &i.DueDate, &i.Notes, &i.Subtotal, &i.VATTotal, &i.Total, &i.Paid,
		&seller, &buyer, &i.VoidReason, &issued, &voided, &sent, &created, &updated, &i.DiscountBP, &i.Version); err != nil {
		return nil, err
	}
	if seller != "" {
		_ = json.Unmarshal([]byte(seller), &i.Seller)
	}
	if buyer != "" {
		_ = json.Unmarshal([]byte(buyer), &i.Buyer)
	}
	i.IssuedAt, i.VoidedAt, i.SentAt = db.NullUnix(issued), db.NullUnix(voided), db.NullUnix(sent)
	i.CreatedAt, i.UpdatedAt = db.UnixTime(created), db.UnixTime(updated)
	return &i, nil
}

// loadInvoice reads an invoice whose client v may see, with its lines.
func loadInvoice(ctx context.Context, q caseQuerier, v Viewer, id string) (*Invoice, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Invoice not found.")
	}
	filter, args := v.clientFilter("cl")
	inv, err := scanInvoice(q.QueryRowContext(ctx, invoiceSelect+` WHERE i.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Invoice")
	}
	inv.Lines, err = readLines(ctx, q, `SELECT `+lineColumns+` FROM invoice_lines WHERE invoice_id = ? ORDER BY position`, id)
	return inv, err
}

// lineColumns are the columns of a stored line (invoice_lines,
// recurring_lines) in the order scanLine reads them.
const lineColumns = `description, quantity_milli, unit_price, vat_rate_bp, discount_bp, COALESCE(tax_preset_id, ''), tax_note`

// scanLine reads the lineColumns of a row after dest (a row's other columns first).
func scanLine(row db.Scanner, l *billing.Line, dest ...any) error {
	return row.Scan(append(dest, &l.Description, &l.QuantityMilli, &l.UnitPrice, &l.VATRateBP, &l.DiscountBP, &l.TaxPresetID, &l.TaxNote)...)
}

func readLines(ctx context.Context, q caseQuerier, query, id string) ([]billing.Line, error) {
	rows, err := q.QueryContext(ctx, query, id)
	if err != nil {
		return nil, fmt.Errorf("db: lines of %s: %w", id, err)
	}
	defer rows.Close()
	var out []billing.Line
	for rows.Next() {
		var l billing.Line
		if err := scanLine(rows, &l); err != nil {
			return nil, fmt.Errorf("db: lines of %s: %w", id, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Invoice loads an invoice or credit note that v may see.
func (t *Store) Invoice(ctx context.Context, v Viewer, id string) (*Invoice, error) {
	return loadInvoice(ctx, t.Reader(), v, id)
}

// InvoiceForPayment loads an invoice by id alone, for the payment pages
// and callbacks that come without a signed-in person.
func (t *Store) InvoiceForPayment(ctx context.Context, id string) (*Invoice, error) {
	return t.Invoice(ctx, Viewer{}, id)
}

// checkInvoiceRefs checks inside tx that the client is one of v's, not
// archived, and the case (if any) is the client's and visible to v, and
// gives the lines their presets (kept: the archived ones a draft being
// edited keeps, nil for a new one).
func checkInvoiceRefs(ctx context.Context, tx *sql.Tx, v Viewer, in *InvoiceInput, kept map[string]billing.Line) error {
	if _, err := clientForCase(ctx, tx, v, in.ClientID); err != nil {
		return err
	}
	if err := resolveTaxPresets(ctx, tx, in.Lines, kept); err != nil {
		return err
	}
	if in.CaseID == "" {
		return nil
	}
	k, err := loadCase(ctx, tx, v, in.CaseID)
	if err != nil || k.ClientID != in.ClientID {
		return apperr.FieldErrors(map[string]string{"case_id": "Choose one of this client's cases, or none."})
	}
	return nil
}

func writeLines(ctx context.Context, tx *sql.Tx, table, col, id string, lines []billing.Line) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = ?`, id); err != nil {
		return fmt.Errorf("db: clear lines of %s: %w", id, err)
	}
	for i, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, position, description, quantity_milli, unit_price, vat_rate_bp, discount_bp, tax_preset_id, tax_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i, strings.TrimSpace(l.Description), l.QuantityMilli, l.UnitPrice, l.VATRateBP, l.DiscountBP, caseNullable(l.TaxPresetID), l.TaxNote); err != nil {
			return fmt.Errorf("db: write line of %s: %w", id, err)
		}
	}
	return nil
}

// CreateInvoice saves a draft invoice for a client v may see.
func (t *Store) CreateInvoice(ctx context.Context, v Viewer, actor Actor, in InvoiceInput) (*Invoice, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkInvoiceRefs(ctx, tx, v, &in, nil); err != nil {
			return err
		}
		return t.insertDraft(ctx, tx, id, KindInvoice, "", "", actor.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return t.Invoice(ctx, v, id)
}

func (t *Store) insertDraft(ctx context.Context, tx *sql.Tx, id, kind, creditFor, recurringID, actorID string, in InvoiceInput) error {
	tot := in.Totals()
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO invoices (id, kind, credit_for, client_id, case_id, recurring_id, status, currency, issue_date, terms_days, due_date, notes,
		subtotal, vat_total, total, discount_bp, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, kind, caseNullable(creditFor), in.ClientID, caseNullable(in.CaseID), caseNullable(recurringID), in.Currency, in.IssueDate, in.TermsDays, in.dueDate(),
		strings.TrimSpace(in.Notes), tot.Subtotal, tot.VAT, tot.Total, in.DiscountBP, caseNullable(actorID), now, now); err != nil {
		return fmt.Errorf("db: insert invoice: %w", err)
	}
	return writeLines(ctx, tx, "invoice_lines", "invoice_id", id, in.Lines)
}

// UpdateDraft replaces a draft's fields and lines. Issued invoices are
// never edited: a correction is a credit note. A version other than 0 is
// the draft's Version as the caller read it: a draft changed since (even
// within the same second) is refused (Conflict), nothing written.
func (t *Store) UpdateDraft(ctx context.Context, v Viewer, id string, version int64, in InvoiceInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if inv.Status != InvoiceDraft {
			return apperr.New(apperr.Conflict, "%s is issued and can't be changed: issue a credit note to correct it.", inv.Label())
		}
		if version != 0 && inv.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this draft since you read it. Read it again and apply your change to what is there now.")
		}
		if inv.Kind == KindCreditNote {
			in.ClientID, in.CaseID = inv.ClientID, inv.CaseID // a credit note stays with its invoice's client
			if in.Currency != inv.Currency {
				return apperr.FieldErrors(map[string]string{"currency": fmt.Sprintf("A credit note is in the currency of the invoice it credits (%s).", inv.Currency)})
			}
		}
		kept, err := keptTaxPresets(ctx, tx, "invoice_lines", "invoice_id", id)
		if err != nil {
			return err
		}
		if err := checkInvoiceRefs(ctx, tx, v, &in, kept); err != nil {
			return err
		}
		tot := in.Totals()
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET client_id = ?, case_id = ?, currency = ?, issue_date = ?, terms_days = ?, due_date = ?, notes = ?,
			subtotal = ?, vat_total = ?, total = ?, discount_bp = ?, updated_at = ? WHERE id = ?`,
			in.ClientID, caseNullable(in.CaseID), in.Currency, in.IssueDate, in.TermsDays, in.dueDate(), strings.TrimSpace(in.Notes),
			tot.Subtotal, tot.VAT, tot.Total, in.DiscountBP, t.Now(), id); err != nil {
			return fmt.Errorf("db: update invoice %s: %w", id, err)
		}
		return writeLines(ctx, tx, "invoice_lines", "invoice_id", id, in.Lines)
	})
}

// DeleteDraft deletes a draft, and audits it (a gets the draft as its
// target, its client and total as detail) in the same transaction; issued
// invoices are never deleted.
func (t *Store) DeleteDraft(ctx context.Context, v Viewer, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if inv.Status != InvoiceDraft {
			return apperr.New(apperr.Conflict, "%s is issued and is never deleted: void it or issue a credit note.", inv.Label())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recurring_runs SET invoice_id = NULL WHERE invoice_id = ?`, id); err != nil {
			return fmt.Errorf("db: unlink draft %s: %w", id, err)
		}
		// The draft's time is unbilled again before the draft goes.
		if err := t.releaseTimeTx(ctx, tx, Actor{ID: a.ActorID, Name: a.ActorName}, inv, "the draft was deleted", a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invoices WHERE id = ?`, id); err != nil {
			return fmt.Errorf("db: delete draft %s: %w", id, err)
		}
		a.Target, a.Detail = inv.ID, inv.ClientName+", "+billing.FormatMoney(inv.Total, inv.Currency)
		return t.auditTx(ctx, tx, a)
	})
}

// buyerOf snapshots a client as the invoice's buyer.
func buyerOf(ctx context.Context, tx *sql.Tx, clientID string) (billing.Party, error) {
	return scanBuyer(tx.QueryRowContext(ctx, buyerSelect, clientID), clientID)
}

// buyerSelect reads a client as invoices name the buyer (scanBuyer).
const buyerSelect = `SELECT name, company_code, vat_number, street, postal_code, city, country,
		COALESCE((SELECT email FROM client_emails WHERE client_id = clients.id ORDER BY position LIMIT 1), '')
		FROM clients WHERE id = ?`

func scanBuyer(row *sql.Row, clientID string) (billing.Party, error) {
	var p billing.Party
	var street, postal, city, country, email string
	err := row.Scan(&p.Name, &p.CompanyCode, &p.VATNumber, &street, &postal, &city, &country, &email)
	if err != nil {
		return p, fmt.Errorf("db: buyer %s: %w", clientID, err)
	}
	for _, s := range []string{street, strings.TrimSpace(postal + " " + city), country} {
		if s != "" {
			p.Address = append(p.Address, s)
		}
	}
	p.Email = email
	return p, nil
}

// SellerOf is the agency as its invoices name it.
func SellerOf(s BillingSettings, agencyName string) billing.Party {
	p := billing.Party{Name: s.LegalName, CompanyCode: s.CompanyCode, VATNumber: s.VATNumber, Email: s.Email}
	if p.Name == "" {
		p.Name = agencyName
	}
	p.Address = splitLines(s.Address)
	return p
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// IssueInvoice gives a draft its number from the agency's gapless yearly
// sequence (inside this transaction: a failed issue uses no number),
// snapshots seller and buyer, records it on the case's timeline and audits
// it (a gets the invoice as its target and its number as detail), all in
// one transaction.
func (t *Store) IssueInvoice(ctx context.Context, v Viewer, actor Actor, agencyName, id string, a Audit) (*Invoice, error) {
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if err := t.issueTx(ctx, tx, actor, agencyName, inv); err != nil {
			return err
		}
		a.Target, a.Detail = inv.ID, inv.Number
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Invoice(ctx, v, id)
}

func (t *Store) issueTx(ctx context.Context, tx *sql.Tx, actor Actor, agencyName string, inv *Invoice) error {
	if inv.Status != InvoiceDraft {
		return apperr.New(apperr.Conflict, "%s is already issued.", inv.Label())
	}
	if err := inv.InvoiceInput.Validate(); err != nil {
		return apperr.New(apperr.Invalid, "The draft is incomplete: edit it first.")
	}
	settings, err := readBillingSettings(ctx, tx)
	if err != nil {
		return err
	}
	var original *Invoice
	if inv.Kind == KindCreditNote {
		original, err = loadInvoice(ctx, tx, Viewer{}, inv.CreditFor)
		if err != nil {
			return err
		}
		if !original.Open() {
			return apperr.New(apperr.Conflict, "%s is %s: a credit note can only reduce what is still owed.", original.Label(), strings.ToLower(InvoiceStatusLabel(original.Status)))
		}
		if inv.Total <= 0 || inv.Total > original.Outstanding() {
			return apperr.New(apperr.Invalid, "The credit note's total must be more than 0 and at most the %s still owed on %s.",
				billing.FormatMoney(original.Outstanding(), original.Currency), original.Label())
		}
		if inv.Currency != original.Currency {
			return apperr.New(apperr.Invalid, "The credit note must be in %s, like %s.", original.Currency, original.Label())
		}
	}
	issue, _ := billing.ParseDate(inv.IssueDate)
	pattern, seqName := settings.NumberPattern, fmt.Sprintf("invoice:%d", issue.Year())
	if inv.Kind == KindCreditNote {
		pattern, seqName = CreditNotePattern, fmt.Sprintf("credit_note:%d", issue.Year())
	}
	n, err := nextSequence(ctx, tx, seqName)
	if err != nil {
		return err
	}
	number := billing.FormatNumber(pattern, issue.Year(), int(issue.Month()), n)
	buyer, err := buyerOf(ctx, tx, inv.ClientID)
	if err != nil {
		return err
	}
	sellerJSON, _ := json.Marshal(SellerOf(settings, agencyName))
	buyerJSON, _ := json.Marshal(buyer)
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE invoices SET number = ?, status = 'issued', seller = ?, buyer = ?, issued_at = ?, updated_at = ? WHERE id = ?`,
		number, string(sellerJSON), string(buyerJSON), now, now, inv.ID); err != nil {
		if db.IsUnique(err) {
			return apperr.New(apperr.Conflict, "The number %s is already used: change the number pattern in the billing settings.", number)
		}
		return fmt.Errorf("db: issue invoice %s: %w", inv.ID, err)
	}
	inv.Number, inv.Status = number, InvoiceIssued
	if inv.CaseID != "" {
		what := "invoice"
		if inv.Kind == KindCreditNote {
			what = "credit note"
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: inv.CaseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventInvoiceIssued,
			NewValue: what + " " + number + " · " + billing.FormatMoney(inv.Total, inv.Currency), VisibleToClient: true}); err != nil {
			return err
		}
	}
	if original != nil {
		return t.applyPayment(ctx, tx, actor, original, Payment{Amount: inv.Total, Currency: inv.Currency, PaidOn: inv.IssueDate,
			Method: MethodCreditNote, Reference: number})
	}
	return nil
}

// CheckVoidReason refuses a void's reason (trimmed) that is empty or too
// long, as a field error on "reason"; the void's confirmation asks it too.
func CheckVoidReason(reason string) error {
	if reason == "" {
		return apperr.FieldErrors(map[string]string{"reason": "Say why the invoice is void."})
	}
	if utf8.RuneCountInString(reason) > InvoiceVoidReasonMax {
		return apperr.FieldErrors(map[string]string{"reason": fmt.Sprintf("At most %d characters.", InvoiceVoidReasonMax)})
	}
	return nil
}

// VoidInvoice cancels an issued invoice that has no payments, keeping its
// number (a gapless sequence never loses one) and the reason, and audits it
// (a gets the invoice as its target and the reason as detail) in the same
// transaction.
func (t *Store) VoidInvoice(ctx context.Context, v Viewer, actor Actor, id, reason string, a Audit) error {
	reason = strings.TrimSpace(reason)
	if err := CheckVoidReason(reason); err != nil {
		return err
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, id)
		if err != nil {
			return err
		}
		switch {
		case inv.Status == InvoiceDraft:
			return apperr.New(apperr.Conflict, "A draft is deleted, not voided.")
		case inv.Status == InvoiceVoid:
			return apperr.New(apperr.Conflict, "%s is already void.", inv.Label())
		case inv.Kind == KindCreditNote:
			return apperr.New(apperr.Conflict, "An issued credit note can't be voided: issue a new invoice instead.")
		case inv.Paid > 0:
			return apperr.New(apperr.Conflict, "%s has payments or credit notes: it can't be voided.", inv.Label())
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = 'void', void_reason = ?, voided_at = ?, updated_at = ? WHERE id = ?`, reason, now, now, id); err != nil {
			return fmt.Errorf("db: void invoice %s: %w", id, err)
		}
		if inv.CaseID != "" {
			if err := t.insertEvent(ctx, tx, Event{CaseID: inv.CaseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventInvoiceVoid,
				NewValue: inv.Number + " · " + reason, VisibleToClient: true}); err != nil {
				return err
			}
		}
		if err := t.releaseTimeTx(ctx, tx, actor, inv, "the invoice was voided", a); err != nil {
			return err
		}
		a.Target, a.Detail = id, reason
		return t.auditTx(ctx, tx, a)
	})
}

// CreateCreditNote starts a draft credit note for an open invoice, with the
// invoice's lines to edit down to what is credited, and audits it (a gets
// the credit note as its target and the invoice's number as detail) in the
// same transaction.
func (t *Store) CreateCreditNote(ctx context.Context, v Viewer, actor Actor, invoiceID, today string, a Audit) (*Invoice, error) {
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := loadInvoice(ctx, tx, v, invoiceID)
		if err != nil {
			return err
		}
		if inv.Kind != KindInvoice || !inv.Open() {
			return apperr.New(apperr.Conflict, "Only an issued invoice with something still owed can be credited.")
		}
		in := inv.InvoiceInput
		in.IssueDate, in.TermsDays, in.Notes = today, 0, "Credit note for invoice "+inv.Number+"."
		if err := t.insertDraft(ctx, tx, id, KindCreditNote, inv.ID, "", actor.ID, in); err != nil {
			return err
		}
		a.Target, a.Detail = id, "for "+inv.Number
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Invoice(ctx, v, id)
}

// MarkInvoiceSent records when the invoice was last emailed, and audits it
// (a gets the invoice as its target and its number as detail) in the same
// transaction.
func (t *Store) MarkInvoiceSent(ctx context.Context, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var number string
		err := tx.QueryRowContext(ctx, `UPDATE invoices SET sent_at = ? WHERE id = ? RETURNING COALESCE(number, '')`, t.Now(), id).Scan(&number)
		if err != nil {
			return db.NotFound(err, "Invoice")
		}
		a.Target, a.Detail = id, number
		return t.auditTx(ctx, tx, a)
	})
}

// InvoiceFilter narrows the invoice list.
type InvoiceFilter struct {
	Status   string // "", a status, "overdue" or "open"
	ClientID string
	Today    string // for overdue
	Before   string // cursor: "created_at:id" of the last row shown
	Limit    int
}

// InvoiceRow is one line of the invoice list.
type InvoiceRow struct {
	ID, Kind, Number, ClientID, ClientName, Status, Currency, IssueDate, DueDate string
	Total, Paid                                                                  int64
	CreatedAt                                                                    int64
}

// Open reports whether the invoice awaits (more) payment; credit notes never do.
func (r InvoiceRow) Open() bool {
	return r.Kind != KindCreditNote && (r.Status == InvoiceIssued || r.Status == InvoicePartiallyPaid)
}

// DisplayStatus is the row's status to show on the day today (Invoice.DisplayStatus).
func (r InvoiceRow) DisplayStatus(today string) string {
	return displayStatus(r.Kind, r.Status, r.DueDate, today)
}

// Invoices lists invoices whose clients v may see, newest first, and the
// cursor of the next page ("" at the end).
func (t *Store) Invoices(ctx context.Context, v Viewer, f InvoiceFilter) ([]InvoiceRow, string, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	filter, args := v.clientFilter("cl")
	where := []string{filter}
	// "+i.status" keeps SQLite from reading by status and sorting: walking
	// invoices_list newest first and skipping the other statuses finds a
	// page after a few hundred index rows, where sorting every unpaid
	// invoice cost 18 ms at 20,000 invoices (BENCHMARKS.md).
	switch f.Status {
	case "":
	case "open":
		where = append(where, `+i.status IN (`+invoiceOpenStatusList+`) AND i.kind = 'invoice'`)
	case InvoiceOverdue:
		where = append(where, `+i.status IN (`+invoiceOpenStatusList+`) AND i.kind = 'invoice' AND i.due_date < ?`)
		args = append(args, f.Today)
	default:
		where = append(where, `+i.status = ?`)
		args = append(args, f.Status)
	}
	if f.ClientID != "" {
		where = append(where, `i.client_id = ?`)
		args = append(args, f.ClientID)
	}
	if f.Before != "" {
		var at int64
		var id string
		if _, err := fmt.Sscanf(strings.Replace(f.Before, ":", " ", 1), "%d %s", &at, &id); err == nil {
			where = append(where, `(i.created_at < ? OR (i.created_at = ? AND i.id < ?))`)
			args = append(args, at, at, id)
		}
	}
	args = append(args, f.Limit+1)
	rows, err := db.QueryListPrepared(ctx, t.DB, "invoices", f.Limit+1, func(row db.Scanner) (InvoiceRow, error) {
		var r InvoiceRow
		err := row.Scan(&r.ID, &r.Kind, &r.Number, &r.ClientID, &r.ClientName, &r.Status, &r.Currency, &r.IssueDate, &r.DueDate, &r.Total, &r.Paid, &r.CreatedAt)
		return r, err
	}, `SELECT i.id, i.kind, COALESCE(i.number, ''), i.client_id, cl.name, i.status, i.currency, i.issue_date, i.due_date, i.total, i.paid, i.created_at
		FROM invoices i JOIN clients cl ON cl.id = i.client_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY i.created_at DESC, i.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = fmt.Sprintf("%d:%s", last.CreatedAt, last.ID)
	}
	return rows, next, nil
}
