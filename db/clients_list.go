package db

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"mintedmind/apperr"
)

// Client list sorts.
const (
	ClientSortName    = "name"
	ClientSortNewest  = "newest"
	ClientSortUpdated = "updated"
)

// Client list status filters.
const (
	ClientStatusActive   = "active"
	ClientStatusArchived = "archived"
	ClientStatusAll      = "all"
)

// ClientFilter narrows and orders the client list. Paging is by keyset:
// After is the cursor of the last row already shown; Through asks for every
// row from the start up to and including that cursor (a list that was
// extended with "load more" and then reloaded).
type ClientFilter struct {
	Query         string // prefix of the name, an email or the company code
	Tag           string
	ResponsibleID string // "" anyone, "none" nobody, or a user id
	Status        string // ClientStatus*; "" is active
	Sort          string // ClientSort*; "" is name
	After         string
	Through       string
	Limit         int
}

// ClientRow is one row of the client list, its display strings made here so
// the template does no per-row work.
type ClientRow struct {
	ID          string
	Name        string
	Kind        string
	Email       string
	Phone       string
	City        string
	Tags        string
	Responsible string
	Updated     string
	Archived    bool
	Cursor      string
}

// ClientPage is a page of the client list.
type ClientPage struct {
	Rows []ClientRow
	More bool // rows follow the last one
}

// clientOrder is how one sort orders rows and compares them with a cursor.
// The comparisons take the cursor's key twice and then its id: a range on
// the key alone lets SQLite seek in the index, where a row value compared
// under NOCASE would make it scan from the start.
type clientOrder struct {
	orderBy   string
	pageOrder string // the same order over the picked page p (k, id)
	key       string // the sort expression a cursor holds
	after     string // rows after the cursor
	through   string // rows up to and including the cursor
}

var clientOrders = map[string]clientOrder{
	ClientSortName: {orderBy: "c.name COLLATE NOCASE, c.id", pageOrder: "p.k COLLATE NOCASE, p.id", key: "c.name",
		after:   "c.name COLLATE NOCASE >= ? AND (c.name COLLATE NOCASE > ? OR c.id > ?)",
		through: "(c.name COLLATE NOCASE <= ? AND (c.name COLLATE NOCASE < ? OR c.id <= ?))"},
	ClientSortNewest: {orderBy: "c.created_at DESC, c.id DESC", pageOrder: "p.k DESC, p.id DESC", key: "c.created_at",
		after:   "c.created_at <= ? AND (c.created_at < ? OR c.id < ?)",
		through: "(c.created_at >= ? AND (c.created_at > ? OR c.id >= ?))"},
	ClientSortUpdated: {orderBy: "c.updated_at DESC, c.id DESC", pageOrder: "p.k DESC, p.id DESC", key: "c.updated_at",
		after:   "c.updated_at <= ? AND (c.updated_at < ? OR c.id < ?)",
		through: "(c.updated_at >= ? AND (c.updated_at > ? OR c.id >= ?))"},
}

// ErrClientCursor answers a list position that cannot be read.
var ErrClientCursor = apperr.New(apperr.Invalid, "That list position is not valid (the link may be cut short). Start again from the first page.")

// Validate checks the filter's choices and fills in defaults.
func (f *ClientFilter) Validate() error {
	fields := map[string]string{}
	f.Query = strings.TrimSpace(f.Query)
	if len([]rune(f.Query)) > MaxClientName {
		fields["q"] = fmt.Sprintf("Search for at most %d characters.", MaxClientName)
	}
	f.Tag = NormalizeTag(f.Tag)
	switch f.Status {
	case "":
		f.Status = ClientStatusActive
	case ClientStatusActive, ClientStatusArchived, ClientStatusAll:
	default:
		fields["status"] = "Show active, archived or all clients."
	}
	switch f.Sort {
	case "":
		f.Sort = ClientSortName
	case ClientSortName, ClientSortNewest, ClientSortUpdated:
	default:
		fields["sort"] = "Sort by name, newest or recently updated."
	}
	return apperr.FieldErrors(fields)
}

// encodeClientCursor makes the opaque cursor of a row: its sort key and id.
func encodeClientCursor(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key)) + "." + id
}

