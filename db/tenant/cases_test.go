package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// mustCaseClient inserts a client row directly: the clients API is not this
// file's subject.
func mustCaseClient(t testing.TB, tn *tenant.Store, name, responsibleID string) string {
	t.Helper()
	id := uuid.NewString()
	err := tn.Tx(context.Background(), func(tx *sql.Tx) error {
		var resp any
		if responsibleID != "" {
			resp = responsibleID
		}
		_, err := tx.Exec(`INSERT INTO clients (id, name, kind, responsible_id, created_at, updated_at) VALUES (?, ?, 'company', ?, 1, 1)`, id, name, resp)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func everything(u *tenant.User) tenant.Viewer { return tenant.Viewer{UserID: u.ID} }

func actorOf(u *tenant.User) tenant.Actor { return tenant.Actor{ID: u.ID, Name: u.Name} }

func mustCreateCase(t testing.TB, tn *tenant.Store, u *tenant.User, in tenant.CaseInput) *tenant.Case {
	t.Helper()
	k, err := tn.CreateCase(context.Background(), everything(u), actorOf(u), in)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ptr[T any](v T) *T { return &v }

func TestCaseNumbersAreGapless(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "numbers")
	otherTn, otherOwner := f.mustOpenAgency(t, "numbers-other")
	client := mustCaseClient(t, tn, "Acme", "")
	foreignClient := mustCaseClient(t, otherTn, "Foreign", "")
	ctx := context.Background()

	first := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "First"})
	failures := []tenant.CaseInput{
		{ClientID: client, Title: ""},
		{ClientID: client, Title: "Bad date", DueDate: "2026-02-30"},
		{ClientID: foreignClient, Title: "Other agency's client"},
		{ClientID: client, Title: "Other agency's assignee", AssigneeID: otherOwner.ID},
	}
	for _, in := range failures {
		if _, err := tn.CreateCase(ctx, everything(owner), actorOf(owner), in); err == nil {
			t.Fatalf("%+v was accepted", in)
		}
	}
	second := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Second"})
	if first.Number != 1 || second.Number != 2 {
		t.Fatalf("numbers %d, %d; want 1, 2", first.Number, second.Number)
	}
	if got := tenant.CaseNumber(second.Number); got != "C-0002" {
		t.Fatalf("CaseNumber = %s", got)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases`); n != 2 {
		t.Fatalf("%d cases stored, want 2", n)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events`); n != 2 {
		t.Fatalf("%d events stored, want 2", n)
	}
}

func TestCaseInputValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	labels := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf("l%d", i))
		}
		return out
	}
	tests := []struct {
		name  string
		in    tenant.CaseInput
		field string
		msg   string
	}{
		{"empty title is refused", tenant.CaseInput{ClientID: "x"}, "title", "Enter a title"},
		{"title of 201 characters is refused", tenant.CaseInput{ClientID: "x", Title: long(201)}, "title", "at most 200 characters"},
		{"description of 20001 characters is refused", tenant.CaseInput{ClientID: "x", Title: "t", Description: long(20001)}, "description", "at most 20000 characters"},
		{"unknown priority is refused", tenant.CaseInput{ClientID: "x", Title: "t", Priority: "asap"}, "priority", "Unknown priority"},
		{"february 30 is refused", tenant.CaseInput{ClientID: "x", Title: "t", DueDate: "2026-02-30"}, "due_date", "not a real date"},
		{"a date in another format is refused", tenant.CaseInput{ClientID: "x", Title: "t", DueDate: "31/03/2026"}, "due_date", "YYYY-MM-DD"},
		{"21 labels are refused", tenant.CaseInput{ClientID: "x", Title: "t", Labels: labels(21)}, "labels", "at most 20 labels"},
		{"a label of 41 characters is refused", tenant.CaseInput{ClientID: "x", Title: "t", Labels: []string{strings.Repeat("a", 41)}}, "labels", "at most 40 characters"},
		{"a missing client is refused", tenant.CaseInput{Title: "t"}, "client_id", "Choose the client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			err := in.Validate()
			wantCode(t, err, apperr.Invalid)
			if got := apperr.FieldsOf(err)[tt.field]; !strings.Contains(got, tt.msg) {
				t.Fatalf("message for %s = %q, want it to contain %q (all: %v)", tt.field, got, tt.msg, apperr.FieldsOf(err))
			}
		})
	}
	t.Run("limits themselves are accepted and text normalised", func(t *testing.T) {
		in := tenant.CaseInput{ClientID: "x", Title: "  " + long(200) + " ", Description: long(20000), DueDate: "2028-02-29",
			Labels: append(labels(18), " Urgent ", "URGENT", strings.Repeat("b", 40))}
		if err := in.Validate(); err != nil {
			t.Fatal(err)
		}
		if in.Priority != tenant.PriorityNormal || len(in.Labels) != 20 || in.Title != long(200) {
			t.Fatalf("normalised to priority %q, %d labels, title %d chars", in.Priority, len(in.Labels), len(in.Title))
		}
	})
}

