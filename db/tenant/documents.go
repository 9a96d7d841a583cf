package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// What a document event (kind EventDocument) records in its field; its
// new_value is the document's name.
const (
	DocumentUploaded = "uploaded"
	DocumentShared   = "shared"
	DocumentUnshared = "unshared"
	DocumentDeleted  = "deleted"
	DocumentRestored = "restored"
)

// TrashDays is how long a deleted document can be restored before the
// trash purge removes it for good.
const TrashDays = 30

// Document is a file attached to a case. Its bytes are in the agency's
// files directory under StorageKey; Name is for display only.
type Document struct {
	ID          string
	CaseID      string
	CaseNumber  int64
	CaseTitle   string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	StorageKey  string
	ThumbKey    string
	Width       int
	Height      int
	Pages       int
	// Active is what a PDF carries that a viewer may run or open on its
	// own, in files.ActiveContent's database form; "" for none.
	Active       string
	Shared       bool // the client sees it
	FromClient   bool // a client contact uploaded it
	UploaderID   string
	UploaderName string
	CreatedAt    time.Time
	DeletedAt    time.Time // zero unless in the trash
	DeletedBy    string
	NoteID       string // the message it was sent with; "" for none
	// QuoteID is the quote the document belongs to instead of a case (a
	// file sent with a reply by email on its thread; CaseID is then ""),
	// and QuoteMessageID the message of that thread it came with.
	QuoteID, QuoteMessageID string
}

// IsImage reports whether the document is a photo or picture.
func (d *Document) IsImage() bool { return strings.HasPrefix(d.ContentType, "image/") }

// DocumentUnscanned is the Active of a PDF stored before uploads were
// checked for active content: it is checked when first asked for inline.
const DocumentUnscanned = "unscanned"

// DocumentFile is a file already in place on disk, to be recorded.
type DocumentFile struct {
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	StorageKey  string
	ThumbKey    string
	Width       int
	Height      int
	Pages       int
	Active      string // files.ActiveContent's database form; "" for none
}

// DocumentAccess is on whose behalf documents are read or written: a staff
// member (through their Viewer, who sees the cases the agency's visibility
// setting lets them see, and every document on them), or a client contact
// of one client (who sees that client's cases and only the documents shared
// with them, and whose uploads are shared by nature). The client portal and
// the staff pages use the same methods with a different access.
type DocumentAccess struct {
	staff    *Viewer
	clientID string
}

// StaffDocumentAccess is a staff member's access.
func StaffDocumentAccess(v Viewer) DocumentAccess { return DocumentAccess{staff: &v} }

// ClientDocumentAccess is the access of a client contact of clientID.
func ClientDocumentAccess(clientID string) DocumentAccess { return DocumentAccess{clientID: clientID} }

// IsStaff reports whether the access is a staff member's.
func (a DocumentAccess) IsStaff() bool { return a.staff != nil }

// caseCond is a condition on a cases row aliased alias.
func (a DocumentAccess) caseCond(alias string) (string, []any) {
	if a.staff != nil {
		return a.staff.caseFilter(alias)
	}
	if a.clientID == "" {
		return "1 = 0", nil
	}
	return alias + ".client_id = ?", []any{a.clientID}
}

// docCond is a condition on a documents row aliased d.
func (a DocumentAccess) docCond() string {
	if a.staff != nil {
		return "1 = 1"
	}
	return "d.shared = 1"
}

// FilesDir is where the agency's documents are stored.
func (t *Store) FilesDir() string { return filepath.Join(t.Dir, "files") }

const documentSelect = `SELECT d.id, d.case_id, c.number, c.title, d.name, d.content_type, d.size, d.sha256, d.storage_key, d.thumb_key,
	d.width, d.height, d.pages, d.active, d.shared, d.from_client, d.uploader_id, d.uploader_name, d.created_at, d.deleted_at, d.deleted_by, d.note_id,
	COALESCE(d.quote_id, ''), d.quote_message_id
	FROM documents d JOIN cases c ON c.id = d.case_id`

func scanDocument(row db.Scanner) (*Document, error) {
	var d Document
	var created int64
	var deleted sql.NullInt64
	if err := row.Scan(&d.ID, &d.CaseID, &d.CaseNumber, &d.CaseTitle, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.StorageKey, &d.ThumbKey,
		&d.Width, &d.Height, &d.Pages, &d.Active, &d.Shared, &d.FromClient, &d.UploaderID, &d.UploaderName, &created, &deleted, &d.DeletedBy, &d.NoteID,
		&d.QuoteID, &d.QuoteMessageID); err != nil {
		return nil, err
	}
	d.CreatedAt, d.DeletedAt = db.UnixTime(created), db.NullUnix(deleted)
	return &d, nil
}

