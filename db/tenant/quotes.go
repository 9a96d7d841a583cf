package tenant

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
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

// Quote states (issue 18). A quote sent or viewed whose validity date has
// passed shows as expired and can no longer be answered.
const (
	QuoteDraft     = "draft"
	QuoteSent      = "sent"
	QuoteViewed    = "viewed"
	QuoteAccepted  = "accepted"
	QuoteDeclined  = "declined"
	QuoteExpired   = "expired"
	QuoteWithdrawn = "withdrawn"
)

// QuotePattern numbers quotes when they are sent, from their own gapless
// yearly sequence (the year of the day it is first sent).
const QuotePattern = "Q-{YYYY}-{SEQ:4}"

// Field limits of quotes.
const (
	QuoteTermsMax     = 4000
	QuoteReasonMax    = 1000
	QuoteSignerMax    = 200
	QuoteValidDaysMax = 366
)

// Deposit kinds of a quote.
const (
	DepositNone    = "none"
	DepositPercent = "percent" // DepositValue in basis points of the total
	DepositAmount  = "amount"  // DepositValue in minor units
)

// QuoteLine is a line of a quote: an invoice line (with its discount,
// Line.DiscountBP), and whether the client may leave it out (Optional)
// and has it in (Chosen; always true for a line that is not optional).
type QuoteLine struct {
	billing.Line
	Optional  bool
	Chosen    bool
	Recurring bool // billed again on the schedule acceptance starts (QuoteStarts.Recurring)
}

// QuoteInput is a draft quote as typed.
type QuoteInput struct {
	ClientID     string
	CaseID       string
	Currency     string
	ValidUntil   string // YYYY-MM-DD
	Terms        string
	DepositKind  string
	DepositValue int64
	DiscountBP   int64 // a discount on the total, in basis points of the chosen lines' net
	Lines        []QuoteLine
	Starts       QuoteStarts // what acceptance starts
}

// Quote is one version of a quote with its names and lines.
type Quote struct {
	QuoteInput
	ID            string
	Number        string // empty while a first draft
	Version       int
	PreviousID    string
	ClientName    string
	CaseNumber    int64
	State         string
	Subtotal      int64
	VATTotal      int64
	Total         int64
	Seller        billing.Party
	Buyer         billing.Party
	IssueDate     string // the day it was sent
	DeclineReason string
	SentAt        time.Time
	ViewedAt      time.Time
	AnsweredAt    time.Time
	WithdrawnAt   time.Time
	SupersededAt  time.Time // when a later version was sent
	CreatedAt     time.Time
	Acceptance    *QuoteAcceptance
	Started       QuoteStarted // what acceptance started
	CreatedBy     string       // the staff member who drafted it ("" once they are deleted)
}

// QuoteAcceptance is the client's acceptance of one version.
type QuoteAcceptance struct {
	SignerName, SignerUserID, SignerEmail, IP, UserAgent string
	AcceptedAt                                           time.Time
	DocumentSHA256                                       string
	Total                                                int64
	SignatureKind                                        string // SignatureTyped or SignatureDrawn
	SignaturePNG                                         []byte // the drawn signature, checked and redrawn by app.ParseSignature
}

// Kinds of signature on an acceptance.
const (
	SignatureTyped = "typed" // the typed full name, printed as the signature
	SignatureDrawn = "drawn" // drawn on the portal's canvas
)

// QuoteBillingLines are the lines the totals count: the chosen lines (and
// every line that is not optional) after their discounts and the discount
// on the total (totalBP), by the rule invoices use (billing.Discounted).
func QuoteBillingLines(lines []QuoteLine, totalBP int64) []billing.Line {
	var chosen []billing.Line
	for _, l := range lines {
		if l.Optional && !l.Chosen {
			continue
		}
		chosen = append(chosen, l.Line)
	}
	return billing.Discounted(chosen, totalBP)
}

// QuoteTotals are the sums of the chosen lines after their discounts and
// the discount on the total (totalBP).
func QuoteTotals(lines []QuoteLine, totalBP int64) billing.Totals {
	return billing.Compute(QuoteBillingLines(lines, totalBP))
}

// QuoteTaxNotes are the legal notes of the chosen lines' tax presets (and
// of every line that is not optional), each once: what the quote's page
// and PDFs print under the totals, as an invoice's do (billing.TaxNotes).
func QuoteTaxNotes(lines []QuoteLine) []string {
	return billing.TaxNotes(QuoteBillingLines(lines, 0))
}

// Deposit is what the quote asks to be paid first, of its total.
func (q *Quote) Deposit() int64 {
	switch q.DepositKind {
	case DepositPercent:
		return billing.Share(q.Total, q.DepositValue)
	case DepositAmount:
		return min(q.DepositValue, q.Total)
	}
	return 0
}

// Label is what people call the version: its number (and version after
// the first), or "Draft quote".
func (q *Quote) Label() string {
	if q.Number == "" {
		return "Draft quote"
	}
	if q.Version > 1 {
		return fmt.Sprintf("%s v%d", q.Number, q.Version)
	}
	return q.Number
}