func TestUpdateCaseRecordsEveryChange(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "changes")
	staff := mustAddUser(t, tn, "sam@changes.test", tenant.RoleStaff)
	acme, globex := mustCaseClient(t, tn, "Acme", ""), mustCaseClient(t, tn, "Globex", "")
	ctx := context.Background()
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme, Title: "Old title", Description: "old", DueDate: "2026-12-01", Labels: []string{"b", "a"}})

	f.clock.Advance(time.Hour)
	changed, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{
		ClientID: ptr(globex), Title: ptr("New title"), Description: ptr("new"), Priority: ptr("urgent"),
		DueDate: ptr(""), Labels: ptr([]string{"c"}), AssigneeID: ptr(staff.ID), Status: ptr(tenant.CaseClosed),
	})
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	events, err := tn.CaseEvents(ctx, everything(owner), k.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	for _, e := range events {
		key := e.Kind + ":" + e.Field
		got[key] = [2]string{e.OldValue, e.NewValue}
		if e.ActorName != owner.Name || e.ActorID != owner.ID {
			t.Errorf("%s by %q", key, e.ActorName)
		}
	}
	want := map[string][2]string{
		"created:":          {"", "Old title"},
		"field:client":      {"Acme", "Globex"},
		"field:title":       {"Old title", "New title"},
		"field:description": {"old", "new"},
		"field:priority":    {"normal", "urgent"},
		"field:due_date":    {"2026-12-01", ""},
		"field:labels":      {"a, b", "c"},
		"assigned:":         {"", staff.Name},
		"status:":           {"new", "closed"},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("event %s = %q, want %q", k, got[k], w)
		}
	}
	if len(events) != len(want) {
		t.Errorf("%d events, want %d", len(events), len(want))
	}
	k, _ = tn.Case(ctx, everything(owner), k.ID)
	if k.ClosedAt.IsZero() || k.Status != tenant.CaseClosed {
		t.Fatalf("closed case has closed_at %v, status %s", k.ClosedAt, k.Status)
	}

	t.Run("reopening clears closed_at", func(t *testing.T) {
		if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Status: ptr(tenant.CaseInProgress)}); err != nil {
			t.Fatal(err)
		}
		k, _ := tn.Case(ctx, everything(owner), k.ID)
		if !k.ClosedAt.IsZero() || k.Status != tenant.CaseInProgress {
			t.Fatalf("reopened case has closed_at %v, status %s", k.ClosedAt, k.Status)
		}
	})
	t.Run("an unchanged edit records nothing", func(t *testing.T) {
		before := queryInt(t, tn, `SELECT COUNT(*) FROM case_events`)
		changed, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Title: ptr(" New  title "), Labels: ptr([]string{"C"})})
		if err != nil || changed {
			t.Fatalf("changed %v, err %v", changed, err)
		}
		if after := queryInt(t, tn, `SELECT COUNT(*) FROM case_events`); after != before {
			t.Fatalf("events %d → %d", before, after)
		}
	})
	t.Run("a case changed since it was read is not overwritten", func(t *testing.T) {
		read, err := tn.Case(ctx, everything(owner), k.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Within the same second: the version, not the updated time, tells the writes apart.
		if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Title: ptr("Someone else's title")}); err != nil {
			t.Fatal(err)
		}
		before := queryInt(t, tn, `SELECT COUNT(*) FROM case_events`)
		_, err = tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, read.Version, tenant.CaseChange{Title: ptr("A stale edit")})
		wantCode(t, err, apperr.Conflict)
		now, _ := tn.Case(ctx, everything(owner), k.ID)
		if now.Title != "Someone else's title" || queryInt(t, tn, `SELECT COUNT(*) FROM case_events`) != before {
			t.Fatalf("after a refused stale edit: title %q, events %d → %d", now.Title, before, queryInt(t, tn, `SELECT COUNT(*) FROM case_events`))
		}
		if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, now.Version, tenant.CaseChange{Title: ptr("New title")}); err != nil {
			t.Fatalf("current version: %v", err)
		}
	})
	t.Run("a disabled assignee is refused and nothing changes", func(t *testing.T) {
		gone := mustAddUser(t, tn, "gone@changes.test", tenant.RoleStaff)
		if err := tn.SetUserStatus(ctx, gone.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		_, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Title: ptr("Changed"), AssigneeID: ptr(gone.ID)})
		wantCode(t, err, apperr.Invalid)
		k, _ := tn.Case(ctx, everything(owner), k.ID)
		if k.Title != "New title" {
			t.Fatalf("title changed to %q", k.Title)
		}
	})
}