// checkDocumentCase makes sure, inside tx, that the case exists and a may
// see it; otherwise it is not found, like a case of another agency.
func checkDocumentCase(ctx context.Context, tx *sql.Tx, a DocumentAccess, caseID string) error {
	cond, args := a.caseCond("c")
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM cases c WHERE c.id = ? AND `+cond, append([]any{caseID}, args...)...).Scan(&one)
	return db.NotFound(err, "Case")
}

// CheckDocumentCase reports a not-found error unless the case exists and a
// may see it: an upload checks this before reading any file.
func (t *Store) CheckDocumentCase(ctx context.Context, a DocumentAccess, caseID string) error {
	cond, args := a.caseCond("c")
	var one int
	err := t.Reader().QueryRowContext(ctx, `SELECT 1 FROM cases c WHERE c.id = ? AND `+cond, append([]any{caseID}, args...)...).Scan(&one)
	return db.NotFound(err, "Case")
}

// StorageUsage is how much of its storage an agency uses, in bytes.
type StorageUsage struct {
	Used  int64 // every stored document, the trash included
	Trash int64 // of which in the trash
	Files int64 // number of documents, the trash included
}

func storageUsage(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (StorageUsage, error) {
	var u StorageUsage
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0), COALESCE(SUM(CASE WHEN deleted_at IS NOT NULL THEN size END), 0), COUNT(*) FROM documents`).Scan(&u.Used, &u.Trash, &u.Files)
	if err != nil {
		return u, fmt.Errorf("db: storage usage: %w", err)
	}
	return u, nil
}

// StorageUsage returns the agency's storage use.
func (t *Store) StorageUsage(ctx context.Context) (StorageUsage, error) {
	return storageUsage(ctx, t.Read())
}

// QuotaError says what an upload would need and what is left.
func QuotaError(need, used, quota int64, size func(int64) string) error {
	left := max(quota-used, 0)
	return apperr.New(apperr.TooLarge, "Not enough storage left: this upload needs %s, and %s of the agency's %s is left. Empty the trash or delete documents to make room; nothing was saved.",
		size(need), size(left), size(quota))
}

// checkStorageTx refuses files, inside the transaction that records
// them (under the write lock, so that concurrent uploads cannot overshoot
// it together), when the agency's storage, the trash included, would go
// past l.StorageBytes (0: no limit).
func checkStorageTx(ctx context.Context, tx *sql.Tx, l Limits, files []DocumentFile, size func(int64) string) error {
	l, err := l.current(ctx)
	if err != nil {
		return err
	}
	quota := l.StorageBytes
	u, err := storageUsage(ctx, tx)
	if err != nil {
		return err
	}
	var need int64
	for _, f := range files {
		need += f.Size
	}
	if quota > 0 && u.Used+need > quota {
		return QuotaError(need, u.Used, quota, size)
	}
	return nil
}

// AddDocuments is AddDocumentsWithin with quota bytes (0: no limit) as
// the only limit: for the command line, jobs and tests.
func (t *Store) AddDocuments(ctx context.Context, a DocumentAccess, actor Actor, caseID string, shared bool, quota int64, files []DocumentFile, size func(int64) string) ([]*Document, error) {
	return t.AddDocumentsWithin(ctx, a, actor, caseID, shared, Limits{StorageBytes: quota}, files, size)
}

