package tenant

// Agreements without a quote (issue 18 point 4): a contract or brief staff
// write for a client from a template, signed in order by the client's
// contacts named as its signers, with the same code, signature, audit
// trail and signed PDF as an accepted quote (signingCodes, storeSignedTx).

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
	"mintedmind/db"
)

// Agreement states: a draft staff may still change, sent to its signers,
// completed when the last has signed.
const (
	AgreementDraft     = "draft"
	AgreementSent      = "sent"
	AgreementCompleted = "completed"
)

// Limits of agreements and their templates.
const (
	AgreementTitleMax   = 200
	AgreementBodyMax    = 40000
	AgreementSignersMax = 10
)

// AgreementTemplateInput is a template as an owner or admin writes it.
type AgreementTemplateInput struct {
	Title, Body string
}

// AgreementTemplate is a stored template.
type AgreementTemplate struct {
	AgreementTemplateInput
	ID        string
	CreatedAt time.Time
}

func checkTitleBody(title, body string) map[string]string {
	f := map[string]string{}
	switch {
	case strings.TrimSpace(title) == "":
		f["title"] = "Give it a title."
	case utf8.RuneCountInString(title) > AgreementTitleMax:
		f["title"] = fmt.Sprintf("At most %d characters.", AgreementTitleMax)
	}
	switch {
	case strings.TrimSpace(body) == "":
		f["body"] = "Write its text."
	case utf8.RuneCountInString(body) > AgreementBodyMax:
		f["body"] = fmt.Sprintf("At most %d characters.", AgreementBodyMax)
	}
	return f
}

// CreateAgreementTemplate stores a template (app.CheckAgreementTemplate
// checked its fields) with its audit entry.
func (t *Store) CreateAgreementTemplate(ctx context.Context, actor Actor, in AgreementTemplateInput, a Audit) (*AgreementTemplate, error) {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if f := checkTitleBody(in.Title, in.Body); len(f) > 0 {
		return nil, apperr.FieldErrors(f)
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_templates (id, title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, in.Title, in.Body, caseNullable(actor.ID), now, now); err != nil {
			return fmt.Errorf("db: create agreement template: %w", err)
		}
		a.Target, a.Detail = id, in.Title
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.AgreementTemplate(ctx, id)
}

// AgreementTemplate loads a template of this agency.
func (t *Store) AgreementTemplate(ctx context.Context, id string) (*AgreementTemplate, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Template not found.")
	}
	var tp AgreementTemplate
	var created int64
	if err := t.Reader().QueryRowContext(ctx, `SELECT id, title, body, created_at FROM agreement_templates WHERE id = ?`, id).
		Scan(&tp.ID, &tp.Title, &tp.Body, &created); err != nil {
		return nil, db.NotFound(err, "Template")
	}
	tp.CreatedAt = db.UnixTime(created)
	return &tp, nil
}