func TestCaseListPaging(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "paging")
	client := mustCaseClient(t, tn, "Acme", "")
	ctx := context.Background()
	const total = 23
	for i := 1; i <= total; i++ {
		due := ""
		if i%3 != 0 {
			due = fmt.Sprintf("2026-12-%02d", 1+i%5)
		}
		mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: fmt.Sprintf("Case %d", i), DueDate: due})
		if i%4 == 0 {
			f.clock.Advance(time.Minute) // several cases share an updated_at
		}
	}
	for _, sort := range tenant.CaseSorts {
		t.Run("every case once in order "+sort, func(t *testing.T) {
			seen := map[int64]bool{}
			var all []tenant.CaseRow
			after := ""
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				rows, next, err := tn.Cases(ctx, everything(owner), tenant.CaseFilter{Sort: sort, After: after, Limit: 5})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					if seen[r.Number] {
						t.Fatalf("case %d twice", r.Number)
					}
					seen[r.Number] = true
				}
				all = append(all, rows...)
				if next == "" {
					break
				}
				after = next
			}
			if len(all) != total {
				t.Fatalf("%d cases seen, want %d", len(all), total)
			}
			for i := 1; i < len(all); i++ {
				a, b := all[i-1], all[i]
				var ok bool
				switch sort {
				case tenant.CaseSortNewest:
					ok = a.Number > b.Number
				case tenant.CaseSortOldest:
					ok = a.Number < b.Number
				case tenant.CaseSortDue:
					ok = (a.DueDate != "" && b.DueDate == "") || (a.DueDate == b.DueDate && a.Number < b.Number) || (b.DueDate != "" && a.DueDate < b.DueDate)
				default:
					ok = a.UpdatedAt.After(b.UpdatedAt) || (a.UpdatedAt.Equal(b.UpdatedAt) && a.Number > b.Number)
				}
				if !ok {
					t.Fatalf("%s order broken at %d: %+v then %+v", sort, i, a, b)
				}
			}
		})
	}
	t.Run("a broken cursor is invalid input", func(t *testing.T) {
		_, _, err := tn.Cases(ctx, everything(owner), tenant.CaseFilter{After: "x_y"})
		wantCode(t, err, apperr.Invalid)
	})
}

func TestRestrictedStaffSeeTheirOwn(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "visibility")
	sam := mustAddUser(t, tn, "sam@visibility.test", tenant.RoleStaff)
	ctx := context.Background()
	samsClient := mustCaseClient(t, tn, "Sam's client", sam.ID)
	otherClient := mustCaseClient(t, tn, "Someone else's", owner.ID)
	ofSamsClient := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: samsClient, Title: "of Sam's client"})
	assignedToSam := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: otherClient, Title: "assigned to Sam", AssigneeID: sam.ID})
	hidden := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: otherClient, Title: "hidden"})
	restricted := tenant.NewViewer(sam, tenant.Settings{StaffSeeOwnOnly: true})

	rows, _, err := tn.Cases(ctx, restricted, tenant.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rows {
		got[r.ID] = true
	}
	if !got[ofSamsClient.ID] || !got[assignedToSam.ID] || got[hidden.ID] || len(rows) != 2 {
		t.Fatalf("restricted staff see %v", rows)
	}
	t.Run("a hidden case is not found", func(t *testing.T) {
		_, err := tn.Case(ctx, restricted, hidden.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.AddNote(ctx, restricted, actorOf(sam), hidden.ID, "hi", false)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.CaseEvents(ctx, restricted, hidden.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		events, _ := tn.CaseEvents(ctx, restricted, hidden.ID, 0, 0)
		if len(events) != 0 {
			t.Fatalf("hidden case's events are readable: %v", events)
		}
	})
	t.Run("a case cannot be opened for a client they don't look after", func(t *testing.T) {
		_, err := tn.CreateCase(ctx, restricted, actorOf(sam), tenant.CaseInput{ClientID: otherClient, Title: "x"})
		wantCode(t, err, apperr.Invalid)
		if _, ok := apperr.FieldsOf(err)["client_id"]; !ok {
			t.Fatalf("error %v names no client_id", err)
		}
	})
	t.Run("the board counts only what they see", func(t *testing.T) {
		cols, err := tn.CaseBoard(ctx, restricted, tenant.CaseFilter{}, 50)
		if err != nil {
			t.Fatal(err)
		}
		if cols[0].Status != tenant.CaseNew || cols[0].Count != 2 || len(cols[0].Cards) != 2 {
			t.Fatalf("first column %+v", cols[0])
		}
	})
}

func TestBulkUpdateIsAllOrNothing(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "bulk")
	client := mustCaseClient(t, tn, "Acme", "")
	ctx := context.Background()
	a := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "a"})
	b := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "b"})

	_, err := tn.BulkUpdateCases(ctx, everything(owner), actorOf(owner), []string{a.ID, uuid.NewString(), b.ID}, tenant.CaseChange{Status: ptr(tenant.CaseResolved)})
	wantCode(t, err, apperr.NotFound)
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases WHERE status = 'resolved'`); n != 0 {
		t.Fatalf("%d cases changed", n)
	}
	n, err := tn.BulkUpdateCases(ctx, everything(owner), actorOf(owner), []string{a.ID, b.ID}, tenant.CaseChange{Status: ptr(tenant.CaseResolved)})
	if err != nil || n != 2 {
		t.Fatalf("changed %d, err %v", n, err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE kind = 'status' AND new_value = 'resolved'`); n != 2 {
		t.Fatalf("%d status events", n)
	}
}

