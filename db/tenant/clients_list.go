package tenant

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db"
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

// ListClients returns a page of the clients the viewer may see. With a
// Through cursor, the query marks which rows are within it ("within"), so
// the first row past it tells that more follow.
func (t *Store) ListClients(ctx context.Context, v Viewer, f ClientFilter) (ClientPage, error) {
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
	// The text depends only on the filter's shape (which filters, the
	// plan, how many spellings of the search), so it is prepared once.
	rows, err := t.Reader().QueryContext(ctx, q, args...)
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
		r.Updated = db.UnixTime(updated).Format("2006-01-02")
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
func (t *Store) ExportClients(ctx context.Context, v Viewer, f ClientFilter, fn func(*Client) error) error {
	f.After, f.Through = "", ""
	if err := f.Validate(); err != nil {
		return err
	}
	where, args := clientWhere(v, f, clientPlan{})
	if f.Query != "" {
		alts, qargs := clientQueryRanges(f.Query)
		where, args = where+" AND c.id IN ("+strings.Join(alts, " UNION ")+")", append(args, qargs...)
	}
	rows, err := t.Read().QueryContext(ctx, `SELECT `+clientColumns+clientFrom+` WHERE `+where+` ORDER BY `+clientOrders[f.Sort].orderBy, args...)
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
func (t *Store) ClientTags(ctx context.Context, v Viewer) ([]string, error) {
	scan := func(r db.Scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}
	if v.OwnOnly {
		return db.QueryList(ctx, t.Reader(), "client tags", scan, `SELECT DISTINCT g.tag FROM client_tags g JOIN clients c ON c.id = g.client_id
			WHERE c.responsible_id = ? ORDER BY g.tag LIMIT 200`, v.UserID)
	}
	return db.QueryList(ctx, t.Reader(), "client tags", scan, `WITH RECURSIVE tags(tag) AS (
			SELECT MIN(tag) FROM client_tags
			UNION ALL SELECT (SELECT MIN(tag) FROM client_tags WHERE tag > tags.tag) FROM tags WHERE tags.tag IS NOT NULL)
		SELECT tag FROM tags WHERE tag IS NOT NULL LIMIT 200`)
}
