package db_test

import (
	"context"
	"testing"
)

func BenchmarkScratchVariants(b *testing.B) {
	tn := mustAcquireDemo(&testing.T{})
	ctx := context.Background()
	id := "0994dbf1-c861-4b51-80de-8d3b1685a3c1"
	qs := []struct{ name, q string }{
		{"cols9", `SELECT e.id, e.at, e.actor_name, e.kind, e.field, e.old_value, e.new_value, e.note_id, e.visible_to_client FROM case_events e WHERE e.case_id = ? ORDER BY e.id DESC LIMIT 201`},
		{"concat", `SELECT e.id || char(31) || e.at || char(31) || e.actor_name || char(31) || e.kind || char(31) || e.field || char(31) || e.old_value || char(31) || e.new_value || char(31) || e.note_id || char(31) || e.visible_to_client FROM case_events e WHERE e.case_id = ? ORDER BY e.id DESC LIMIT 201`},
		{"cols10", `SELECT e.id, e.at, e.actor_id, e.actor_name, e.kind, e.field, e.old_value, e.new_value, e.note_id, e.visible_to_client FROM case_events e WHERE e.case_id = ? ORDER BY e.id DESC LIMIT 201`},
		{"cols6", `SELECT e.id, e.at, e.actor_name, e.kind || char(31) || e.field || char(31) || e.note_id || char(31) || e.visible_to_client || char(31) || e.actor_id, e.old_value, e.new_value FROM case_events e WHERE e.case_id = ? ORDER BY e.id DESC LIMIT 201`},
		{"cols1", `SELECT e.id FROM case_events e WHERE e.case_id = ? ORDER BY e.id DESC LIMIT 201`},
	}
	for _, q := range qs {
		b.Run(q.name, func(b *testing.B) {
			st, err := tn.Read().Prepare(q.q)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				r, _ := st.QueryContext(ctx, id)
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
		})
	}
}