func TestEditNoteKeepsHistory(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "notes")
	client := mustCaseClient(t, tn, "Acme", "")
	ctx := context.Background()
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "t"})
	n, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, "first text", false)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if _, err := tn.EditNote(ctx, everything(owner), actorOf(owner), k.ID, n.ID, "second text", true); err != nil {
		t.Fatal(err)
	}
	events, err := tn.CaseEvents(ctx, everything(owner), k.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: visibility change, body edit, note, created.
	if len(events) != 4 {
		t.Fatalf("%d events", len(events))
	}
	vis, body, note := events[0], events[1], events[2]
	if vis.Field != tenant.FieldVisibility || vis.OldValue != "internal" || vis.NewValue != "client" || vis.VisibleToClient {
		t.Errorf("visibility event %+v", vis)
	}
	if body.Field != tenant.FieldBody || body.OldValue != "first text" || body.NewValue != "second text" || body.VisibleToClient {
		t.Errorf("edit event %+v (an internal note's old text must not reach the client)", body)
	}
	if note.Kind != tenant.EventNote || note.NewValue != "first text" || note.Note == nil || note.Note.Body != "second text" || !note.Note.Edited() || !note.Note.VisibleToClient {
		t.Errorf("note event %+v note %+v", note, note.Note)
	}
	t.Run("an older page reads the same note from the notes table", func(t *testing.T) {
		older, err := tn.CaseEvents(ctx, everything(owner), k.ID, events[0].ID+1, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, want := older[2].Note, note.Note
		if got == nil || got.Body != want.Body || got.VisibleToClient != want.VisibleToClient || got.AuthorID != want.AuthorID ||
			!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
			t.Fatalf("from the table %+v, from the events %+v", got, want)
		}
	})
}

// BenchmarkCases reads the first 50-row page of 5,000 cases, as the case
// list does.
//
//	go test -run '^$' -bench BenchmarkCases -benchmem ./db/
func BenchmarkCases(b *testing.B) {
	f := mustOpenFixture(b)
	tn, owner := f.mustOpenAgency(b, "bench")
	ctx := context.Background()
	clients := make([]string, 100)
	for i := range clients {
		clients[i] = mustCaseClient(b, tn, fmt.Sprintf("Client %d", i), "")
	}
	err := tn.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= 5000; i++ {
			id := uuid.NewString()
			if _, err := tx.Exec(`INSERT INTO cases (id, number, client_id, title, status, priority, assignee_id, due_date, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'new', 'normal', ?, '2026-12-01', ?, ?)`, id, i, clients[i%100], fmt.Sprintf("Case %d", i), owner.ID, i, i); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO case_labels (case_id, label) VALUES (?, 'billing'), (?, 'vip')`, id, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rows, _, err := tn.Cases(ctx, everything(owner), tenant.CaseFilter{})
		if err != nil || len(rows) != 50 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}