// decodeClientCursor reads a cursor for sort as the arguments of its comparison.
func decodeClientCursor(sort, cursor string) ([]any, error) {
	k, id, ok := strings.Cut(cursor, ".")
	b, err := base64.RawURLEncoding.DecodeString(k)
	if !ok || err != nil || id == "" || len(id) > 64 {
		return nil, ErrClientCursor
	}
	if sort == ClientSortName {
		return []any{string(b), string(b), id}, nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return nil, ErrClientCursor
	}
	return []any{n, n, id}, nil
}

// maxThroughRows bounds a reloaded "load more" list.
const maxThroughRows = 1000

// clientPlan says, for each selective filter, whether it matches so many
// clients that the query should walk the sort order's index and test each
// row (a probe), rather than collect every match and sort them: with a tag
// on a third of 10,000 clients, collecting and sorting took 20 ms, walking
// the index until a page is full well under one.
type clientPlan struct {
	probeTag, probeQuery, probeResponsible bool
}

// clientBroadMatches is where a filter counts as broad for an agency with
// about n clients. Collecting m matches costs about m lookups and a sort;
// walking the index costs about 50 × n / m steps until a page is full; the
// two meet near √(50 n): 700 matches of 10,000 clients, 2,200 of 100,000.
func clientBroadMatches(n int64) int {
	return int(min(max(math.Sqrt(50*float64(n)), 200), 5000))
}

// clientQueryRanges returns the search's prefix ranges as UNION members
// selecting client ids, and their arguments. The name and company code
// indexes are NOCASE, emails are stored lowercase. U+10FFFF is the greatest
// character, so [q, q+U+10FFFF) holds every value that starts with q.
// NOCASE folds ASCII letters only, so the query is also tried lowercase,
// capitalised and uppercase: "žem" finds "Žemaitė".
func clientQueryRanges(q string) ([]string, []any) {
	var alts []string
	var args []any
	for _, p := range clientQueryVariants(q) {
		alts = append(alts, `SELECT id FROM clients WHERE name COLLATE NOCASE >= ? AND name COLLATE NOCASE < ?`,
			`SELECT id FROM clients WHERE company_code <> '' AND company_code COLLATE NOCASE >= ? AND company_code COLLATE NOCASE < ?`)
		args = append(args, p, p+"\U0010FFFF", p, p+"\U0010FFFF")
	}
	e := strings.ToLower(q)
	alts = append(alts, `SELECT client_id FROM client_emails WHERE email >= ? AND email < ?`)
	return alts, append(args, e, e+"\U0010FFFF")
}

// clientQueryProbe is the search as a test of one row c, for a broad search.
func clientQueryProbe(q string) (string, []any) {
	var terms []string
	var args []any
	for _, p := range clientQueryVariants(q) {
		terms = append(terms, `(c.name COLLATE NOCASE >= ? AND c.name COLLATE NOCASE < ?)`,
			`(c.company_code <> '' AND c.company_code COLLATE NOCASE >= ? AND c.company_code COLLATE NOCASE < ?)`)
		args = append(args, p, p+"\U0010FFFF", p, p+"\U0010FFFF")
	}
	e := strings.ToLower(q)
	terms = append(terms, `EXISTS (SELECT 1 FROM client_emails e WHERE e.client_id = c.id AND e.email >= ? AND e.email < ?)`)
	return "(" + strings.Join(terms, " OR ") + ")", append(args, e, e+"\U0010FFFF")
}

