package db_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/db"
)

func TestScratchCasesDemo(t *testing.T) {
	tn := mustAcquireDemo(t)
	ctx := context.Background()
	var owner string
	tn.Read().QueryRow(`SELECT id FROM users WHERE role='owner'`).Scan(&owner)
	for _, f := range []db.CaseFilter{{}, {Sort: "newest"}, {Sort: "due"}, {Statuses: []string{"new", "in_progress", "waiting"}}, {AssigneeID: owner}} {
		start := time.Now()
		n := 200
		for i := 0; i < n; i++ {
			rows, _, err := tn.Cases(ctx, db.Viewer{UserID: owner}, f)
			if err != nil || len(rows) != 50 {
				t.Fatal(err, len(rows))
			}
		}
		t.Logf("%+v %v", f, time.Since(start)/time.Duration(n))
	}
}