// DisplayState is the state to show on the day today: a sent or viewed
// quote past its validity date is expired.
func (q *Quote) DisplayState(today string) string {
	return quoteDisplayState(q.State, q.ValidUntil, today)
}

func quoteDisplayState(state, validUntil, today string) string {
	if (state == QuoteSent || state == QuoteViewed) && validUntil < today {
		return QuoteExpired
	}
	return state
}

// QuoteStateLabel names a state for people.
func QuoteStateLabel(s string) string {
	switch s {
	case QuoteDraft:
		return "Draft"
	case QuoteSent:
		return "Sent"
	case QuoteViewed:
		return "Viewed"
	case QuoteAccepted:
		return "Accepted"
	case QuoteDeclined:
		return "Declined"
	case QuoteExpired:
		return "Expired"
	case QuoteWithdrawn:
		return "Withdrawn"
	}
	return s
}

// answerable refuses a quote the client may no longer accept or decline:
// not sent, already answered, withdrawn, replaced by a later version, or
// past its validity date on the day today.
func (q *Quote) answerable(today string) error {
	switch {
	case q.State == QuoteAccepted || q.State == QuoteDeclined:
		return apperr.New(apperr.Conflict, "%s is already %s.", q.Label(), q.State)
	case q.State == QuoteWithdrawn:
		return apperr.New(apperr.Conflict, "%s was withdrawn by the agency.", q.Label())
	case q.State == QuoteExpired:
		return apperr.New(apperr.Conflict, "%s expired on %s: ask the agency for a new one.", q.Label(), q.ValidUntil)
	case !q.SupersededAt.IsZero():
		return apperr.New(apperr.Conflict, "%s was replaced by a later version: answer that one.", q.Label())
	case q.State != QuoteSent && q.State != QuoteViewed:
		return apperr.New(apperr.Conflict, "%s can't be answered.", q.Label())
	case q.ValidUntil < today:
		return apperr.New(apperr.Conflict, "%s expired on %s: ask the agency for a new one.", q.Label(), q.ValidUntil)
	}
	return nil
}

// Validate checks a draft quote. The lines follow the invoice rules
// (InvoiceInput.Validate, same field names); the rest is the quote's own.
func (in *QuoteInput) Validate() error {
	inv := InvoiceInput{ClientID: in.ClientID, CaseID: in.CaseID, Currency: in.Currency, IssueDate: "2000-01-01"}
	for _, l := range in.Lines {
		inv.Lines = append(inv.Lines, l.Line)
	}
	f := apperr.FieldsOf(inv.Validate())
	if f == nil {
		f = map[string]string{}
	}
	if _, err := billing.ParseDate(in.ValidUntil); err != nil {
		f["valid_until"] = "Enter the date the quote is valid until as YYYY-MM-DD."
	}
	if utf8.RuneCountInString(in.Terms) > QuoteTermsMax {
		f["terms"] = fmt.Sprintf("Terms have at most %d characters.", QuoteTermsMax)
	}
	switch in.DepositKind {
	case DepositNone, "":
	case DepositPercent:
		if in.DepositValue <= 0 || in.DepositValue > 10_000 {
			f["deposit_value"] = "A deposit percentage is more than 0 and at most 100 %."
		}
	case DepositAmount:
		if in.DepositValue <= 0 || in.DepositValue > billing.MaxUnitPrice {
			f["deposit_value"] = "A deposit amount is more than 0."
		}
	default:
		f["deposit_kind"] = "Choose no deposit, a percentage or an amount."
	}
	if in.DiscountBP < 0 || in.DiscountBP > billing.MaxDiscountBP {
		f["discount"] = "The discount on the total is 0 to 100 %."
	}
	optional := 0
	for i, l := range in.Lines {
		if l.DiscountBP < 0 || l.DiscountBP > billing.MaxDiscountBP {
			f[fmt.Sprintf("line_discount.%d", i)] = "The discount is 0 to 100 %."
		}
		if l.Optional {
			optional++
		}
	}
	if len(in.Lines) > 0 && optional == len(in.Lines) {
		f["lines"] = "At least one line is not optional."
	}
	in.Starts.validate(in, f)
	return apperr.FieldErrors(f)
}

const quoteSelect = `SELECT q.id, COALESCE(q.number, ''), q.version, COALESCE(q.previous_id, ''), q.client_id, cl.name, COALESCE(q.case_id, ''),
	COALESCE(k.number, 0), q.state, q.currency, q.valid_until, q.terms, q.deposit_kind, q.deposit_value, q.subtotal, q.vat_total, q.total,
	q.seller, q.buyer, q.issue_date, q.decline_reason, q.sent_at, q.viewed_at, q.answered_at, q.withdrawn_at, q.superseded_at, q.created_at,
	q.discount_bp, q.start_deposit, q.start_case_status, q.start_recurring, COALESCE(q.deposit_invoice_id, ''), COALESCE(q.started_case_id, ''),
	COALESCE(q.started_recurring_id, ''), COALESCE(q.created_by, '')
	FROM quotes q
	JOIN clients cl ON cl.id = q.client_id
	LEFT JOIN cases k ON k.id = q.case_id`

