package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Kinds of a request type's extra fields.
const (
	RequestFieldText     = "text"
	RequestFieldLongText = "long_text"
	RequestFieldChoice   = "choice"
	RequestFieldDate     = "date"
	RequestFieldFile     = "file"
)

// RequestFieldKinds names the kinds of extra field, in the order offered.
var RequestFieldKinds = []struct{ Key, Label string }{
	{RequestFieldText, "Text"}, {RequestFieldLongText, "Long text"}, {RequestFieldChoice, "Choice"},
	{RequestFieldDate, "Date"}, {RequestFieldFile, "File"},
}

// Limits of requests and request types.
const (
	RequestTypeNameMax   = 100
	RequestFieldLabelMax = 100
	RequestTextMax       = 500   // a text answer
	RequestLongTextMax   = 10000 // a long-text answer
	RequestTypeFieldsMax = 10
)

// RequestField is an extra field of a request type.
type RequestField struct {
	ID       string
	Label    string
	Kind     string
	Required bool
	Choices  []string
}

// RequestType is a kind of request the agency offers its clients.
type RequestType struct {
	ID                  string
	Name                string
	DefaultAssigneeID   string
	DefaultAssigneeName string
	Fields              []RequestField
	Archived            bool
}

// RequestTypeInput is a request type as typed in Settings; a field row
// without a label is left out.
type RequestTypeInput struct {
	Name              string
	DefaultAssigneeID string
	Fields            []RequestFieldInput
}

// RequestFieldInput is one row of the request type form's fields.
type RequestFieldInput struct {
	Label    string
	Kind     string
	Required bool
	Choices  string // one a line
}

func validKind(k string) bool {
	for _, x := range RequestFieldKinds {
		if x.Key == k {
			return true
		}
	}
	return false
}

// Validate checks and cleans the input; messages are keyed "name",
// "default_assignee_id" and "field_<row>_label" / "field_<row>_choices".
func (in *RequestTypeInput) Validate() error {
	errs := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs["name"] = "Name the request type, like \"Website change\"."
	case n > RequestTypeNameMax:
		errs["name"] = fmt.Sprintf("Use at most %d characters for the name.", RequestTypeNameMax)
	}
	var kept []RequestFieldInput
	for i, f := range in.Fields {
		f.Label = strings.TrimSpace(f.Label)
		if f.Label == "" {
			continue
		}
		key := fmt.Sprintf("field_%d_", i)
		if utf8.RuneCountInString(f.Label) > RequestFieldLabelMax {
			errs[key+"label"] = fmt.Sprintf("Use at most %d characters for a field's label.", RequestFieldLabelMax)
		}
		if !validKind(f.Kind) {
			errs[key+"label"] = "Choose what kind of field this is."
		}
		if f.Kind == RequestFieldChoice && len(splitChoices(f.Choices)) == 0 {
			errs[key+"choices"] = "List the options of the choice, one a line."
		}
		kept = append(kept, f)
	}
	if len(kept) > RequestTypeFieldsMax {
		errs["name"] = fmt.Sprintf("A request type has at most %d extra fields.", RequestTypeFieldsMax)
	}
	if len(errs) > 0 {
		return apperr.FieldErrors(errs)
	}
	in.Fields = kept
	return nil
}

func splitChoices(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" && !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	return out
}

// RequestTypes returns the agency's request types in order, archived ones
// only when archived is true, each with its fields.
func (t *Store) RequestTypes(ctx context.Context, archived bool) ([]*RequestType, error) {
	cond := "rt.archived_at IS NULL"
	if archived {
		cond = "1 = 1"
	}
	types, err := db.QueryList(ctx, t.Reader(), "request types", scanRequestType, requestTypeSelect+` WHERE `+cond+` ORDER BY rt.position, rt.name`)
	if err != nil || len(types) == 0 {
		return types, err
	}
	byID := map[string]*RequestType{}
	for _, rt := range types {
		byID[rt.ID] = rt
	}
	fields, err := db.QueryList(ctx, t.Reader(), "request fields", func(row db.Scanner) (RequestField, error) {
		var f RequestField
		var typeID, choices string
		err := row.Scan(&f.ID, &typeID, &f.Label, &f.Kind, &f.Required, &choices)
		f.Choices = splitChoices(choices)
		if rt := byID[typeID]; rt != nil && err == nil {
			rt.Fields = append(rt.Fields, f)
		}
		return f, err
	}, `SELECT id, type_id, label, kind, required, choices FROM request_type_fields ORDER BY type_id, position`)
	_ = fields
	return types, err
}