// AgreementTemplates lists the templates by title.
func (t *Store) AgreementTemplates(ctx context.Context) ([]AgreementTemplate, error) {
	rows, err := t.Reader().QueryContext(ctx, `SELECT id, title, body, created_at FROM agreement_templates ORDER BY title, id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("db: agreement templates: %w", err)
	}
	defer rows.Close()
	var out []AgreementTemplate
	for rows.Next() {
		var tp AgreementTemplate
		var created int64
		if err := rows.Scan(&tp.ID, &tp.Title, &tp.Body, &created); err != nil {
			return nil, fmt.Errorf("db: agreement templates: %w", err)
		}
		tp.CreatedAt = db.UnixTime(created)
		out = append(out, tp)
	}
	return out, rows.Err()
}

// AgreementInput is an agreement as staff wrote it: Body is the
// template's text with its fields filled (app.FillAgreement), Fields the
// values typed, SignerIDs the client's contacts who sign, in order.
type AgreementInput struct {
	TemplateID, ClientID, CaseID string
	Title, Body                  string
	Fields                       map[string]string
	SignerIDs                    []string
}

// AgreementSigner is one signer of an agreement and, once they signed,
// their signature.
type AgreementSigner struct {
	Position      int
	UserID        string
	Name, Email   string
	SignedAt      time.Time // zero until signed
	SignerName    string    // as typed when signing
	IP, UserAgent string
	SignatureKind string
	SignaturePNG  []byte
}

// Signed reports whether the signer has signed.
func (s AgreementSigner) Signed() bool { return !s.SignedAt.IsZero() }

// Agreement is a stored agreement with its signers in their order.
type Agreement struct {
	ID, TemplateID, ClientID, ClientName, CaseID, CaseNumber string
	Title, Body, State, DocumentSHA256                       string
	Fields                                                   map[string]string
	SentAt, CompletedAt, CreatedAt                           time.Time
	Signers                                                  []AgreementSigner
}

// Current is the signer whose turn it is (nil when none: a draft, or
// every signer has signed).
func (g *Agreement) Current() *AgreementSigner {
	if g.State != AgreementSent {
		return nil
	}
	for i := range g.Signers {
		if !g.Signers[i].Signed() {
			return &g.Signers[i]
		}
	}
	return nil
}

// agreementFilter is the condition on g (and its client cl) of the
// agreements v may see: staff as they see clients; a contact only their
// own client's agreements, and never a draft.
func agreementFilter(v Viewer) (string, []any) {
	if v.ClientID != "" {
		return "g.client_id = ? AND g.state <> 'draft'", []any{v.ClientID}
	}
	return v.clientFilter("cl")
}

const agreementSelect = `SELECT g.id, COALESCE(g.template_id, ''), g.client_id, cl.name, COALESCE(g.case_id, ''), COALESCE(k.number, ''), g.title, g.body,
	g.state, g.document_sha256, g.fields, g.sent_at, g.completed_at, g.created_at
	FROM agreements g JOIN clients cl ON cl.id = g.client_id LEFT JOIN cases k ON k.id = g.case_id`

func scanAgreement(row db.Scanner) (*Agreement, error) {
	var g Agreement
	var fields string
	var sent, completed sql.NullInt64
	var created int64
	if err := row.Scan(&g.ID, &g.TemplateID, &g.ClientID, &g.ClientName, &g.CaseID, &g.CaseNumber, &g.Title, &g.Body, &g.State, &g.DocumentSHA256,
		&fields, &sent, &completed, &created); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(fields), &g.Fields)
	g.SentAt, g.CompletedAt, g.CreatedAt = db.NullUnix(sent), db.NullUnix(completed), db.UnixTime(created)
	return &g, nil
}

// loadAgreement reads an agreement v may see, with its signers.
func loadAgreement(ctx context.Context, tx caseQuerier, v Viewer, id string) (*Agreement, error) {
	if uuid.Validate(id) != nil {
		return nil, apperr.New(apperr.NotFound, "Agreement not found.")
	}
	filter, args := agreementFilter(v)
	g, err := scanAgreement(tx.QueryRowContext(ctx, agreementSelect+` WHERE g.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Agreement")
	}
	rows, err := tx.QueryContext(ctx, `SELECT position, user_id, name, email, signed_at, signer_name, ip, user_agent, signature_kind, COALESCE(signature_png, x'')
		FROM agreement_signers WHERE agreement_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("db: signers of agreement %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s AgreementSigner
		var signed sql.NullInt64
		if err := rows.Scan(&s.Position, &s.UserID, &s.Name, &s.Email, &signed, &s.SignerName, &s.IP, &s.UserAgent, &s.SignatureKind, &s.SignaturePNG); err != nil {
			return nil, fmt.Errorf("db: signers of agreement %s: %w", id, err)
		}
		s.SignedAt = db.NullUnix(signed)
		g.Signers = append(g.Signers, s)
	}
	return g, rows.Err()
}

// Agreement loads an agreement v may see.
func (t *Store) Agreement(ctx context.Context, v Viewer, id string) (*Agreement, error) {
	return loadAgreement(ctx, t.Reader(), v, id)
}

// Agreements lists, newest first and without signers, the agreements v
// may see, of one client when clientID is set.
func (t *Store) Agreements(ctx context.Context, v Viewer, clientID string) ([]Agreement, error) {
	filter, args := agreementFilter(v)
	if clientID != "" {
		filter, args = filter+" AND g.client_id = ?", append(args, clientID)
	}
	rows, err := t.Reader().QueryContext(ctx, agreementSelect+` WHERE `+filter+` ORDER BY g.created_at DESC, g.id LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: agreements: %w", err)
	}
	defer rows.Close()
	var out []Agreement
	for rows.Next() {
		g, err := scanAgreement(rows)
		if err != nil {
			return nil, fmt.Errorf("db: agreements: %w", err)
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// CreateAgreement saves a draft agreement for a client v may see (and a
// case of that client, or none), signed by SignerIDs in their order: each
// an active contact of that client, none twice. Refused input changes
// nothing.
func (t *Store) CreateAgreement(ctx context.Context, v Viewer, actor Actor, in AgreementInput, a Audit) (*Agreement, error) {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	f := checkTitleBody(in.Title, in.Body)
	switch {
	case len(in.SignerIDs) == 0:
		f["signers"] = "Choose at least one of the client's contacts to sign."
	case len(in.SignerIDs) > AgreementSignersMax:
		f["signers"] = fmt.Sprintf("At most %d signers.", AgreementSignersMax)
	}
	if len(f) > 0 {
		return nil, apperr.FieldErrors(f)
	}
	fields, err := json.Marshal(in.Fields)
	if err != nil {
		return nil, fmt.Errorf("db: agreement fields: %w", err)
	}
	id := uuid.NewString()
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkInvoiceRefs(ctx, tx, v, &InvoiceInput{ClientID: in.ClientID, CaseID: in.CaseID}, nil); err != nil {
			return err
		}
		if in.TemplateID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreement_templates WHERE id = ?`, in.TemplateID).Scan(&n); err != nil || n != 1 {
				return apperr.New(apperr.NotFound, "Template not found.")
			}
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, template_id, client_id, case_id, title, body, fields, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, caseNullable(in.TemplateID), in.ClientID, caseNullable(in.CaseID), in.Title, in.Body, string(fields),
			caseNullable(actor.ID), now, now); err != nil {
			return fmt.Errorf("db: create agreement: %w", err)
		}
		seen := map[string]bool{}
		for i, uid := range in.SignerIDs {
			var name, email string
			err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ? AND role = 'client' AND client_id = ? AND status = 'active'`, uid, in.ClientID).Scan(&name, &email)
			if err != nil || seen[uid] {
				return apperr.FieldErrors(map[string]string{"signers": "Each signer must be a different active contact of this client."})
			}
			seen[uid] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_signers (agreement_id, position, user_id, name, email) VALUES (?, ?, ?, ?, ?)`,
				id, i+1, uid, name, email); err != nil {
				return fmt.Errorf("db: signer of agreement %s: %w", id, err)
			}
		}
		if err := t.agreementEventTx(ctx, tx, id, "created", actor.Name, ""); err != nil {
			return err
		}
		a.Target, a.Detail = id, in.Title
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Agreement(ctx, v, id)
}

func (t *Store) agreementEventTx(ctx context.Context, tx *sql.Tx, id, kind, actor, detail string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_events (agreement_id, at, kind, actor_name, detail) VALUES (?, ?, ?, ?, ?)`,
		id, t.Now(), kind, actor, detail); err != nil {
		return fmt.Errorf("db: agreement %s history: %w", id, err)
	}
	return nil
}

// AgreementEvents is an agreement's history (v may see it), oldest first.
func (t *Store) AgreementEvents(ctx context.Context, v Viewer, id string) ([]QuoteEvent, error) {
	if _, err := loadAgreement(ctx, t.Reader(), v, id); err != nil {
		return nil, err
	}
	return agreementEventsTx(ctx, t.Reader(), id)
}

func agreementEventsTx(ctx context.Context, tx caseQuerier, id string) ([]QuoteEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT at, kind, actor_name, detail FROM agreement_events WHERE agreement_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: agreement %s history: %w", id, err)
	}
	defer rows.Close()
	var out []QuoteEvent
	for rows.Next() {
		var e QuoteEvent
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.ActorName, &e.Detail); err != nil {
			return nil, fmt.Errorf("db: agreement %s history: %w", id, err)
		}
		e.At = db.UnixTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AgreementDocument is the canonical text of an agreement whose SHA-256
// its signers sign and its signed PDF prints: title, parties, signers in
// order and the text as filled.
func AgreementDocument(g *Agreement, agencyName string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "agreement %s\ntitle %s\nfrom %s\nto %s\n", g.ID, g.Title, agencyName, g.ClientName)
	for _, s := range g.Signers {
		fmt.Fprintf(&b, "signer %d %s <%s>\n", s.Position, s.Name, s.Email)
	}
	b.WriteString("\n" + g.Body + "\n")
	return []byte(b.String())
}