// quoteFilter is the condition on q (and its client cl) of the quotes v
// may see: staff as they see clients; a contact only their own client's
// quotes, and never a draft.
func quoteFilter(v Viewer) (string, []any) {
	if v.ClientID != "" {
		return "q.client_id = ? AND q.state <> 'draft'", []any{v.ClientID}
	}
	return v.clientFilter("cl")
}

func scanQuote(row db.Scanner) (*Quote, error) {
	var q Quote
	var seller, buyer string
	var sent, viewed, answered, withdrawn, superseded sql.NullInt64
	var created int64
	if err := row.Scan(&q.ID, &q.Number, &q.Version, &q.PreviousID, &q.ClientID, &q.ClientName, &q.CaseID, &q.CaseNumber, &q.State, &q.Currency,
		&q.ValidUntil, &q.Terms, &q.DepositKind, &q.DepositValue, &q.Subtotal, &q.VATTotal, &q.Total, &seller, &buyer, &q.IssueDate,
		&q.DeclineReason, &sent, &viewed, &answered, &withdrawn, &superseded, &created, &q.DiscountBP,
		&q.Starts.Deposit, &q.Starts.CaseStatus, &q.Starts.Recurring, &q.Started.DepositInvoiceID, &q.Started.CaseID, &q.Started.RecurringID, &q.CreatedBy); err != nil {
		return nil, err
	}
	if seller != "" {
		_ = json.Unmarshal([]byte(seller), &q.Seller)
	}
	if buyer != "" {
		_ = json.Unmarshal([]byte(buyer), &q.Buyer)
	}
	q.SentAt, q.ViewedAt, q.AnsweredAt = db.NullUnix(sent), db.NullUnix(viewed), db.NullUnix(answered)
	q.WithdrawnAt, q.SupersededAt, q.CreatedAt = db.NullUnix(withdrawn), db.NullUnix(superseded), db.UnixTime(created)
	return &q, nil
}

// loadAnswerable loads a quote that the viewer, one of its client's
// contacts, may still answer today; doing names the answer for the
// refusal given to anyone else ("accept", "decline").
func loadAnswerable(ctx context.Context, tx caseQuerier, v Viewer, id, today, doing string) (*Quote, error) {
	q, err := loadQuote(ctx, tx, v, id)
	if err != nil {
		return nil, err
	}
	if v.ClientID == "" {
		return nil, apperr.New(apperr.Forbidden, "Only the client's contacts %s a quote.", doing)
	}
	if err := q.answerable(today); err != nil {
		return nil, err
	}
	return q, nil
}