const requestTypeSelect = `SELECT rt.id, rt.name, COALESCE(rt.default_assignee_id, ''), COALESCE(u.name, ''), rt.archived_at IS NOT NULL
	FROM request_types rt LEFT JOIN users u ON u.id = rt.default_assignee_id`

func scanRequestType(row db.Scanner) (*RequestType, error) {
	var rt RequestType
	return &rt, row.Scan(&rt.ID, &rt.Name, &rt.DefaultAssigneeID, &rt.DefaultAssigneeName, &rt.Archived)
}

// RequestType loads one request type, archived or not, with its fields.
func (t *Store) RequestType(ctx context.Context, id string) (*RequestType, error) {
	types, err := t.RequestTypes(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, rt := range types {
		if rt.ID == id {
			return rt, nil
		}
	}
	return nil, db.NotFound(sql.ErrNoRows, "Request type")
}

// SaveRequestType creates a request type (id "") or replaces the name,
// default assignee and fields of one. Requests already sent keep their
// answers under the labels they had.
func (t *Store) SaveRequestType(ctx context.Context, id string, in RequestTypeInput, a Audit) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if in.DefaultAssigneeID != "" {
			if _, err := caseAssigneeName(ctx, tx, in.DefaultAssigneeID); err != nil {
				return apperr.FieldErrors(map[string]string{"default_assignee_id": "Choose an active member of your team, or nobody."})
			}
		}
		now := t.Now()
		if id == "" {
			id = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO request_types (id, name, default_assignee_id, position, created_at)
				VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM request_types), ?)`, id, in.Name, caseNullable(in.DefaultAssigneeID), now); err != nil {
				return fmt.Errorf("db: insert request type: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE request_types SET name = ?, default_assignee_id = ? WHERE id = ?`, in.Name, caseNullable(in.DefaultAssigneeID), id)
			if err != nil {
				return fmt.Errorf("db: update request type %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.NotFound(sql.ErrNoRows, "Request type")
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM request_type_fields WHERE type_id = ?`, id); err != nil {
				return fmt.Errorf("db: clear fields of request type %s: %w", id, err)
			}
		}
		for i, f := range in.Fields {
			choices := ""
			if f.Kind == RequestFieldChoice {
				choices = strings.Join(splitChoices(f.Choices), "\n")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO request_type_fields (id, type_id, position, label, kind, required, choices) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				uuid.NewString(), id, i, f.Label, f.Kind, caseBoolInt(f.Required), choices); err != nil {
				return fmt.Errorf("db: insert request field: %w", err)
			}
		}
		a.Target, a.Detail = id, in.Name
		return t.auditTx(ctx, tx, a)
	})
	return id, err
}

// ArchiveRequestType takes a request type out of the portal's choice;
// requests already sent keep it.
func (t *Store) ArchiveRequestType(ctx context.Context, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `UPDATE request_types SET archived_at = ? WHERE id = ? AND archived_at IS NULL RETURNING name`, t.Now(), id).Scan(&name); err != nil {
			return db.NotFound(err, "Request type")
		}
		a.Target, a.Detail = id, name
		return t.auditTx(ctx, tx, a)
	})
}

// MoveRequestType puts an active request type at index to (0 first, held
// within the list) of the portal's choice, and audits it (a gets the type
// as its target and its new place as detail). An archived or unknown type
// is not found; a move to where it is changes and audits nothing.
func (t *Store) MoveRequestType(ctx context.Context, id string, to int, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		type row struct{ id, name string }
		list, err := db.QueryList(ctx, tx, "request type order", func(s db.Scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.name)
		}, `SELECT id, name FROM request_types WHERE archived_at IS NULL ORDER BY position, name`)
		if err != nil {
			return err
		}
		from := -1
		for i, r := range list {
			if r.id == id {
				from = i
			}
		}
		if from < 0 {
			return apperr.New(apperr.NotFound, "Request type not found.")
		}
		to = max(0, min(to, len(list)-1))
		if to == from {
			return nil
		}
		moved := list[from]
		list = append(list[:from], list[from+1:]...)
		list = append(list[:to], append([]row{moved}, list[to:]...)...)
		for i, r := range list {
			if _, err := tx.ExecContext(ctx, `UPDATE request_types SET position = ? WHERE id = ? AND position <> ?`, i+1, r.id, i+1); err != nil {
				return fmt.Errorf("db: reorder request types: %w", err)
			}
		}
		a.Target, a.Detail = id, fmt.Sprintf("%s → position %d", moved.name, to+1)
		return t.auditTx(ctx, tx, a)
	})
}

// RequestInput is a new request as a client contact typed it.
type RequestInput struct {
	TypeID  string
	Subject string
	Message string
	Values  map[string]string // answers by field id
	Files   map[string]bool   // the file fields that carry a file
}

// RequestAnswer is a request's answer to one extra field, under the
// field's label as it was.
type RequestAnswer struct {
	FieldID    string
	Label      string
	Kind       string
	Value      string
	DocumentID string // a file field's document
}

// PrepareRequest checks a new request against its type (TypeID "" for
// none, or one not archived) and returns the type and the answers to
// store. Messages are keyed "subject", "body", "type" and "f_<field id>".
func (t *Store) PrepareRequest(ctx context.Context, in RequestInput) (*RequestType, []RequestAnswer, error) {
	errs := map[string]string{}
	var msg string
	if _, msg = validateCaseTitle(in.Subject); msg != "" {
		errs["subject"] = msg
	}
	if _, msg = ValidateNoteBody(in.Message); msg != "" {
		errs["body"] = msg
	}
	var rt *RequestType
	if in.TypeID != "" {
		var err error
		if rt, err = t.RequestType(ctx, in.TypeID); err != nil || rt.Archived {
			errs["type"] = "Choose one of the kinds of request offered."
			rt = nil
		}
	}
	var answers []RequestAnswer
	if rt != nil {
		for _, f := range rt.Fields {
			key, v := "f_"+f.ID, strings.TrimSpace(in.Values[f.ID])
			a := RequestAnswer{FieldID: f.ID, Label: f.Label, Kind: f.Kind}
			switch f.Kind {
			case RequestFieldFile:
				if f.Required && !in.Files[f.ID] {
					errs[key] = "Attach the file asked for."
				}
			case RequestFieldDate:
				if a.Value, msg = ParseDueDate(v); msg != "" {
					errs[key] = msg
				}
			case RequestFieldChoice:
				ok := v == ""
				for _, c := range f.Choices {
					ok = ok || c == v
				}
				if !ok {
					errs[key] = "Choose one of the options."
				}
				a.Value = v
			default:
				max := RequestTextMax
				if f.Kind == RequestFieldLongText {
					max = RequestLongTextMax
				}
				if a.Value, msg = validateCaseText(v, "answer", max, false); msg != "" {
					errs[key] = msg
				}
			}
			if f.Required && f.Kind != RequestFieldFile && a.Value == "" && errs[key] == "" {
				errs[key] = "This field is required."
			}
			answers = append(answers, a)
		}
	}
	if len(errs) > 0 {
		return nil, nil, apperr.FieldErrors(errs)
	}
	return rt, answers, nil
}

// OpenedRequest is what OpenRequest made: the case and its first message.
type OpenedRequest struct {
	CaseID    string
	Number    int64
	MessageID string
	Assignee  string // the default assignee it went to; "" for nobody
}

// OpenRequest opens a request prepared by PrepareRequest for the contact's
// client (v.ClientID): a case of origin "client", assigned to the type's
// default assignee when they are an active team member, with the answers
// and the message as the first of its conversation. A request with files
// is opened by OpenRequestWithDocuments instead.
func (t *Store) OpenRequest(ctx context.Context, v Viewer, actor Actor, in RequestInput, rt *RequestType, answers []RequestAnswer) (*OpenedRequest, error) {
	if v.ClientID == "" {
		return nil, db.NotFound(sql.ErrNoRows, "Client")
	}
	out := &OpenedRequest{CaseID: uuid.NewString(), MessageID: uuid.NewString()}
	if err := t.Tx(ctx, func(tx *sql.Tx) error { return t.openRequestTx(ctx, tx, v, actor, in, rt, answers, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// RequestDraft is a request whose files are being stored (app.Uploads):
// the case, its first message, its answers and every file are written in
// one transaction, and Opened is the request written.
type RequestDraft struct {
	Viewer  Viewer
	Input   RequestInput
	Type    *RequestType
	Answers []RequestAnswer
	// Fields names the form field of each file, in order: "file" for an
	// attachment of the message, "f_<field id>" for a file field's answer.
	Fields []string
	Opened *OpenedRequest
}

// OpenRequestWithDocuments opens the request d (as OpenRequest) and
// records files already in place on disk as its documents (as
// AddDocumentsWithin, with its storage check): attachments on its first
// message, a file field's first file on its answer. All in one
// transaction: a file refused leaves no case, no message, no document.
func (t *Store) OpenRequestWithDocuments(ctx context.Context, a DocumentAccess, actor Actor, d *RequestDraft, l Limits, files []DocumentFile, size func(int64) string) ([]*Document, error) {
	v := d.Viewer
	if v.ClientID == "" {
		return nil, db.NotFound(sql.ErrNoRows, "Client")
	}
	if len(d.Fields) != len(files) {
		return nil, fmt.Errorf("db: request files: %d fields for %d files", len(d.Fields), len(files))
	}
	out := &OpenedRequest{CaseID: uuid.NewString(), MessageID: uuid.NewString()}
	var ids []string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if err := t.openRequestTx(ctx, tx, v, actor, d.Input, d.Type, d.Answers, out); err != nil {
			return err
		}
		var err error
		if ids, err = t.addDocumentsTx(ctx, tx, a, actor, out.CaseID, true, l, files, size); err != nil {
			return err
		}
		var attachments []string
		taken := map[int]bool{}
		for i, id := range ids {
			if d.Fields[i] == "file" {
				attachments = append(attachments, id)
				continue
			}
			for pos, ans := range d.Answers {
				if "f_"+ans.FieldID == d.Fields[i] && !taken[pos] {
					taken[pos] = true
					if _, err := tx.ExecContext(ctx, `UPDATE case_request_values SET document_id = ?, value = (SELECT name FROM documents WHERE id = ?) WHERE case_id = ? AND position = ?`,
						id, id, out.CaseID, pos); err != nil {
						return fmt.Errorf("db: request file: %w", err)
					}
				}
			}
		}
		return attachDocuments(ctx, tx, out.CaseID, out.MessageID, attachments)
	})
	if err != nil {
		return nil, err
	}
	d.Opened = out
	return t.documentsByID(ctx, a, out.CaseID, ids)
}

// openRequestTx writes the request (case, history entry, answers, first
// message) inside tx, with out's ids.
func (t *Store) openRequestTx(ctx context.Context, tx *sql.Tx, v Viewer, actor Actor, in RequestInput, rt *RequestType, answers []RequestAnswer, out *OpenedRequest) error {
	subject, _ := validateCaseTitle(in.Subject)
	if _, err := clientForCase(ctx, tx, v, v.ClientID); err != nil {
		return apperr.New(apperr.Forbidden, "Your account is no longer linked to an active client of the agency.")
	}
	typeID, typeName := "", ""
	if rt != nil {
		typeID, typeName = rt.ID, rt.Name
		if rt.DefaultAssigneeID != "" {
			if _, err := caseAssigneeName(ctx, tx, rt.DefaultAssigneeID); err == nil {
				out.Assignee = rt.DefaultAssigneeID
			}
		}
	}
	n, err := nextSequence(ctx, tx, "case")
	if err != nil {
		return err
	}
	out.Number = n
	now := t.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, number, client_id, title, description, status, priority, assignee_id, created_by, created_at, updated_at, origin, request_type_id, client_activity_at)
		VALUES (?, ?, ?, ?, '', 'new', 'normal', ?, ?, ?, ?, 'client', ?, ?)`,
		out.CaseID, n, v.ClientID, subject, caseNullable(out.Assignee), caseNullable(actor.ID), now, now, typeID, now); err != nil {
		return fmt.Errorf("db: insert request: %w", err)
	}
	if err := t.insertEvent(ctx, tx, Event{CaseID: out.CaseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventRequestOpened, Field: typeName, NewValue: subject, VisibleToClient: true}); err != nil {
		return err
	}
	for i, a := range answers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_request_values (case_id, position, label, kind, value) VALUES (?, ?, ?, ?, ?)`,
			out.CaseID, i, a.Label, a.Kind, a.Value); err != nil {
			return fmt.Errorf("db: request answer: %w", err)
		}
	}
	body, _ := ValidateNoteBody(in.Message)
	return t.insertMessage(ctx, tx, &Note{ID: out.MessageID, CaseID: out.CaseID, AuthorID: actor.ID, AuthorName: actor.Name, Body: body, FromClient: true}, now)
}

// RequestsSince counts the requests userID opened after since.
func (t *Store) RequestsSince(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := t.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE origin = 'client' AND created_by = ? AND created_at > ?`, userID, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count requests: %w", err)
	}
	return n, nil
}

