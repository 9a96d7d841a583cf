package db_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestScratchParts(t *testing.T) {
	tn := mustAcquireDemo(t)
	ctx := context.Background()
	rowsQ := `SELECT c.rowid, c.id, c.number, c.title, c.status, c.priority, cl.name, COALESCE(a.name, ''), COALESCE(c.due_date, ''), c.updated_at FROM cases c JOIN clients cl ON cl.id = c.client_id LEFT JOIN users a ON a.id = c.assignee_id WHERE 1 = 1 ORDER BY c.updated_at DESC, c.rowid DESC LIMIT 51`
	var ids []any
	r, _ := tn.Read().Query(rowsQ)
	for r.Next() {
		var a, b, c, d, e, f, g, h, i, j any
		r.Scan(&a, &b, &c, &d, &e, &f, &g, &h, &i, &j)
		ids = append(ids, b)
	}
	r.Close()
	ids = ids[:50]
	labelsQ := `SELECT case_id, label FROM case_labels WHERE case_id IN (` + strings.TrimSuffix(strings.Repeat("?, ", 50), ", ") + `) ORDER BY case_id, label`
	run := func(name, q string, args ...any) {
		n := 300
		start := time.Now()
		for k := 0; k < n; k++ {
			r, err := tn.Read().QueryContext(ctx, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := r.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for r.Next() {
				r.Scan(ptrs...)
			}
			r.Close()
		}
		t.Logf("%-12s %v", name, time.Since(start)/time.Duration(n))
	}
	run("rows", rowsQ)
	run("labels", labelsQ, ids...)
	run("labelsjson", `SELECT case_id, label FROM case_labels WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, label`, `["`+strings.Join(func() []string { s := []string{}; for _, x := range ids { s = append(s, x.(string)) }; return s }(), `","`)+`"]`)
	st, _ := tn.Read().Prepare(labelsQ)
	n := 300
	start := time.Now()
	for k := 0; k < n; k++ {
		r, _ := st.QueryContext(ctx, ids...)
		for r.Next() {
			var a, b string
			r.Scan(&a, &b)
		}
		r.Close()
	}
	t.Logf("%-12s %v", "labelsprep", time.Since(start)/time.Duration(n))
	st2, _ := tn.Read().Prepare(rowsQ)
	start = time.Now()
	for k := 0; k < n; k++ {
		r, _ := st2.QueryContext(ctx)
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for r.Next() {
			r.Scan(ptrs...)
		}
		r.Close()
	}
	t.Logf("%-12s %v", "rowsprep", time.Since(start)/time.Duration(n))
	run("select1", "SELECT 1")
}