// loadQuote reads a quote version v may see, with its lines and acceptance.
func loadQuote(ctx context.Context, tx caseQuerier, v Viewer, id string) (*Quote, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Quote not found.")
	}
	filter, args := quoteFilter(v)
	q, err := scanQuote(tx.QueryRowContext(ctx, quoteSelect+` WHERE q.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Quote")
	}
	rows, err := tx.QueryContext(ctx, `SELECT description, quantity_milli, unit_price, vat_rate_bp, discount_bp, optional, chosen, recurring, COALESCE(tax_preset_id, ''), tax_note
		FROM quote_lines WHERE quote_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("db: lines of quote %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l QuoteLine
		if err := rows.Scan(&l.Description, &l.QuantityMilli, &l.UnitPrice, &l.VATRateBP, &l.DiscountBP, &l.Optional, &l.Chosen, &l.Recurring, &l.TaxPresetID, &l.TaxNote); err != nil {
			return nil, fmt.Errorf("db: lines of quote %s: %w", id, err)
		}
		q.Lines = append(q.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var a QuoteAcceptance
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT signer_name, signer_user_id, signer_email, ip, user_agent, accepted_at, document_sha256, total, signature_kind, COALESCE(signature_png, x'')
		FROM quote_acceptances WHERE quote_id = ?`, id).Scan(&a.SignerName, &a.SignerUserID, &a.SignerEmail, &a.IP, &a.UserAgent, &at, &a.DocumentSHA256, &a.Total,
		&a.SignatureKind, &a.SignaturePNG)
	switch {
	case err == nil:
		a.AcceptedAt = db.UnixTime(at)
		q.Acceptance = &a
	case err != sql.ErrNoRows:
		return nil, fmt.Errorf("db: acceptance of quote %s: %w", id, err)
	}
	return q, nil
}

// Quote loads a quote version v may see.
func (t *Store) Quote(ctx context.Context, v Viewer, id string) (*Quote, error) {
	return loadQuote(ctx, t.Reader(), v, id)
}

func writeQuoteLines(ctx context.Context, tx *sql.Tx, id string, lines []QuoteLine) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM quote_lines WHERE quote_id = ?`, id); err != nil {
		return fmt.Errorf("db: clear lines of quote %s: %w", id, err)
	}
	for i, l := range lines {
		chosen := l.Chosen || !l.Optional
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_lines (quote_id, position, description, quantity_milli, unit_price, vat_rate_bp, discount_bp, optional, chosen, recurring, tax_preset_id, tax_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i, strings.TrimSpace(l.Description), l.QuantityMilli, l.UnitPrice, l.VATRateBP, l.DiscountBP, l.Optional, chosen,
			l.Recurring, caseNullable(l.TaxPresetID), l.TaxNote); err != nil {
			return fmt.Errorf("db: write line of quote %s: %w", id, err)
		}
	}
	return nil
}

// normalise makes the stored form of a draft's input: no deposit kind is
// "none", a line that is not optional is always chosen.
func (in *QuoteInput) normalise() {
	if in.DepositKind == "" || in.DepositKind == DepositNone {
		in.DepositKind, in.DepositValue = DepositNone, 0
	}
	in.Terms = strings.TrimSpace(in.Terms)
	for i := range in.Lines {
		if !in.Lines[i].Optional {
			in.Lines[i].Chosen = true
		}
	}
}

func (t *Store) quoteEventTx(ctx context.Context, tx *sql.Tx, id, kind, actor, detail string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO quote_events (quote_id, at, kind, actor_name, detail) VALUES (?, ?, ?, ?, ?)`,
		id, t.Now(), kind, actor, detail); err != nil {
		return fmt.Errorf("db: quote %s history: %w", id, err)
	}
	return nil
}

// CreateQuote saves a draft quote for a client v may see, with its history
// and audit entry (a gets the quote as its target) in one transaction.
func (t *Store) CreateQuote(ctx context.Context, v Viewer, actor Actor, in QuoteInput, a Audit) (*Quote, error) {
	in.normalise()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkQuoteRefs(ctx, tx, v, &in, nil); err != nil {
			return err
		}
		if err := t.insertQuote(ctx, tx, id, "", 1, "", actor.ID, in); err != nil {
			return err
		}
		if err := t.quoteEventTx(ctx, tx, id, "created", actor.Name, ""); err != nil {
			return err
		}
		a.Target, a.Detail = id, in.Currency
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}

// checkQuoteRefs checks the client and case as an invoice's, and gives
// the lines their tax presets' rates and notes as invoice lines get them
// (kept: the archived presets a draft being edited keeps).
func checkQuoteRefs(ctx context.Context, tx *sql.Tx, v Viewer, in *QuoteInput, kept map[string]billing.Line) error {
	lines := make([]billing.Line, len(in.Lines))
	for i, l := range in.Lines {
		lines[i] = l.Line
	}
	if err := checkInvoiceRefs(ctx, tx, v, &InvoiceInput{ClientID: in.ClientID, CaseID: in.CaseID, Lines: lines}, kept); err != nil {
		return err
	}
	for i := range in.Lines {
		in.Lines[i].VATRateBP, in.Lines[i].TaxNote = lines[i].VATRateBP, lines[i].TaxNote
	}
	return nil
}

func (t *Store) insertQuote(ctx context.Context, tx *sql.Tx, id, number string, version int, previousID, actorID string, in QuoteInput) error {
	tot := QuoteTotals(in.Lines, in.DiscountBP)
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO quotes (id, number, version, previous_id, client_id, case_id, state, currency, valid_until, terms,
		deposit_kind, deposit_value, discount_bp, subtotal, vat_total, total, start_deposit, start_case_status, start_recurring, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, caseNullable(number), version, caseNullable(previousID), in.ClientID, caseNullable(in.CaseID), in.Currency, in.ValidUntil, in.Terms,
		in.DepositKind, in.DepositValue, in.DiscountBP, tot.Subtotal, tot.VAT, tot.Total, in.Starts.Deposit, in.Starts.CaseStatus, in.Starts.Recurring,
		caseNullable(actorID), now, now); err != nil {
		if db.IsUnique(err) {
			return apperr.New(apperr.Conflict, "%s v%d is already being drafted.", number, version)
		}
		return fmt.Errorf("db: insert quote: %w", err)
	}
	return writeQuoteLines(ctx, tx, id, in.Lines)
}

// UpdateQuoteDraft replaces a draft's fields and lines. A sent quote is
// never edited: ReviseQuote makes its next version.
func (t *Store) UpdateQuoteDraft(ctx context.Context, v Viewer, id string, in QuoteInput, a Audit) error {
	in.normalise()
	if err := in.Validate(); err != nil {
		return err
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if q.State != QuoteDraft {
			return apperr.New(apperr.Conflict, "%s is sent and is never changed: revise it to make a new version.", q.Label())
		}
		if q.Number != "" {
			in.ClientID = q.ClientID // a revision stays with its quote's client
		}
		kept, err := keptTaxPresets(ctx, tx, "quote_lines", "quote_id", id)
		if err != nil {
			return err
		}
		if err := checkQuoteRefs(ctx, tx, v, &in, kept); err != nil {
			return err
		}
		tot := QuoteTotals(in.Lines, in.DiscountBP)
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET client_id = ?, case_id = ?, currency = ?, valid_until = ?, terms = ?, deposit_kind = ?,
			deposit_value = ?, discount_bp = ?, subtotal = ?, vat_total = ?, total = ?, start_deposit = ?, start_case_status = ?, start_recurring = ?,
			updated_at = ? WHERE id = ?`,
			in.ClientID, caseNullable(in.CaseID), in.Currency, in.ValidUntil, in.Terms, in.DepositKind, in.DepositValue, in.DiscountBP,
			tot.Subtotal, tot.VAT, tot.Total, in.Starts.Deposit, in.Starts.CaseStatus, in.Starts.Recurring, t.Now(), id); err != nil {
			return fmt.Errorf("db: update quote %s: %w", id, err)
		}
		if err := writeQuoteLines(ctx, tx, id, in.Lines); err != nil {
			return err
		}
		a.Target, a.Detail = id, q.Label()
		return t.auditTx(ctx, tx, a)
	})
}