// SendAgreement sends a draft to its signers: it records the SHA-256 of
// the document they will sign (AgreementDocument), the state and history;
// the caller emails the first signer. Anything but a draft is refused.
func (t *Store) SendAgreement(ctx context.Context, v Viewer, actor Actor, id, agencyName string, a Audit) (*Agreement, error) {
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		g, err := loadAgreement(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if v.ClientID != "" {
			return apperr.New(apperr.Forbidden, "Only the agency sends an agreement.")
		}
		sum := sha256.Sum256(AgreementDocument(g, agencyName))
		now := t.Now()
		res, err := tx.ExecContext(ctx, `UPDATE agreements SET state = 'sent', document_sha256 = ?, sent_at = ?, updated_at = ? WHERE id = ? AND state = 'draft'`,
			hex.EncodeToString(sum[:]), now, now, id)
		if err != nil {
			return fmt.Errorf("db: send agreement %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "%s is already sent.", g.Title)
		}
		if err := t.agreementEventTx(ctx, tx, id, "sent", actor.Name, ""); err != nil {
			return err
		}
		a.Target, a.Detail = id, g.Title
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Agreement(ctx, v, id)
}

// loadSignable loads an agreement v (a contact) may see whose current
// signer is the contact userID; anyone else, or not yet their turn, is
// refused.
func loadSignable(ctx context.Context, tx caseQuerier, v Viewer, id, userID string) (*Agreement, *AgreementSigner, error) {
	g, err := loadAgreement(ctx, tx, v, id)
	if err != nil {
		return nil, nil, err
	}
	if v.ClientID == "" {
		return nil, nil, apperr.New(apperr.Forbidden, "Only the client's contacts sign an agreement.")
	}
	if g.State == AgreementCompleted {
		return nil, nil, apperr.New(apperr.Conflict, "%s is already signed by everyone.", g.Title)
	}
	cur := g.Current()
	if cur == nil || cur.UserID != userID {
		for _, s := range g.Signers {
			if s.UserID == userID && s.Signed() {
				return nil, nil, apperr.New(apperr.Conflict, "You have already signed %s.", g.Title)
			}
			if s.UserID == userID {
				return nil, nil, apperr.New(apperr.Conflict, "It is not your turn to sign %s yet: %s signs first.", g.Title, cur.Name)
			}
		}
		return nil, nil, apperr.New(apperr.Forbidden, "You are not one of the signers of %s.", g.Title)
	}
	return g, cur, nil
}

// CreateAgreementCode stores a signing code for the contact actor, whose
// turn it is to sign agreement id, to be emailed to email (the rules of
// signingCodes), and records "code sent".
func (t *Store) CreateAgreementCode(ctx context.Context, v Viewer, actor Actor, id, email, code string) (*Agreement, error) {
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := loadSignable(ctx, tx, v, id, actor.ID); err != nil {
			return err
		}
		if err := agreementCodes.createTx(ctx, tx, t.Now(), id, actor.ID, email, code); err != nil {
			return err
		}
		return t.agreementEventTx(ctx, tx, id, "code_sent", actor.Name, email)
	})
	if err != nil {
		return nil, err
	}
	return t.Agreement(ctx, v, id)
}