// AddDocumentsWithin records files already in place on disk as documents
// of a case, in one transaction: the case must be visible to a; the
// agency's storage (the trash included) must stay within l.StorageBytes
// (0: no limit), checked here under the write lock so that concurrent
// uploads cannot overshoot it together. Each document is one "uploaded"
// event on the case's timeline, which the client sees when the document is
// shared. A client contact's uploads are always shared with the client.
// size formats sizes for the quota message.
func (t *Store) AddDocumentsWithin(ctx context.Context, a DocumentAccess, actor Actor, caseID string, shared bool, l Limits, files []DocumentFile, size func(int64) string) ([]*Document, error) {
	if len(files) == 0 {
		return nil, apperr.New(apperr.Invalid, "Choose at least one file to upload.")
	}
	var ids []string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = t.addDocumentsTx(ctx, tx, a, actor, caseID, shared, l, files, size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t.documentsByID(ctx, a, caseID, ids)
}

// addDocumentsTx is AddDocumentsWithin's work inside the caller's
// transaction; it returns the new documents' ids.
func (t *Store) addDocumentsTx(ctx context.Context, tx *sql.Tx, a DocumentAccess, actor Actor, caseID string, shared bool, l Limits, files []DocumentFile, size func(int64) string) ([]string, error) {
	fromClient := !a.IsStaff()
	shared = shared || fromClient
	if err := checkDocumentCase(ctx, tx, a, caseID); err != nil {
		return nil, err
	}
	if err := checkStorageTx(ctx, tx, l, files, size); err != nil {
		return nil, err
	}
	now := t.Now()
	var ids []string
	for _, f := range files {
		id := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, thumb_key, width, height, pages, active, shared, from_client, uploader_id, uploader_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, caseID, f.Name, f.ContentType, f.Size, f.SHA256, f.StorageKey, f.ThumbKey, f.Width, f.Height, f.Pages, f.Active,
			caseBoolInt(shared), caseBoolInt(fromClient), actor.ID, actor.Name, now); err != nil {
			return nil, fmt.Errorf("db: insert document on case %s: %w", caseID, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocument,
			Field: DocumentUploaded, NewValue: f.Name, VisibleToClient: shared}); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, touchCase(ctx, tx, caseID, now)
}

// documentsByID loads the documents ids of the case, in that order.
func (t *Store) documentsByID(ctx context.Context, a DocumentAccess, caseID string, ids []string) ([]*Document, error) {
	out := make([]*Document, 0, len(ids))
	for _, id := range ids {
		d, err := t.Document(ctx, a, caseID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Document loads a document (not in the trash) of a case that a may see.
func (t *Store) Document(ctx context.Context, a DocumentAccess, caseID, id string) (*Document, error) {
	cond, args := a.caseCond("c")
	d, err := scanDocument(t.Reader().QueryRowContext(ctx, documentSelect+` WHERE d.id = ? AND d.case_id = ? AND d.deleted_at IS NULL AND `+a.docCond()+` AND `+cond,
		append([]any{id, caseID}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Document")
	}
	return d, nil
}

// MaxListedDocuments bounds a list of documents.
const MaxListedDocuments = 500

// CaseDocuments lists the documents of a case that a may see, newest first.
func (t *Store) CaseDocuments(ctx context.Context, a DocumentAccess, caseID string) ([]*Document, error) {
	cond, args := a.caseCond("c")
	return db.QueryList(ctx, t.Reader(), "case documents", scanDocument,
		documentSelect+` WHERE d.case_id = ? AND d.deleted_at IS NULL AND `+a.docCond()+` AND `+cond+` ORDER BY d.created_at DESC, d.id LIMIT ?`,
		append(append([]any{caseID}, args...), MaxListedDocuments)...)
}

// ClientDocuments lists the documents on all of a client's cases that a
// may see, newest first.
func (t *Store) ClientDocuments(ctx context.Context, a DocumentAccess, clientID string) ([]*Document, error) {
	cond, args := a.caseCond("c")
	return db.QueryList(ctx, t.Reader(), "client documents", scanDocument,
		documentSelect+` WHERE c.client_id = ? AND d.deleted_at IS NULL AND `+a.docCond()+` AND `+cond+` ORDER BY d.created_at DESC, d.id LIMIT ?`,
		append(append([]any{clientID}, args...), MaxListedDocuments)...)
}

// TrashedDocuments lists the trash, most recently deleted first, for the
// cases v may see.
func (t *Store) TrashedDocuments(ctx context.Context, v Viewer) ([]*Document, error) {
	cond, args := v.caseFilter("c")
	return db.QueryList(ctx, t.Read(), "trashed documents", scanDocument,
		documentSelect+` WHERE d.deleted_at IS NOT NULL AND `+cond+` ORDER BY d.deleted_at DESC, d.id LIMIT ?`,
		append(args, MaxListedDocuments)...)
}

// changeDocument loads a document for a change inside tx; trashed says
// whether it must be in the trash (restore) or out of it.
func changeDocument(ctx context.Context, tx *sql.Tx, a DocumentAccess, caseID, id string, trashed bool) (*Document, error) {
	if !a.IsStaff() {
		return nil, apperr.New(apperr.NotFound, "Document not found.")
	}
	cond, args := a.caseCond("c")
	state := "d.deleted_at IS NULL"
	if trashed {
		state = "d.deleted_at IS NOT NULL"
	}
	d, err := scanDocument(tx.QueryRowContext(ctx, documentSelect+` WHERE d.id = ? AND d.case_id = ? AND `+state+` AND `+cond, append([]any{id, caseID}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Document")
	}
	return d, nil
}

// SetDocumentShared shares a document with the client or makes it internal
// again (staff only), with an event on the timeline and an audit entry. It
// reports whether anything changed.
func (t *Store) SetDocumentShared(ctx context.Context, a DocumentAccess, actor Actor, caseID, id string, shared bool, audit Audit) (bool, error) {
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		d, err := changeDocument(ctx, tx, a, caseID, id, false)
		if err != nil || d.Shared == shared {
			return err
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET shared = ? WHERE id = ?`, caseBoolInt(shared), id); err != nil {
			return fmt.Errorf("db: share document %s: %w", id, err)
		}
		field := DocumentUnshared
		if shared {
			field = DocumentShared
		}
		return t.recordDocumentChange(ctx, tx, actor, d, field, shared, audit)
	})
	return changed, err
}

// TrashDocument moves a document to the trash (staff only). The file stays
// until the purge, TrashDays later; owners can restore it until then.
func (t *Store) TrashDocument(ctx context.Context, a DocumentAccess, actor Actor, caseID, id string, audit Audit) (*Document, error) {
	var d *Document
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = changeDocument(ctx, tx, a, caseID, id, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET deleted_at = ?, deleted_by = ? WHERE id = ?`, t.Now(), actor.Name, id); err != nil {
			return fmt.Errorf("db: trash document %s: %w", id, err)
		}
		return t.recordDocumentChange(ctx, tx, actor, d, DocumentDeleted, d.Shared, audit)
	})
	return d, err
}

// RestoreDocument takes a document out of the trash. Who may restore is
// the caller's decision (owners).
func (t *Store) RestoreDocument(ctx context.Context, a DocumentAccess, actor Actor, caseID, id string, audit Audit) (*Document, error) {
	var d *Document
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = changeDocument(ctx, tx, a, caseID, id, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET deleted_at = NULL, deleted_by = '' WHERE id = ?`, id); err != nil {
			return fmt.Errorf("db: restore document %s: %w", id, err)
		}
		return t.recordDocumentChange(ctx, tx, actor, d, DocumentRestored, d.Shared, audit)
	})
	return d, err
}

func (t *Store) recordDocumentChange(ctx context.Context, tx *sql.Tx, actor Actor, d *Document, field string, visible bool, audit Audit) error {
	now := t.Now()
	if err := touchCase(ctx, tx, d.CaseID, now); err != nil {
		return err
	}
	if err := t.insertEvent(ctx, tx, Event{CaseID: d.CaseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocument,
		Field: field, NewValue: d.Name, VisibleToClient: visible}); err != nil {
		return err
	}
	audit.Target = d.ID
	audit.Detail = CaseNumber(d.CaseNumber) + ": " + d.Name
	return t.auditTx(ctx, tx, audit)
}

// PurgedDocument is a document the purge deleted, whose files are now to go.
type PurgedDocument struct {
	ID, StorageKey, ThumbKey string
}

// PurgeTrash deletes the rows of documents in the trash since before
// (TrashDays ago), in one transaction, and returns their file keys. The
// caller removes the files after: a crash in between leaves files without
// rows, which the clean-up sweeps, never rows without files.
func (t *Store) PurgeTrash(ctx context.Context, before time.Time) ([]PurgedDocument, error) {
	var out []PurgedDocument
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM documents WHERE deleted_at IS NOT NULL AND deleted_at < ? RETURNING id, storage_key, thumb_key`, before.Unix())
		if err != nil {
			return fmt.Errorf("db: purge trash: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p PurgedDocument
			if err := rows.Scan(&p.ID, &p.StorageKey, &p.ThumbKey); err != nil {
				return fmt.Errorf("db: purge trash: %w", err)
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DocumentKeys returns the names of every stored file the database knows
// (documents and thumbnails, the trash included), for the clean-up.
func (t *Store) DocumentKeys(ctx context.Context) (map[string]bool, error) {
	rows, err := t.Read().QueryContext(ctx, `SELECT storage_key, thumb_key FROM documents`)
	if err != nil {
		return nil, fmt.Errorf("db: document keys: %w", err)
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var k, th string
		if err := rows.Scan(&k, &th); err != nil {
			return nil, fmt.Errorf("db: document keys: %w", err)
		}
		keys[k] = true
		if th != "" {
			keys[th] = true
		}
	}
	return keys, rows.Err()
}

// SetDocumentActive records what an unscanned PDF (DocumentUnscanned) was
// found to carry; a document checked already is left as it is.
func (t *Store) SetDocumentActive(ctx context.Context, id, active string) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET active = ? WHERE id = ? AND active = ?`, active, id, DocumentUnscanned); err != nil {
			return fmt.Errorf("db: record active content of document %s: %w", id, err)
		}
		return nil
	})
}