// planClientList counts, up to the broad mark, the clients each selective
// filter matches, to choose how the list query uses it. The clients'
// largest rowid stands in for their number (it costs one index step).
// A search counts its name, company code and email matches apart, each
// with its own limit: counting their union would read all of them first.
func (t *Tenant) planClientList(ctx context.Context, f ClientFilter) (clientPlan, error) {
	var p clientPlan
	if f.Tag == "" && f.ResponsibleID == "" && f.Query == "" {
		return p, nil
	}
	var n sql.NullInt64
	if err := t.read.QueryRowContext(ctx, `SELECT MAX(rowid) FROM clients`).Scan(&n); err != nil {
		return p, fmt.Errorf("db: count clients: %w", err)
	}
	mark := clientBroadMatches(n.Int64)
	broad := func(what string, subs []string, args ...any) (bool, error) {
		var counts []string
		for _, sub := range subs {
			counts = append(counts, `(SELECT COUNT(*) FROM (`+sub+` LIMIT `+strconv.Itoa(mark)+`))`)
		}
		var got int
		if err := t.read.QueryRowContext(ctx, `SELECT `+strings.Join(counts, " + "), args...).Scan(&got); err != nil {
			return false, fmt.Errorf("db: count clients by %s: %w", what, err)
		}
		return got >= mark, nil
	}
	var err error
	if f.Tag != "" {
		if p.probeTag, err = broad("tag", []string{`SELECT 1 FROM client_tags WHERE tag = ?`}, f.Tag); err != nil {
			return p, err
		}
	}
	switch f.ResponsibleID {
	case "":
	case "none":
		p.probeResponsible, err = broad("responsible", []string{`SELECT 1 FROM clients WHERE responsible_id IS NULL`})
	default:
		p.probeResponsible, err = broad("responsible", []string{`SELECT 1 FROM clients WHERE responsible_id = ?`}, f.ResponsibleID)
	}
	if err != nil {
		return p, err
	}
	if f.Query != "" {
		alts, args := clientQueryRanges(f.Query)
		if p.probeQuery, err = broad("search", alts, args...); err != nil {
			return p, err
		}
	}
	return p, nil
}

// clientWhere builds the WHERE clause of the filter for the viewer (without
// the cursor), each selective filter written as the plan says: as a set of
// ids SQLite can start from, or as a test of each row that it cannot.
func clientWhere(v Viewer, f ClientFilter, p clientPlan) (string, []any) {
	vis, args := v.clientFilter("c")
	where := []string{vis}
	switch f.Status {
	case ClientStatusActive:
		where = append(where, "c.archived_at IS NULL")
	case ClientStatusArchived:
		where = append(where, "c.archived_at IS NOT NULL")
	}
	// A unary + keeps SQLite from using the column's index.
	responsible := "c.responsible_id"
	if p.probeResponsible {
		responsible = "+c.responsible_id"
	}
	switch f.ResponsibleID {
	case "":
	case "none":
		where = append(where, responsible+" IS NULL")
	default:
		where, args = append(where, responsible+" = ?"), append(args, f.ResponsibleID)
	}
	switch {
	case f.Tag == "":
	case p.probeTag:
		where, args = append(where, "EXISTS (SELECT 1 FROM client_tags g WHERE g.client_id = c.id AND g.tag = ?)"), append(args, f.Tag)
	default:
		where, args = append(where, "c.id IN (SELECT client_id FROM client_tags WHERE tag = ?)"), append(args, f.Tag)
	}
	switch {
	case f.Query == "":
	case p.probeQuery:
		probe, qargs := clientQueryProbe(f.Query)
		where, args = append(where, probe), append(args, qargs...)
	default:
		alts, qargs := clientQueryRanges(f.Query)
		where, args = append(where, "c.id IN ("+strings.Join(alts, " UNION ")+")"), append(args, qargs...)
	}
	return strings.Join(where, " AND "), args
}