// RequestDetails is what a request case adds to a case: its type and answers.
type RequestDetails struct {
	TypeName string
	Answers  []RequestAnswer
}

// CaseRequestDetails returns the request details of a case v may see, or
// nil for a case staff opened.
func (t *Store) CaseRequestDetails(ctx context.Context, v Viewer, caseID string) (*RequestDetails, error) {
	filter, args := v.caseFilter("c")
	var origin, typeName string
	err := t.Reader().QueryRowContext(ctx, `SELECT c.origin, COALESCE((SELECT name FROM request_types WHERE id = c.request_type_id), '')
		FROM cases c WHERE c.id = ? AND `+filter, append([]any{caseID}, args...)...).Scan(&origin, &typeName)
	if err != nil {
		return nil, db.NotFound(err, "Case")
	}
	if origin != "client" {
		return nil, nil
	}
	answers, err := db.QueryList(ctx, t.Reader(), "request answers", func(row db.Scanner) (RequestAnswer, error) {
		var a RequestAnswer
		return a, row.Scan(&a.Label, &a.Kind, &a.Value, &a.DocumentID)
	}, `SELECT label, kind, value, document_id FROM case_request_values WHERE case_id = ? ORDER BY position`, caseID)
	if err != nil {
		return nil, err
	}
	return &RequestDetails{TypeName: typeName, Answers: answers}, nil
}