// Signing is what a contact submits to sign an agreement.
type Signing struct {
	SignerName           string
	Agreed               bool
	SignatureKind        string // SignatureDrawn with SignaturePNG (app.ParseSignature checked it), or SignatureTyped
	SignaturePNG         []byte
	Email, IP, UserAgent string
	Code                 string
	// Seal renders the signed PDF of the agreement once its last signer
	// signed (g with every signature, trail its history); it is stored
	// with its SHA-256 in the same transaction. nil stores no PDF.
	Seal func(g *Agreement, trail []QuoteEvent) ([]byte, error)
}

// SignAgreement records the signature of the contact actor, whose turn it
// is, on agreement id: their emailed code is spent, the signature stored
// with time, address and browser, and the history written; the last
// signature completes the agreement and stores its signed PDF, all in one
// transaction. It reports the agreement as it is after. Not their turn,
// not a signer, already signed, a wrong code: refused, nothing changes.
func (t *Store) SignAgreement(ctx context.Context, v Viewer, actor Actor, id string, in Signing, a Audit) (*Agreement, error) {
	name, sigPNG, f := checkSignature(in.SignerName, in.Agreed, &in.SignatureKind, in.SignaturePNG, "Tick the box to agree to the agreement's terms.")
	if len(f) > 0 {
		return nil, apperr.FieldErrors(f)
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		g, cur, err := loadSignable(ctx, tx, v, id, actor.ID)
		if err != nil {
			return err
		}
		now := t.Now()
		if err := agreementCodes.useTx(ctx, tx, now, id, actor.ID, strings.TrimSpace(in.Code)); err != nil {
			return err
		}
		if err := t.agreementEventTx(ctx, tx, id, "code_confirmed", name, in.Email); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE agreement_signers SET signed_at = ?, signer_name = ?, ip = ?, user_agent = ?, signature_kind = ?, signature_png = ?
			WHERE agreement_id = ? AND position = ? AND signed_at IS NULL`, now, name, in.IP, db.Truncate(in.UserAgent, 300), in.SignatureKind, sigPNG, id, cur.Position)
		if err != nil {
			return fmt.Errorf("db: sign agreement %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "You have already signed %s.", g.Title)
		}
		if err := t.agreementEventTx(ctx, tx, id, "signed", name, fmt.Sprintf("signer %d of %d · sha256 %s", cur.Position, len(g.Signers), g.DocumentSHA256)); err != nil {
			return err
		}
		cur.SignedAt, cur.SignerName, cur.IP, cur.UserAgent = db.UnixTime(now), name, in.IP, db.Truncate(in.UserAgent, 300)
		cur.SignatureKind, cur.SignaturePNG = in.SignatureKind, sigPNG
		a.Target, a.Detail = id, g.Title
		if g.Current() == nil {
			if err := t.completeAgreementTx(ctx, tx, g, now, in.Seal); err != nil {
				return err
			}
		}
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return t.Agreement(ctx, v, id)
}

// completeAgreementTx marks g, every signer signed, completed once (a
// second completion is a conflict) and stores its signed PDF.
func (t *Store) completeAgreementTx(ctx context.Context, tx *sql.Tx, g *Agreement, now int64, seal func(*Agreement, []QuoteEvent) ([]byte, error)) error {
	res, err := tx.ExecContext(ctx, `UPDATE agreements SET state = 'completed', completed_at = ?, updated_at = ? WHERE id = ? AND state = 'sent'
		AND NOT EXISTS (SELECT 1 FROM agreement_signers WHERE agreement_id = ? AND signed_at IS NULL)`, now, now, g.ID, g.ID)
	if err != nil {
		return fmt.Errorf("db: complete agreement %s: %w", g.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "%s is already signed by everyone.", g.Title)
	}
	if err := t.agreementEventTx(ctx, tx, g.ID, "completed", "", ""); err != nil {
		return err
	}
	if seal == nil {
		return nil
	}
	g.State, g.CompletedAt = AgreementCompleted, db.UnixTime(now)
	trail, err := agreementEventsTx(ctx, tx, g.ID)
	if err != nil {
		return err
	}
	pdf, err := seal(g, trail)
	if err != nil {
		return fmt.Errorf("db: render the signed PDF of agreement %s: %w", g.ID, err)
	}
	if len(pdf) == 0 {
		return fmt.Errorf("db: the signed PDF of agreement %s is empty", g.ID)
	}
	return storeSignedTx(ctx, tx, SignedDocument{AgreementID: g.ID, Label: g.Title, SignedAt: g.CompletedAt, BodySHA256: g.DocumentSHA256, PDF: pdf})
}

// SignedAgreement loads the signed PDF of an agreement v may see; not
// found until it is completed.
func (t *Store) SignedAgreement(ctx context.Context, v Viewer, id string) (*SignedDocument, error) {
	if _, err := loadAgreement(ctx, t.Reader(), v, id); err != nil {
		return nil, err
	}
	d := &SignedDocument{}
	var at int64
	if err := t.Reader().QueryRowContext(ctx, `SELECT id, agreement_id, label, signed_at, body_sha256, sha256, size, pdf FROM signed_documents WHERE agreement_id = ?`, id).
		Scan(&d.ID, &d.AgreementID, &d.Label, &at, &d.BodySHA256, &d.SHA256, &d.Size, &d.PDF); err != nil {
		return nil, db.NotFound(err, "Signed document")
	}
	d.SignedAt = db.UnixTime(at)
	return d, nil
}

// AgreementAuthor is the active staff member who wrote the agreement
// (for the email of the signed PDF).
func (t *Store) AgreementAuthor(ctx context.Context, id string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "agreement author", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role <> 'client' AND id = (SELECT created_by FROM agreements WHERE id = ?)`, id)
}
