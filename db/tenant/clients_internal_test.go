package tenant

import (
	"context"
	"strings"
	"testing"
)

// ExplainClientList returns SQLite's query plan for the client list query
// of f, one step per line, for tests that check the indexes are used.
func ExplainClientList(t testing.TB, tn *Store, v Viewer, f ClientFilter) string {
	t.Helper()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	plan, err := tn.planClientList(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	q, args, _, err := clientListQuery(v, f, plan)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tn.Read().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sb strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		sb.WriteString(detail + "\n")
	}
	return sb.String()
}

// ClientListSQL returns the client list query of f and its arguments.
func ClientListSQL(t testing.TB, tn *Store, v Viewer, f ClientFilter) (string, []any) {
	t.Helper()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	plan, err := tn.planClientList(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	q, args, _, err := clientListQuery(v, f, plan)
	if err != nil {
		t.Fatal(err)
	}
	return q, args
}