// PortalRequests lists the requests of the contact's client, newest first.
func (t *Store) PortalRequests(ctx context.Context, v Viewer) ([]PortalCase, error) {
	return db.QueryList(ctx, t.Reader(), "portal requests", func(r db.Scanner) (PortalCase, error) {
		var k PortalCase
		var updated int64
		err := r.Scan(&k.ID, &k.Number, &k.Title, &k.Status, &updated)
		k.UpdatedAt = db.UnixTime(updated)
		return k, err
	}, `SELECT id, number, title, status, updated_at FROM cases WHERE client_id = ? AND origin = 'client' ORDER BY created_at DESC LIMIT 200`, v.ClientID)
}

// InboxRequest is an open request nobody has been assigned to.
type InboxRequest struct {
	CaseID, Title, ClientName, OpenedBy string
	Number                              int64
	At                                  time.Time
}

const requestInboxWhere = `k.origin = 'client' AND k.assignee_id IS NULL AND k.status NOT IN ('resolved', 'closed')`

// requestInboxCases reads cases through the index of client requests
// (cases_requests, partial on origin = 'client'). Left to itself the planner
// takes the assignee index for "assignee_id IS NULL", which on an agency
// with many unassigned staff cases reads every one of them on every staff
// page (the inbox count is in the navigation): 188,000 unassigned cases made
// each page cost 120 ms of CPU (BENCHMARKS.md, "The inbox count").
const requestInboxCases = `cases k INDEXED BY cases_requests`

