package tenant_test

import (
	"context"
	"reflect"
	"testing"

	"mintedmind/db/tenant"
)

// CreateCase builds the case it returns from what its transaction wrote
// instead of reading it back (issue 25): it must be the case Case reads.
func TestCreateCaseReturnsTheStoredCase(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "create-returns")
	staff := mustAddUser(t, tn, "staff@create-returns.test", "staff")
	client := mustCaseClient(t, tn, "Ąžuolas & Co", "")
	ctx := context.Background()
	inputs := []tenant.CaseInput{
		{ClientID: client, Title: "  Plain  "},
		{ClientID: client, Title: "Everything", Description: "Line one\nline two", Priority: tenant.PriorityUrgent,
			AssigneeID: staff.ID, DueDate: "2026-03-01", Labels: []string{"Zeta", "alpha", " Beta  two ", "alpha"}},
		{ClientID: client, Title: "Labels only", Labels: []string{"ü-label", "a"}},
	}
	for _, in := range inputs {
		got, err := tn.CreateCase(ctx, everything(owner), actorOf(owner), in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := tn.Case(ctx, everything(owner), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("CreateCase returned\n%+v\nCase reads\n%+v", got, want)
		}
	}
	// A system actor (no user) creates a case with no creator's name.
	got, err := tn.CreateCase(ctx, everything(owner), tenant.Actor{Name: "System"}, tenant.CaseInput{ClientID: client, Title: "By the system"})
	if err != nil {
		t.Fatal(err)
	}
	if want, err := tn.Case(ctx, everything(owner), got.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("system actor: CreateCase returned %+v, Case reads %+v (%v)", got, want, err)
	}
}

// The creation path's statements are prepared once on the writer and then
// reused by later transactions; cached or not, every case is numbered,
// stored, indexed and on its timeline.
func TestCreateCaseUsesTheWriterStatementCache(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "create-cache")
	client := mustCaseClient(t, tn, "Cache client", "")
	before := tn.WriteStmtsCached()
	first := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "quokkafirst", Labels: []string{"x"}})
	// The first transaction ran its statements as text and asked for them
	// to be prepared once it ended; WriteStmtsCached waits for that.
	if n := tn.WriteStmtsCached(); n < before+5 {
		t.Fatalf("%d write statements cached after a case was created, want at least %d", n, before+5)
	}
	cached := tn.WriteStmtsCached()
	var last *tenant.Case
	for i := 0; i < 3; i++ {
		last = mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "quokkasecond", Labels: []string{"x"}})
	}
	if n := tn.WriteStmtsCached(); n != cached {
		t.Errorf("creating more cases changed the cached write statements from %d to %d", cached, n)
	}
	if first.Number != 1 || last.Number != 4 {
		t.Errorf("numbers %d … %d, want 1 … 4", first.Number, last.Number)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM search_index WHERE search_index MATCH 'quokkasecond'`); n != 3 {
		t.Errorf("%d cached creations indexed, want 3", n)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE kind = ?`, tenant.EventCreated); n != 4 {
		t.Errorf("%d creation events, want 4", n)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_labels WHERE label = 'x'`); n != 4 {
		t.Errorf("%d labels, want 4", n)
	}
	// A failed creation inside the cached path leaves nothing and uses no number.
	if _, err := tn.CreateCase(context.Background(), everything(owner), actorOf(owner), tenant.CaseInput{ClientID: client, Title: "Bad", AssigneeID: "nobody"}); err == nil {
		t.Fatal("an unknown assignee was accepted")
	}
	next := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Next"})
	if next.Number != 5 {
		t.Errorf("number after a refused case %d, want 5", next.Number)
	}
}
