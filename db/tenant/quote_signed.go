package tenant

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/db"
)

// SignedDocument is the frozen signed record of an accepted quote or of a
// completed agreement (one of QuoteID, AgreementID): its PDF and the PDF's
// SHA-256, and the SHA-256 of the document body its last page prints.
type SignedDocument struct {
	ID, QuoteID, AgreementID, Label string
	SignedAt                        time.Time
	BodySHA256, SHA256              string
	Size                            int64
	PDF                             []byte // empty when loaded for the verify page
}

// sealQuoteTx renders the accepted version's signed PDF with seal (q has
// its Acceptance; trail is its history so far, the acceptance included)
// and stores it with its hash.
func (t *Store) sealQuoteTx(ctx context.Context, tx *sql.Tx, q *Quote, seal func(*Quote, []QuoteEvent) ([]byte, error)) error {
	trail, err := quoteEventsTx(ctx, tx, q.ID)
	if err != nil {
		return err
	}
	pdf, err := seal(q, trail)
	if err != nil {
		return fmt.Errorf("db: render the signed PDF of quote %s: %w", q.ID, err)
	}
	if len(pdf) == 0 {
		return fmt.Errorf("db: the signed PDF of quote %s is empty", q.ID)
	}
	return storeSignedTx(ctx, tx, SignedDocument{QuoteID: q.ID, Label: q.Label(), SignedAt: q.Acceptance.AcceptedAt, BodySHA256: q.Acceptance.DocumentSHA256, PDF: pdf})
}

// storeSignedTx stores a signed PDF (of d.QuoteID or d.AgreementID) with
// its own SHA-256, by which the verify page knows it: one rule for quotes
// and agreements.
func storeSignedTx(ctx context.Context, tx *sql.Tx, d SignedDocument) error {
	sum := sha256.Sum256(d.PDF)
	if _, err := tx.ExecContext(ctx, `INSERT INTO signed_documents (id, quote_id, agreement_id, label, signed_at, body_sha256, sha256, size, pdf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		uuid.NewString(), caseNullable(d.QuoteID), caseNullable(d.AgreementID), d.Label, d.SignedAt.Unix(), d.BodySHA256, hex.EncodeToString(sum[:]), len(d.PDF), d.PDF); err != nil {
		return fmt.Errorf("db: store the signed PDF %s: %w", d.Label, err)
	}
	return nil
}

func quoteEventsTx(ctx context.Context, tx caseQuerier, id string) ([]QuoteEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT at, kind, actor_name, detail FROM quote_events WHERE quote_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: quote %s history: %w", id, err)
	}
	defer rows.Close()
	var out []QuoteEvent
	for rows.Next() {
		var e QuoteEvent
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.ActorName, &e.Detail); err != nil {
			return nil, fmt.Errorf("db: quote %s history: %w", id, err)
		}
		e.At = db.UnixTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

const signedSelect = `SELECT id, COALESCE(quote_id, ''), COALESCE(agreement_id, ''), label, signed_at, body_sha256, sha256, size FROM signed_documents`

func scanSigned(row db.Scanner) (*SignedDocument, error) {
	var d SignedDocument
	var at int64
	if err := row.Scan(&d.ID, &d.QuoteID, &d.AgreementID, &d.Label, &at, &d.BodySHA256, &d.SHA256, &d.Size); err != nil {
		return nil, err
	}
	d.SignedAt = db.UnixTime(at)
	return &d, nil
}

// SignedQuote loads the signed PDF of a quote version v may see; not found
// when the quote is not accepted (or v may not see it).
func (t *Store) SignedQuote(ctx context.Context, v Viewer, quoteID string) (*SignedDocument, error) {
	if _, err := loadQuote(ctx, t.Reader(), v, quoteID); err != nil {
		return nil, err
	}
	var d *SignedDocument
	row := t.Reader().QueryRowContext(ctx, `SELECT id, quote_id, label, signed_at, body_sha256, sha256, size, pdf FROM signed_documents WHERE quote_id = ?`, quoteID)
	var at int64
	d = &SignedDocument{}
	if err := row.Scan(&d.ID, &d.QuoteID, &d.Label, &at, &d.BodySHA256, &d.SHA256, &d.Size, &d.PDF); err != nil {
		return nil, db.NotFound(err, "Signed document")
	}
	d.SignedAt = db.UnixTime(at)
	return d, nil
}

// SignedDocumentBySHA256 is the signed document of this agency whose PDF
// has the SHA-256 sum, without its PDF; not found for any other sum. It is
// what the public verify page asks, and it reveals no more than the
// document's label and when it was signed.
func (t *Store) SignedDocumentBySHA256(ctx context.Context, sum [sha256.Size]byte) (*SignedDocument, error) {
	d, err := scanSigned(t.Reader().QueryRowContext(ctx, signedSelect+` WHERE sha256 = ?`, hex.EncodeToString(sum[:])))
	if err != nil {
		return nil, db.NotFound(err, "Signed document")
	}
	return d, nil
}

// SignedDocuments lists, newest first and without their PDFs, the signed
// documents of the quotes and agreements v may see (quoteFilter,
// agreementFilter) of a client, or on a
// case when caseID is set: what the client's and the case's documents
// list beside the uploaded files.
func (t *Store) SignedDocuments(ctx context.Context, v Viewer, clientID, caseID string) ([]SignedDocument, error) {
	filter, args := quoteFilter(v)
	where := []string{filter}
	if clientID != "" {
		where, args = append(where, "q.client_id = ?"), append(args, clientID)
	}
	if caseID != "" {
		where, args = append(where, "q.case_id = ?"), append(args, caseID)
	}
	afilter, aargs := agreementFilter(v)
	awhere := []string{afilter}
	if clientID != "" {
		awhere, aargs = append(awhere, "g.client_id = ?"), append(aargs, clientID)
	}
	if caseID != "" {
		awhere, aargs = append(awhere, "g.case_id = ?"), append(aargs, caseID)
	}
	rows, err := t.Reader().QueryContext(ctx, `SELECT s.id, COALESCE(s.quote_id, ''), COALESCE(s.agreement_id, ''), s.label, s.signed_at, s.body_sha256, s.sha256, s.size
		FROM signed_documents s JOIN quotes q ON q.id = s.quote_id JOIN clients cl ON cl.id = q.client_id
		WHERE `+strings.Join(where, " AND ")+`
		UNION ALL
		SELECT s.id, '', s.agreement_id, s.label, s.signed_at, s.body_sha256, s.sha256, s.size
		FROM signed_documents s JOIN agreements g ON g.id = s.agreement_id JOIN clients cl ON cl.id = g.client_id
		WHERE `+strings.Join(awhere, " AND ")+` ORDER BY 5 DESC, 1 LIMIT 200`, append(args, aargs...)...)
	if err != nil {
		return nil, fmt.Errorf("db: signed documents: %w", err)
	}
	defer rows.Close()
	var out []SignedDocument
	for rows.Next() {
		d, err := scanSigned(rows)
		if err != nil {
			return nil, fmt.Errorf("db: signed documents: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}