// UnassignedRequests lists the open requests on cases v may see that
// nobody is assigned to, oldest first (they have waited longest).
func (t *Store) UnassignedRequests(ctx context.Context, v Viewer, limit int) ([]InboxRequest, error) {
	filter, args := v.caseFilter("k")
	return db.QueryList(ctx, t.Reader(), "unassigned requests", func(row db.Scanner) (InboxRequest, error) {
		var r InboxRequest
		var at int64
		err := row.Scan(&r.CaseID, &r.Number, &r.Title, &r.ClientName, &r.OpenedBy, &at)
		r.At = db.UnixTime(at)
		return r, err
	}, `SELECT k.id, k.number, k.title, c.name, COALESCE(u.name, ''), k.created_at
		FROM `+requestInboxCases+` JOIN clients c ON c.id = k.client_id LEFT JOIN users u ON u.id = k.created_by
		WHERE `+requestInboxWhere+` AND `+filter+` ORDER BY k.created_at LIMIT ?`, append(args, limit)...)
}

// InboxCounts is how many things wait in a staff member's inbox.
type InboxCounts struct {
	Requests int // open requests nobody is assigned to
	Messages int // client messages they have not seen
}

// Total is the number shown beside the inbox in the navigation.
func (c InboxCounts) Total() int { return c.Requests + c.Messages }

// Inbox counts what waits in v's inbox.
func (t *Store) Inbox(ctx context.Context, v Viewer) (InboxCounts, error) {
	var c InboxCounts
	filter, args := v.caseFilter("k")
	err := t.Reader().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM `+requestInboxCases+` WHERE `+requestInboxWhere+` AND `+filter+`),
		(SELECT COUNT(*) FROM notes n JOIN cases k ON k.id = n.case_id WHERE `+messageInboxWhere+` AND `+filter+`)`,
		append(append(append([]any{}, args...), v.UserID), args...)...).Scan(&c.Requests, &c.Messages)
	if err != nil {
		return c, fmt.Errorf("db: inbox counts: %w", err)
	}
	return c, nil
}