// SendQuote sends a draft: a first version gets its number from the
// gapless yearly quote sequence (inside this transaction: a failed send
// uses no number), seller and buyer are snapshotted, the version it
// revises is superseded, and the history and audit entries are written,
// all in one transaction. today is the agency's date.
func (t *Store) SendQuote(ctx context.Context, v Viewer, actor Actor, agencyName, id, today string, a Audit) (*Quote, error) {
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if q.State != QuoteDraft {
			return apperr.New(apperr.Conflict, "%s is already sent.", q.Label())
		}
		if err := q.QuoteInput.Validate(); err != nil {
			return apperr.New(apperr.Invalid, "The draft is incomplete: edit it first.")
		}
		if q.ValidUntil < today {
			return apperr.New(apperr.Invalid, "The quote would be valid until %s, which has passed: edit the date first.", q.ValidUntil)
		}
		number := q.Number
		if number == "" {
			day, _ := billing.ParseDate(today)
			n, err := nextSequence(ctx, tx, fmt.Sprintf("quote:%d", day.Year()))
			if err != nil {
				return err
			}
			number = billing.FormatNumber(QuotePattern, day.Year(), int(day.Month()), n)
		}
		settings, err := readBillingSettings(ctx, tx)
		if err != nil {
			return err
		}
		buyer, err := buyerOf(ctx, tx, q.ClientID)
		if err != nil {
			return err
		}
		sellerJSON, _ := json.Marshal(SellerOf(settings, agencyName))
		buyerJSON, _ := json.Marshal(buyer)
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET number = ?, state = 'sent', seller = ?, buyer = ?, issue_date = ?, sent_at = ?, updated_at = ? WHERE id = ?`,
			number, string(sellerJSON), string(buyerJSON), today, now, now, id); err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "The number %s is already used.", number)
			}
			return fmt.Errorf("db: send quote %s: %w", id, err)
		}
		if q.PreviousID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE quotes SET superseded_at = ?, updated_at = ? WHERE number = ? AND version < ? AND superseded_at IS NULL`,
				now, now, number, q.Version); err != nil {
				return fmt.Errorf("db: supersede versions of %s: %w", number, err)
			}
		}
		q.Number = number
		if err := t.quoteEventTx(ctx, tx, id, "sent", actor.Name, q.Label()); err != nil {
			return err
		}
		a.Target, a.Detail = id, q.Label()
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}

// ReviseQuote starts the next version of a sent quote as a draft with the
// same number and a copy of its lines; the version revised stays as it
// is, readable, until the revision is sent. Only the latest version is
// revised, and an accepted or withdrawn quote is not.
func (t *Store) ReviseQuote(ctx context.Context, v Viewer, actor Actor, id string, a Audit) (*Quote, error) {
	next := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		switch {
		case q.State == QuoteDraft:
			return apperr.New(apperr.Conflict, "A draft is edited, not revised.")
		case q.State == QuoteAccepted || q.State == QuoteWithdrawn:
			return apperr.New(apperr.Conflict, "%s is %s: it can't be revised.", q.Label(), q.State)
		case !q.SupersededAt.IsZero():
			return apperr.New(apperr.Conflict, "%s has a later version: revise that one.", q.Label())
		}
		in := q.QuoteInput
		if err := t.insertQuote(ctx, tx, next, q.Number, q.Version+1, q.ID, actor.ID, in); err != nil {
			return err
		}
		if err := t.quoteEventTx(ctx, tx, next, "revised", actor.Name, "from "+q.Label()); err != nil {
			return err
		}
		a.Target, a.Detail = next, fmt.Sprintf("%s v%d", q.Number, q.Version+1)
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, next)
}