// clientQueryVariants returns a search as typed, lowercase, capitalised
// and uppercase, without repeats.
func clientQueryVariants(q string) []string {
	if !strings.ContainsFunc(q, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return []string{q} // NOCASE already folds every letter of it
	}
	lower := strings.ToLower(q)
	r, size := utf8.DecodeRuneInString(lower)
	out := []string{q}
	for _, v := range []string{lower, string(unicode.ToUpper(r)) + lower[size:], strings.ToUpper(q)} {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// clientListQuery builds the list query of a validated filter and the
// number of rows it keeps at most.
func clientListQuery(v Viewer, f ClientFilter, p clientPlan) (string, []any, int, error) {
	o := clientOrders[f.Sort]
	where, args := clientWhere(v, f, p)
	within := "1"
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	switch {
	case f.Through != "":
		cargs, err := decodeClientCursor(f.Sort, f.Through)
		if err != nil {
			return "", nil, 0, err
		}
		within, args = o.through, append(cargs, args...)
		limit = maxThroughRows
	case f.After != "":
		cargs, err := decodeClientCursor(f.Sort, f.After)
		if err != nil {
			return "", nil, 0, err
		}
		where, args = where+" AND "+o.after, append(args, cargs...)
	}
	// The page's ids are picked first, and only those rows get their
	// first email, phone and tags: when the order needs a sort (a search,
	// a tag filter), SQLite computes every selected column of every
	// candidate row before the LIMIT applies.
	q := `SELECT c.id, c.name, c.kind, c.city, c.updated_at, c.archived_at IS NOT NULL, p.k, p.w, COALESCE(u.name, ''),
		COALESCE((SELECT email FROM client_emails WHERE client_id = c.id ORDER BY position LIMIT 1), ''),
		COALESCE((SELECT phone FROM client_phones WHERE client_id = c.id ORDER BY position LIMIT 1), ''),
		COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = c.id), '')
		FROM (SELECT c.id AS id, ` + o.key + ` AS k, ` + within + ` AS w FROM clients c
			WHERE ` + where + ` ORDER BY ` + o.orderBy + ` LIMIT ?) AS p
		JOIN clients c ON c.id = p.id LEFT JOIN users u ON u.id = c.responsible_id
		ORDER BY ` + o.pageOrder
	return q, append(args, limit+1), limit, nil
}

// ListClients returns a page of the clients the viewer may see. With a
// Through cursor, the query marks which rows are within it ("within"), so
// the first row past it tells that more follow.
func (t *Tenant) ListClients(ctx context.Context, v Viewer, f ClientFilter) (ClientPage, error) {
	if err := f.Validate(); err != nil {
		return ClientPage{}, err
	}
	plan, err := t.planClientList(ctx, f)
	if err != nil {
		return ClientPage{}, err
	}
	q, args, limit, err := clientListQuery(v, f, plan)
	if err != nil {
		return ClientPage{}, err
	}
	rows, err := t.read.QueryContext(ctx, q, args...)
	if err != nil {
		return ClientPage{}, fmt.Errorf("db: list clients: %w", err)
	}
	defer rows.Close()
	page := ClientPage{Rows: make([]ClientRow, 0, min(limit, 100))}
	for rows.Next() {
		var r ClientRow
		var updated int64
		var key string
		var in bool
		if err := rows.Scan(&r.ID, &r.Name, &r.Kind, &r.City, &updated, &r.Archived, &key, &in, &r.Responsible, &r.Email, &r.Phone, &r.Tags); err != nil {
			return ClientPage{}, fmt.Errorf("db: scan client row: %w", err)
		}
		if !in || len(page.Rows) == limit {
			page.More = true
			break
		}
		r.Updated = unixTime(updated).Format("2006-01-02")
		r.Cursor = encodeClientCursor(key, r.ID)
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return ClientPage{}, fmt.Errorf("db: list clients: %w", err)
	}
	return page, nil
}

// ExportClients calls fn with every client the viewer may see that the
// filter matches (paging fields ignored), in the filter's order.
func (t *Tenant) ExportClients(ctx context.Context, v Viewer, f ClientFilter, fn func(*Client) error) error {
	f.After, f.Through = "", ""
	if err := f.Validate(); err != nil {
		return err
	}
	where, args := clientWhere(v, f, clientPlan{})
	rows, err := t.read.QueryContext(ctx, `SELECT `+clientColumns+clientFrom+` WHERE `+where+` ORDER BY `+clientOrders[f.Sort].orderBy, args...)
	if err != nil {
		return fmt.Errorf("db: export clients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return fmt.Errorf("db: scan exported client: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: export clients: %w", err)
	}
	return nil
}

// ClientTags lists the tags in use on the clients the viewer may see, for
// the filter menu (at most 200). Everyone else's distinct tags are read by
// skipping through the tag index, one seek per tag.
func (t *Tenant) ClientTags(ctx context.Context, v Viewer) ([]string, error) {
	scan := func(r scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}
	if v.OwnOnly {
		return queryList(ctx, t.read, "client tags", scan, `SELECT DISTINCT g.tag FROM client_tags g JOIN clients c ON c.id = g.client_id
			WHERE c.responsible_id = ? ORDER BY g.tag LIMIT 200`, v.UserID)
	}
	return queryList(ctx, t.read, "client tags", scan, `WITH RECURSIVE tags(tag) AS (
			SELECT MIN(tag) FROM client_tags
			UNION ALL SELECT (SELECT MIN(tag) FROM client_tags WHERE tag > tags.tag) FROM tags WHERE tags.tag IS NOT NULL)
		SELECT tag FROM tags WHERE tag IS NOT NULL LIMIT 200`)
}
