package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How the client list query is planned. Each selective filter (a tag, a
// responsible person, each part of a search) can be given to SQLite in two
// ways: as the set of matching clients, which it collects and then sorts,
// or as a test of each row, which it applies while walking the sort
// order's index until a page is full. Collecting costs about one lookup per
// match; walking about 50 × clients / matches steps. Without statistics
// SQLite cannot tell a tag on three clients from one on three thousand, so
// the list counts first (up to a mark, one index range each) and writes
// the query accordingly. Measured on 10,000 clients: a tag on a third of
// them took 20 ms collected, under 1 ms walked.

// clientPlan says which filters are broad enough to be tested row by row.
type clientPlan struct {
	probeTag, probeResponsible        bool
	probeName, probeCode, probeEmails bool
}

// clientBroadMatches is where a filter counts as broad for an agency with
// about n clients: the two costs above meet near √(50 n), 700 matches of
// 10,000 clients, 2,200 of 100,000.
func clientBroadMatches(n int64) int {
	return int(min(max(math.Sqrt(50*float64(n)), 200), 5000))
}

// clientQueryVariants returns a search as typed, lowercase, capitalised
// and uppercase, without repeats. NOCASE folds ASCII letters only, so "žem"
// must also be tried as "Žem" to find "Žemaitė".
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

// clientPrefixEnd is the end of the range of values that start with p:
// U+10FFFF is the greatest character.
func clientPrefixEnd(p string) string { return p + "\U0010FFFF" }

// Prefix ranges on indexed columns: the name and company code indexes are
// NOCASE, emails are stored lowercase. Written with a column expression
// ("c.name", or "+c.name" to keep SQLite off its index).
func clientNameRange(col string) string {
	return "(" + col + ") COLLATE NOCASE >= ? AND (" + col + ") COLLATE NOCASE < ?"
}

func clientCodeRange(col string) string {
	return "c.company_code <> '' AND " + clientNameRange(col)
}

const clientEmailRange = `SELECT client_id FROM client_emails WHERE email >= ? AND email < ?`

// clientQueryRanges returns the search's prefix ranges as UNION members
// selecting client ids, and their arguments (for the export, which reads
// every match anyway).
func clientQueryRanges(q string) ([]string, []any) {
	var alts []string
	var args []any
	for _, p := range clientQueryVariants(q) {
		alts = append(alts, `SELECT c.id FROM clients c WHERE `+clientNameRange("c.name"), `SELECT c.id FROM clients c WHERE `+clientCodeRange("c.company_code"))
		args = append(args, p, clientPrefixEnd(p), p, clientPrefixEnd(p))
	}
	e := strings.ToLower(q)
	return append(alts, clientEmailRange), append(args, e, clientPrefixEnd(e))
}

// planClientList counts, up to the broad mark, the clients each selective
// filter matches. The clients' largest rowid stands in for their number
// (one index step). Each part of a search is counted apart, with its own
// limit: counting their union would read all of them first.
func (t *Store) planClientList(ctx context.Context, f ClientFilter) (clientPlan, error) {
	var p clientPlan
	if f.Tag == "" && f.ResponsibleID == "" && f.Query == "" {
		return p, nil
	}
	var n sql.NullInt64
	if err := t.Reader().QueryRowContext(ctx, `SELECT MAX(rowid) FROM clients`).Scan(&n); err != nil {
		return p, fmt.Errorf("db: count clients: %w", err)
	}
	mark := strconv.Itoa(clientBroadMatches(n.Int64))
	var counts []string
	var args []any
	count := func(sub string, a ...any) {
		counts = append(counts, `(SELECT COUNT(*) FROM (`+sub+` LIMIT `+mark+`)) >= `+mark)
		args = append(args, a...)
	}
	if f.Tag != "" {
		count(`SELECT 1 FROM client_tags WHERE tag = ?`, f.Tag)
	} else {
		count(`SELECT 1 WHERE 0`)
	}
	switch f.ResponsibleID {
	case "":
		count(`SELECT 1 WHERE 0`)
	case "none":
		count(`SELECT 1 FROM clients WHERE responsible_id IS NULL`)
	default:
		count(`SELECT 1 FROM clients WHERE responsible_id = ?`, f.ResponsibleID)
	}
	names, codes, email := `SELECT 1 WHERE 0`, `SELECT 1 WHERE 0`, `SELECT 1 WHERE 0`
	var nameArgs, codeArgs, emailArgs []any
	if f.Query != "" {
		var ns, cs []string
		for _, v := range clientQueryVariants(f.Query) {
			ns = append(ns, `SELECT 1 FROM clients c WHERE `+clientNameRange("c.name"))
			cs = append(cs, `SELECT 1 FROM clients c WHERE `+clientCodeRange("c.company_code"))
			nameArgs = append(nameArgs, v, clientPrefixEnd(v))
			codeArgs = append(codeArgs, v, clientPrefixEnd(v))
		}
		codes = strings.Join(cs, " UNION ALL ")
		if f.Sort != ClientSortName { // sorted by name, a name prefix is always read as a range
			names = strings.Join(ns, " UNION ALL ")
		} else {
			nameArgs = nil
		}
		e := strings.ToLower(f.Query)
		email, emailArgs = clientEmailRange, []any{e, clientPrefixEnd(e)}
	}
	count(names, nameArgs...)
	count(codes, codeArgs...)
	count(email, emailArgs...)
	err := t.Reader().QueryRowContext(ctx, `SELECT `+strings.Join(counts, ", "), args...).
		Scan(&p.probeTag, &p.probeResponsible, &p.probeName, &p.probeCode, &p.probeEmails)
	if err != nil {
		return p, fmt.Errorf("db: plan client list: %w", err)
	}
	return p, nil
}

// clientWhere builds the WHERE clause of the filter for the viewer, without
// the search and the cursor, each filter written as the plan says.
func clientWhere(v Viewer, f ClientFilter, p clientPlan) (string, []any) {
	vis, args := v.clientFilter("c")
	where := []string{vis}
	switch f.Status {
	case ClientStatusActive:
		where = append(where, "c.archived_at IS NULL")
	case ClientStatusArchived:
		where = append(where, "c.archived_at IS NOT NULL")
	}
	// A unary + keeps SQLite from starting from the column's index.
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
	return strings.Join(where, " AND "), args
}

// clientSearchParts returns the conditions a search is made of (a name,
// company code or email prefix), each written as the plan says. A name or
// code prefix with the list sorted by name is always given as a range: the
// name index is then both the match and the order.
func clientSearchParts(q, sort string, p clientPlan) ([]string, [][]any) {
	var conds []string
	var args [][]any
	name, code := "c.name", "c.company_code"
	if p.probeName && sort != ClientSortName {
		name = "+c.name"
	}
	if p.probeCode {
		code = "+c.company_code"
	}
	for _, v := range clientQueryVariants(q) {
		conds = append(conds, clientNameRange(name), clientCodeRange(code))
		args = append(args, []any{v, clientPrefixEnd(v)}, []any{v, clientPrefixEnd(v)})
	}
	e := strings.ToLower(q)
	if p.probeEmails {
		conds = append(conds, `EXISTS (SELECT 1 FROM client_emails e WHERE e.client_id = c.id AND e.email >= ? AND e.email < ?)`)
	} else {
		conds = append(conds, `c.id IN (`+clientEmailRange+`)`)
	}
	return conds, append(args, []any{e, clientPrefixEnd(e)})
}

// clientListQuery builds the list query of a validated filter and the
// number of rows it keeps at most. It picks the page's rows first and only
// then reads their columns: when the order needs a sort, SQLite computes
// every selected column of every candidate before the LIMIT applies. A search is the union of its parts, each limited to
// its own first page in the list's order (the page is among those), so no
// part is read further than a page.
func clientListQuery(v Viewer, f ClientFilter, p clientPlan) (string, []any, int, error) {
	o := clientOrders[f.Sort]
	where, args := clientWhere(v, f, p)
	within, withinArgs := "1", []any(nil)
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
		within, withinArgs = o.through, cargs
		limit = maxThroughRows
	case f.After != "":
		cargs, err := decodeClientCursor(f.Sort, f.After)
		if err != nil {
			return "", nil, 0, err
		}
		where, args = where+" AND "+o.after, append(args, cargs...)
	}
	page := strconv.Itoa(limit + 1)
	pick, pickArgs := `SELECT c.rowid AS rid, c.id AS id, `+o.key+` AS k, `+within+` AS w FROM clients c WHERE `+where, append(withinArgs, args...)
	if f.Query != "" {
		conds, condArgs := clientSearchParts(f.Query, f.Sort, p)
		var parts []string
		var partArgs []any
		for i, cond := range conds {
			parts = append(parts, `SELECT id FROM (SELECT c.id FROM clients c WHERE `+where+` AND `+cond+` ORDER BY `+o.orderBy+` LIMIT `+page+`)`)
			partArgs = append(append(partArgs, args...), condArgs[i]...)
		}
		pick = `SELECT c.rowid AS rid, c.id AS id, ` + o.key + ` AS k, ` + within + ` AS w FROM clients c WHERE c.id IN (` + strings.Join(parts, " UNION ALL ") + `)`
		pickArgs = append(withinArgs, partArgs...)
	}
	// The page's rows are then read by rowid, one step each; the first
	// email, phone and tags are kept on the row (schema.sql, migration 8).
	q := `SELECT c.id, c.name, c.kind, c.city, c.updated_at, c.archived_at IS NOT NULL, p.k, p.w, COALESCE(u.name, ''),
		c.list_email, c.list_phone, c.list_tags
		FROM (` + pick + ` ORDER BY ` + o.orderBy + ` LIMIT ` + page + `) AS p
		JOIN clients c ON c.rowid = p.rid LEFT JOIN users u ON u.id = c.responsible_id
		ORDER BY ` + o.pageOrder
	return q, pickArgs, limit, nil
}