// WithdrawQuote takes back a sent quote the client has not answered.
func (t *Store) WithdrawQuote(ctx context.Context, v Viewer, actor Actor, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if q.State != QuoteSent && q.State != QuoteViewed {
			return apperr.New(apperr.Conflict, "Only a sent quote the client has not answered is withdrawn.")
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ?`, now, now, id); err != nil {
			return fmt.Errorf("db: withdraw quote %s: %w", id, err)
		}
		if err := t.quoteEventTx(ctx, tx, id, "withdrawn", actor.Name, ""); err != nil {
			return err
		}
		a.Target, a.Detail = id, q.Label()
		return t.auditTx(ctx, tx, a)
	})
}

// MarkQuoteViewed records that a contact opened a sent quote (once).
func (t *Store) MarkQuoteViewed(ctx context.Context, v Viewer, actor Actor, id string) error {
	if v.ClientID == "" {
		return nil
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil || q.State != QuoteSent {
			return err
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = 'viewed', viewed_at = ?, updated_at = ? WHERE id = ? AND state = 'sent'`, now, now, id); err != nil {
			return fmt.Errorf("db: quote %s viewed: %w", id, err)
		}
		return t.quoteEventTx(ctx, tx, id, "viewed", actor.Name, "")
	})
}

// chooseTx sets which optional lines are in (chosen holds their
// positions; other lines are always in) and recomputes the totals.
func (t *Store) chooseTx(ctx context.Context, tx *sql.Tx, q *Quote, chosen []int) error {
	in := map[int]bool{}
	for _, p := range chosen {
		in[p] = true
	}
	for i := range q.Lines {
		q.Lines[i].Chosen = !q.Lines[i].Optional || in[i]
		if _, err := tx.ExecContext(ctx, `UPDATE quote_lines SET chosen = ? WHERE quote_id = ? AND position = ?`, q.Lines[i].Chosen, q.ID, i); err != nil {
			return fmt.Errorf("db: choose lines of quote %s: %w", q.ID, err)
		}
	}
	tot := QuoteTotals(q.Lines, q.DiscountBP)
	q.Subtotal, q.VATTotal, q.Total = tot.Subtotal, tot.VAT, tot.Total
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET subtotal = ?, vat_total = ?, total = ?, updated_at = ? WHERE id = ?`,
		tot.Subtotal, tot.VAT, tot.Total, t.Now(), q.ID); err != nil {
		return fmt.Errorf("db: quote %s totals: %w", q.ID, err)
	}
	return nil
}

// ChooseQuoteLines is the client's choice of optional lines on a quote
// they may still answer; the totals are computed here, never taken from
// the browser.
func (t *Store) ChooseQuoteLines(ctx context.Context, v Viewer, id, today string, chosen []int) (*Quote, error) {
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if err := q.answerable(today); err != nil {
			return err
		}
		return t.chooseTx(ctx, tx, q, chosen)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}

// Acceptance is what a client contact submits to accept a quote.
type Acceptance struct {
	SignerName string
	Agreed     bool  // ticked "I agree to the terms"
	Chosen     []int // the optional lines ticked
	Email      string
	IP         string
	UserAgent  string
	Today      string // the agency's date
	Code       string // the six-digit code emailed to the signer (CreateQuoteCode)
	AgencyName string // the seller of a deposit invoice acceptance issues (QuoteStarts)
	// SignatureKind is SignatureDrawn with SignaturePNG (app.ParseSignature
	// checked it), or SignatureTyped.
	SignatureKind string
	SignaturePNG  []byte
	// Seal renders the signed PDF of the version as accepted (q with its
	// Acceptance set, and its history up to the signature); it is stored
	// with its SHA-256 in the same transaction (signed_documents). nil
	// stores no PDF.
	Seal func(q *Quote, trail []QuoteEvent) ([]byte, error)
}

// checkSignature checks what a signer submits, for a quote's acceptance
// and an agreement's signature alike: the typed full name (returned
// tidied), the box agreeing to the terms (agreeMsg when not ticked) and
// the signature, drawn (png, returned as stored; app.ParseSignature
// checked the image) or typed (kind "" is typed; no image stored).
func checkSignature(signerName string, agreed bool, kind *string, png []byte, agreeMsg string) (string, []byte, map[string]string) {
	name := strings.Join(strings.Fields(signerName), " ")
	f := map[string]string{}
	switch {
	case name == "":
		f["signer_name"] = "Type your full name to sign."
	case utf8.RuneCountInString(name) > QuoteSignerMax:
		f["signer_name"] = fmt.Sprintf("At most %d characters.", QuoteSignerMax)
	case strings.ContainsRune(name, 0):
		f["signer_name"] = "Remove the control characters."
	}
	if !agreed {
		f["agree"] = agreeMsg
	}
	var sigPNG []byte // NULL for a typed signature
	switch *kind {
	case "":
		*kind = SignatureTyped
	case SignatureDrawn:
		if len(png) == 0 {
			f["signature"] = "Draw your signature, or choose the typed one."
		}
		sigPNG = png
	case SignatureTyped:
	default:
		f["signature"] = "Choose a drawn or a typed signature."
	}
	return name, sigPNG, f
}

// AcceptQuote records a contact's acceptance of a quote version: the
// optional lines chosen, the typed name, time, address and browser, and
// the SHA-256 of the document accepted (QuoteDocument of the version with
// the choice applied), then the state, history and audit entry, in one
// transaction. It spends the signer's emailed code for this version
// (CreateQuoteCode): a missing, wrong, used, expired or other quote's code
// is refused. An expired, withdrawn, superseded or answered quote is
// refused and nothing changes.
func (t *Store) AcceptQuote(ctx context.Context, v Viewer, actor Actor, id string, in Acceptance, a Audit) (*Quote, error) {
	name, sigPNG, f := checkSignature(in.SignerName, in.Agreed, &in.SignatureKind, in.SignaturePNG, "Tick the box to agree to the quote's terms.")
	if len(f) > 0 {
		return nil, apperr.FieldErrors(f)
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadAnswerable(ctx, tx, v, id, in.Today, "accept")
		if err != nil {
			return err
		}
		if err := quoteCodes.useTx(ctx, tx, t.Now(), q.ID, actor.ID, strings.TrimSpace(in.Code)); err != nil {
			return err
		}
		if err := t.quoteEventTx(ctx, tx, id, "code_confirmed", name, in.Email); err != nil {
			return err
		}
		if err := t.chooseTx(ctx, tx, q, in.Chosen); err != nil {
			return err
		}
		sum := sha256.Sum256(QuoteDocument(q))
		hash := hex.EncodeToString(sum[:])
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_acceptances (quote_id, signer_name, signer_user_id, signer_email, accepted_at, ip, user_agent, document_sha256, total,
			signature_kind, signature_png) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, name, actor.ID, in.Email, now, in.IP, db.Truncate(in.UserAgent, 300), hash, q.Total,
			in.SignatureKind, sigPNG); err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "%s is already accepted.", q.Label())
			}
			return fmt.Errorf("db: accept quote %s: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE quotes SET state = 'accepted', answered_at = ?, updated_at = ? WHERE id = ? AND state IN ('sent', 'viewed')`, now, now, id)
		if err != nil {
			return fmt.Errorf("db: accept quote %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "%s is already answered.", q.Label())
		}
		if err := t.quoteEventTx(ctx, tx, id, "accepted", name, billing.FormatMoney(q.Total, q.Currency)+" · sha256 "+hash); err != nil {
			return err
		}
		if err := t.startAcceptedTx(ctx, tx, actor, q, in, a); err != nil {
			return err
		}
		if in.Seal != nil {
			q.State, q.AnsweredAt = QuoteAccepted, db.UnixTime(now)
			q.Acceptance = &QuoteAcceptance{SignerName: name, SignerUserID: actor.ID, SignerEmail: in.Email, IP: in.IP,
				UserAgent: db.Truncate(in.UserAgent, 300), AcceptedAt: db.UnixTime(now), DocumentSHA256: hash, Total: q.Total,
				SignatureKind: in.SignatureKind, SignaturePNG: in.SignaturePNG}
			if err := t.sealQuoteTx(ctx, tx, q, in.Seal); err != nil {
				return err
			}
		}
		a.Target, a.Detail = id, q.Label()
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Quote(ctx, v, id)
}

