package tenant

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mintedmind/apperr"
)

// APIList is a page request of the API's lists: oldest change first, so a
// client that syncs walks forward from its last updated_since and cursor.
type APIList struct {
	UpdatedSince time.Time // only objects changed at or after this
	After        string    // the cursor of the last object of the previous page
	Limit        int       // 1..MaxAPIPage; 0 is DefaultAPIPage

	// Filters, as on the UI's lists.
	Status      string // clients: active (default), archived, all; cases: one status
	Tag         string // clients
	Label       string // cases
	ClientID    string // cases
	AssigneeID  string // cases; "none" for unassigned
	Responsible string // clients: a user id, or "none"
}

// API page sizes.
const (
	DefaultAPIPage = 50
	MaxAPIPage     = 200
)

// apiCursor is the opaque position after an object: its update time and id.
func apiCursor(updated time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(updated.Unix(), 10) + "." + id))
}

var errAPICursor = apperr.FieldErrors(map[string]string{"cursor": "This cursor is not one this list gave out."})

// where is the list's paging condition on alias's updated_at and id.
func (l *APIList) where(alias string) (string, []any, error) {
	if l.Limit == 0 {
		l.Limit = DefaultAPIPage
	}
	if l.Limit < 1 || l.Limit > MaxAPIPage {
		return "", nil, apperr.FieldErrors(map[string]string{"limit": fmt.Sprintf("Ask for 1 to %d objects a page.", MaxAPIPage)})
	}
	conds, args := []string{"1 = 1"}, []any{}
	if !l.UpdatedSince.IsZero() {
		conds, args = append(conds, alias+".updated_at >= ?"), append(args, l.UpdatedSince.Unix())
	}
	if l.After != "" {
		b, err := base64.RawURLEncoding.DecodeString(l.After)
		at, id, ok := strings.Cut(string(b), ".")
		n, perr := strconv.ParseInt(at, 10, 64)
		if err != nil || !ok || perr != nil || id == "" || len(id) > 64 {
			return "", nil, errAPICursor
		}
		conds = append(conds, "("+alias+".updated_at > ? OR ("+alias+".updated_at = ? AND "+alias+".id > ?))")
		args = append(args, n, n, id)
	}
	return strings.Join(conds, " AND "), args, nil
}

// APIClients returns a page of the clients v may see, and the cursor of
// the next page ("" at the end).
func (t *Store) APIClients(ctx context.Context, v Viewer, l APIList) ([]*Client, string, error) {
	page, args, err := l.where("c")
	if err != nil {
		return nil, "", err
	}
	filter, fargs := v.clientFilter("c")
	conds, cargs := []string{page, filter}, append(args, fargs...)
	switch l.Status {
	case "", ClientStatusActive:
		conds = append(conds, "c.archived_at IS NULL")
	case ClientStatusArchived:
		conds = append(conds, "c.archived_at IS NOT NULL")
	case ClientStatusAll:
	default:
		return nil, "", apperr.FieldErrors(map[string]string{"status": "Ask for active, archived or all clients."})
	}
	if l.Tag != "" {
		conds, cargs = append(conds, "c.id IN (SELECT client_id FROM client_tags WHERE tag = ?)"), append(cargs, NormalizeTag(l.Tag))
	}
	switch l.Responsible {
	case "":
	case "none":
		conds = append(conds, "c.responsible_id IS NULL")
	default:
		conds, cargs = append(conds, "c.responsible_id = ?"), append(cargs, l.Responsible)
	}
	rows, err := t.Read().QueryContext(ctx, `SELECT `+clientColumns+clientFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY c.updated_at, c.id LIMIT ?`, append(cargs, l.Limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("db: api clients: %w", err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, "", fmt.Errorf("db: scan api client: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("db: api clients: %w", err)
	}
	next := ""
	if len(out) > l.Limit {
		out = out[:l.Limit]
		last := out[len(out)-1]
		next = apiCursor(last.UpdatedAt, last.ID)
	}
	return out, next, nil
}

// APICases returns a page of the cases v may see (archived ones left out,
// as on the case list), with their labels, and the next page's cursor.
func (t *Store) APICases(ctx context.Context, v Viewer, l APIList) ([]*Case, string, error) {
	page, args, err := l.where("c")
	if err != nil {
		return nil, "", err
	}
	filter, fargs := v.caseFilter("c")
	conds, cargs := []string{page, filter, "c.archived_at IS NULL"}, append(args, fargs...)
	if l.Status != "" {
		if !ValidCaseStatus(l.Status) {
			return nil, "", apperr.FieldErrors(map[string]string{"status": "Ask for one of the case statuses."})
		}
		conds, cargs = append(conds, "c.status = ?"), append(cargs, l.Status)
	}
	if l.ClientID != "" {
		conds, cargs = append(conds, "c.client_id = ?"), append(cargs, l.ClientID)
	}
	switch l.AssigneeID {
	case "":
	case "none":
		conds = append(conds, "c.assignee_id IS NULL")
	default:
		conds, cargs = append(conds, "c.assignee_id = ?"), append(cargs, l.AssigneeID)
	}
	if l.Label != "" {
		conds, cargs = append(conds, "c.id IN (SELECT case_id FROM case_labels WHERE label = ?)"), append(cargs, l.Label)
	}
	rows, err := t.Read().QueryContext(ctx, caseSelect+` WHERE `+strings.Join(conds, " AND ")+` ORDER BY c.updated_at, c.id LIMIT ?`, append(cargs, l.Limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("db: api cases: %w", err)
	}
	var out []*Case
	byID := map[string]*Case{}
	for rows.Next() {
		k, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("db: scan api case: %w", err)
		}
		out = append(out, k)
		byID[k.ID] = k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("db: api cases: %w", err)
	}
	next := ""
	if len(out) > l.Limit {
		out = out[:l.Limit]
		last := out[len(out)-1]
		next = apiCursor(last.UpdatedAt, last.ID)
	}
	if len(out) == 0 {
		return out, next, nil
	}
	ids := make([]any, len(out))
	for i, k := range out {
		ids[i] = k.ID
	}
	lrows, err := t.Read().QueryContext(ctx, `SELECT case_id, label FROM case_labels WHERE case_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY case_id, label`, ids...)
	if err != nil {
		return nil, "", fmt.Errorf("db: api case labels: %w", err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var id, label string
		if err := lrows.Scan(&id, &label); err != nil {
			return nil, "", fmt.Errorf("db: api case labels: %w", err)
		}
		byID[id].Labels = append(byID[id].Labels, label)
	}
	return out, next, lrows.Err()
}
