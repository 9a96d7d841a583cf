package db_test

import (
	"os"
	"mintedmind/clock"
	"mintedmind/db"
	"context"
	"testing"
	"time"
)

func TestScratchCaseQueries(t *testing.T) {
	// open demo db read-only copy
	f := mustOpenFixture(t)
	_ = f
	tn := mustAcquireDemo(t)
	ctx := context.Background()
	qs := map[string]string{
		"full": `SELECT c.id, c.number, c.title, c.status, c.priority, c.client_id, cl.name, COALESCE(c.assignee_id, ''), COALESCE(a.name, ''), COALESCE(c.due_date, ''), c.updated_at, COALESCE((SELECT group_concat(l.label, ', ') FROM case_labels l WHERE l.case_id = c.id), '') FROM cases c JOIN clients cl ON cl.id = c.client_id LEFT JOIN users a ON a.id = c.assignee_id WHERE 1 = 1 ORDER BY c.updated_at DESC, c.number DESC LIMIT 51`,
		"nolabels": `SELECT c.id, c.number, c.title, c.status, c.priority, c.client_id, cl.name, COALESCE(c.assignee_id, ''), COALESCE(a.name, ''), COALESCE(c.due_date, ''), c.updated_at FROM cases c JOIN clients cl ON cl.id = c.client_id LEFT JOIN users a ON a.id = c.assignee_id WHERE 1 = 1 ORDER BY c.updated_at DESC, c.number DESC LIMIT 51`,
		"nojoins": `SELECT c.id, c.number, c.title, c.status, c.priority, c.client_id, c.assignee_id, COALESCE(c.due_date, ''), c.updated_at FROM cases c ORDER BY c.updated_at DESC, c.number DESC LIMIT 51`,
		"onesort": `SELECT c.id, c.number, c.title, c.status, c.priority, c.client_id, c.assignee_id, COALESCE(c.due_date, ''), c.updated_at FROM cases c ORDER BY c.updated_at DESC LIMIT 51`,
		"fewcols": `SELECT c.id, c.number, c.title FROM cases c ORDER BY c.updated_at DESC LIMIT 51`,
		"one": `SELECT 1`,
	}
	for name, q := range qs {
		start := time.Now()
		n := 300
		for i := 0; i < n; i++ {
			rows, err := tn.Read().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				rows.Scan(ptrs...)
			}
			rows.Close()
		}
		t.Logf("%-10s %v", name, time.Since(start)/time.Duration(n))
	}
}

func mustAcquireDemo(t *testing.T) *db.Tenant {
	pool := mustOpenPool(t, "/tmp/mmbench/data", mustReadSchema(t), db.PoolConfig{MaxOpen: 5}, clock.System{})
	entries, _ := os.ReadDir("/tmp/mmbench/data/tenants")
	return mustAcquire(t, pool, entries[0].Name())
}
