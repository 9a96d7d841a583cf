package tenant

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/dbtest"
)

// The case list's first page, the page staff load most, reads everything
// from the covering index cases_list, archived cases skipped in the index.
func TestCaseListReadsOneCoveringIndex(t *testing.T) {
	t.Parallel()
	f := mustOpenProbeTenant(t)
	where, args := CaseFilter{}.where(Viewer{UserID: "u"})
	q := caseRowSelect + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY c.updated_at DESC, c.number DESC LIMIT ?`
	rows, err := f.Read().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, append(args, 51)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "\n")
	if !strings.Contains(got, "SCAN c USING COVERING INDEX cases_list") || strings.Contains(got, "TEMP B-TREE") {
		t.Fatalf("plan:\n%s", got)
	}
}

// mustOpenProbeTenant opens an agency's database in a temporary data
// directory, for tests inside the package that look at query plans.
func mustOpenProbeTenant(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	pool, err := NewPool(t.TempDir(), dbtest.TenantSchema(t), PoolConfig{MaxOpen: 2, IdleTimeout: time.Hour}, clock.System{}, dbtest.DiscardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	const agencyID = "agency-plans"
	if _, err := pool.CreateWithOwner(ctx, agencyID, "plans", NewOwner{Email: "o@plans.test", Name: "O", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	tn, release, err := pool.Acquire(ctx, agencyID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return tn
}