// DeclineQuote records a contact's refusal of a quote, with their reason.
func (t *Store) DeclineQuote(ctx context.Context, v Viewer, actor Actor, id, reason, today string, a Audit) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return apperr.FieldErrors(map[string]string{"reason": "Tell the agency why you decline."})
	case utf8.RuneCountInString(reason) > QuoteReasonMax:
		return apperr.FieldErrors(map[string]string{"reason": fmt.Sprintf("At most %d characters.", QuoteReasonMax)})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadAnswerable(ctx, tx, v, id, today, "decline")
		if err != nil {
			return err
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = 'declined', decline_reason = ?, answered_at = ?, updated_at = ? WHERE id = ?`, reason, now, now, id); err != nil {
			return fmt.Errorf("db: decline quote %s: %w", id, err)
		}
		if err := t.quoteEventTx(ctx, tx, id, "declined", actor.Name, reason); err != nil {
			return err
		}
		a.Target, a.Detail = id, q.Label()
		return t.auditTx(ctx, tx, a)
	})
}

// QuoteDocument is the canonical text of a quote version as the client
// accepts it: number, version, parties, dates, terms, every line with its
// discount and whether it is chosen, the totals and the deposit. Its
// SHA-256 is stored with the acceptance, so a later change to any of
// these shows.
func QuoteDocument(q *Quote) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "quote %s version %d\nissued %s\nvalid until %s\ncurrency %s\n", q.Number, q.Version, q.IssueDate, q.ValidUntil, q.Currency)
	seller, _ := json.Marshal(q.Seller)
	buyer, _ := json.Marshal(q.Buyer)
	fmt.Fprintf(&b, "seller %s\nbuyer %s\n", seller, buyer)
	for i, l := range q.Lines {
		desc, _ := json.Marshal(l.Description)
		fmt.Fprintf(&b, "line %d %s qty_milli=%d unit=%d vat_bp=%d discount_bp=%d optional=%t chosen=%t", i, desc, l.QuantityMilli, l.UnitPrice,
			l.VATRateBP, l.DiscountBP, l.Optional, l.Chosen)
		if l.Recurring { // only when set, so documents accepted before it existed hash as they did
			b.WriteString(" recurring=true")
		}
		if l.TaxNote != "" { // the legal note printed with it; only when set, as above
			note, _ := json.Marshal(l.TaxNote)
			fmt.Fprintf(&b, " tax_note=%s", note)
		}
		b.WriteString("\n")
	}
	if q.DiscountBP > 0 { // only when set, so documents accepted before it existed hash as they did
		fmt.Fprintf(&b, "discount_bp %d\n", q.DiscountBP)
	}
	tot := QuoteTotals(q.Lines, q.DiscountBP)
	fmt.Fprintf(&b, "subtotal %d\nvat %d\ntotal %d\ndeposit %s %d = %d\n", tot.Subtotal, tot.VAT, tot.Total, q.DepositKind, q.DepositValue, q.Deposit())
	if q.Starts.Recurring != "" {
		fmt.Fprintf(&b, "recurring %s\n", q.Starts.Recurring)
	}
	terms, _ := json.Marshal(q.Terms)
	fmt.Fprintf(&b, "terms %s\n", terms)
	return []byte(b.String())
}

// QuoteRow is one line of a quote list.
type QuoteRow struct {
	ID, Number, ClientID, ClientName, State, Currency, ValidUntil string
	Version                                                       int
	Total                                                         int64
	Superseded                                                    bool
	CreatedAt                                                     int64
}

// Label is the row's number and version, or "Draft quote".
func (r QuoteRow) Label() string {
	q := Quote{Number: r.Number, Version: r.Version}
	return q.Label()
}

// DisplayState is the row's state on the day today (Quote.DisplayState).
func (r QuoteRow) DisplayState(today string) string {
	return quoteDisplayState(r.State, r.ValidUntil, today)
}

// QuoteFilter narrows a quote list.
type QuoteFilter struct {
	ClientID string
	Number   string // the versions of one quote
	Limit    int
}

// Quotes lists the quote versions v may see, newest first (a contact:
// their client's sent ones only).
func (t *Store) Quotes(ctx context.Context, v Viewer, f QuoteFilter) ([]QuoteRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	filter, args := quoteFilter(v)
	where := []string{filter}
	if f.ClientID != "" {
		where = append(where, "q.client_id = ?")
		args = append(args, f.ClientID)
	}
	if f.Number != "" {
		where = append(where, "q.number = ?")
		args = append(args, f.Number)
	}
	args = append(args, f.Limit)
	rows, err := t.Reader().QueryContext(ctx, `SELECT q.id, COALESCE(q.number, ''), q.version, q.client_id, cl.name, q.state, q.currency, q.valid_until,
		q.total, q.superseded_at IS NOT NULL, q.created_at FROM quotes q JOIN clients cl ON cl.id = q.client_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY q.created_at DESC, q.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: quotes: %w", err)
	}
	defer rows.Close()
	var out []QuoteRow
	for rows.Next() {
		var r QuoteRow
		if err := rows.Scan(&r.ID, &r.Number, &r.Version, &r.ClientID, &r.ClientName, &r.State, &r.Currency, &r.ValidUntil, &r.Total, &r.Superseded, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: quotes: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// QuoteEvent is one entry of a quote's history.
type QuoteEvent struct {
	At                      time.Time
	Kind, ActorName, Detail string
}

// QuoteEvents is the history of a quote version v may see, oldest first.
func (t *Store) QuoteEvents(ctx context.Context, v Viewer, id string) ([]QuoteEvent, error) {
	if _, err := t.Quote(ctx, v, id); err != nil {
		return nil, err
	}
	return quoteEventsTx(ctx, t.Reader(), id)
}

// DeleteQuoteDraft deletes a draft (a first draft or a revision not yet
// sent) with its lines and history; a sent version is never deleted.
func (t *Store) DeleteQuoteDraft(ctx context.Context, v Viewer, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if q.State != QuoteDraft {
			return apperr.New(apperr.Conflict, "%s is sent and is never deleted: withdraw it instead.", q.Label())
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM quotes WHERE id = ? AND state = 'draft'`, id); err != nil {
			return fmt.Errorf("db: delete quote draft %s: %w", id, err)
		}
		a.Target, a.Detail = "", q.Label()+", "+q.ClientName+", "+billing.FormatMoney(q.Total, q.Currency)
		return t.auditTx(ctx, tx, a)
	})
}
