package demodata_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/internal/demodata"
)

// mustDemoAgency makes an agency with an owner and two staff members.
func mustDemoAgency(t *testing.T, slug string) *tenant.Store {
	t.Helper()
	tn, _ := mustOpenAgency(t, slug)
	mustAddUser(t, tn, "staff1@"+slug+".test", tenant.RoleStaff)
	mustAddUser(t, tn, "staff2@"+slug+".test", tenant.RoleStaff)
	return tn
}

func TestGenerateDemo(t *testing.T) {
	ctx := context.Background()
	tn := mustDemoAgency(t, "demo-gen")
	size := demodata.Size{Clients: 40, Cases: 150, Events: 2000}
	var stages []string
	res, err := demodata.Generate(ctx, tn, size, 7, func(p demodata.Progress) { stages = append(stages, p.Stage) })
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the requested counts", func(t *testing.T) {
		if res.Clients != 40 || res.Cases != 150 || res.Events != 2000 || res.Notes == 0 {
			t.Fatalf("%+v", res)
		}
		for table, want := range map[string]int{"clients": 40, "cases": 150, "case_events": 2000, "notes": res.Notes} {
			if got := queryInt(t, tn, `SELECT COUNT(*) FROM `+table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM client_emails e WHERE e.client_id = c.id)
			OR NOT EXISTS (SELECT 1 FROM client_phones p WHERE p.client_id = c.id)`); n != 0 {
			t.Errorf("%d clients without an email or a phone", n)
		}
		if !strings.Contains(strings.Join(stages, " "), "cases") {
			t.Errorf("progress stages %v", stages)
		}
	})

	t.Run("case numbers are sequential and the sequence continues after them", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases WHERE number BETWEEN 1 AND 150`); n != 150 {
			t.Errorf("%d cases numbered 1 to 150", n)
		}
		if res.FirstNumber != 1 || res.LastNumber != 150 {
			t.Errorf("numbers %d to %d", res.FirstNumber, res.LastNumber)
		}
		if v := queryInt(t, tn, `SELECT value FROM sequences WHERE name = 'case'`); v != 150 {
			t.Errorf("case sequence %d, want 150", v)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases a JOIN cases b ON b.number = a.number + 1 WHERE b.created_at < a.created_at`); n != 0 {
			t.Errorf("%d cases are older than the case numbered before them", n)
		}
	})

	t.Run("histories reference existing cases and notes and start with the creation", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)`); n != 0 {
			t.Errorf("%d events of no case", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events e WHERE e.kind IN ('note', 'note_edited')
			AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = e.note_id AND n.case_id = e.case_id)`); n != 0 {
			t.Errorf("%d note events of no note of their case", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE (SELECT kind FROM case_events e WHERE e.case_id = c.id ORDER BY id LIMIT 1) <> 'created'`); n != 0 {
			t.Errorf("%d cases whose history does not start with their creation", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events a JOIN case_events b ON b.case_id = a.case_id AND b.id > a.id WHERE b.at < a.at`); n != 0 {
			t.Errorf("%d events older than an event before them", n)
		}
		// The eight kinds of a case's own history, and the billing events
		// of the invoices on cases.
		if n := queryInt(t, tn, `SELECT COUNT(DISTINCT kind) FROM case_events`); n != 11 {
			t.Errorf("%d kinds of events, want all 11", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM notes WHERE visible_to_client = 1`); n == 0 || n == res.Notes {
			t.Errorf("%d of %d notes visible to the client, want some", n, res.Notes)
		}
	})

	t.Run("each case ends as its history left it", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE c.status <> COALESCE(
			(SELECT new_value FROM case_events e WHERE e.case_id = c.id AND e.kind = 'status' ORDER BY id DESC LIMIT 1), 'new')`); n != 0 {
			t.Errorf("%d cases whose status is not their last status change", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE (c.status = 'closed') <> (c.closed_at IS NOT NULL)`); n != 0 {
			t.Errorf("%d cases with closed_at not matching their status", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c JOIN case_events e ON e.id = (SELECT MAX(id) FROM case_events WHERE case_id = c.id AND kind = 'assigned')
			WHERE e.new_value <> COALESCE((SELECT name FROM users u WHERE u.id = c.assignee_id), '')`); n != 0 {
			t.Errorf("%d cases whose assignee is not the last assignment", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM notes n WHERE n.body <> COALESCE(
			(SELECT new_value FROM case_events e WHERE e.note_id = n.id ORDER BY id DESC LIMIT 1), '')`); n != 0 {
			t.Errorf("%d notes whose text is not the last in their history", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE c.updated_at <> (SELECT MAX(at) FROM case_events e WHERE e.case_id = c.id)`); n != 0 {
			t.Errorf("%d cases not updated at their last event", n)
		}
	})

	t.Run("one case has the long history", func(t *testing.T) {
		if res.LongCaseID == "" || res.LongCaseNumber == 0 {
			t.Fatalf("%+v", res)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, res.LongCaseID); n != demodata.LongHistory {
			t.Errorf("%d events, want %d", n, demodata.LongHistory)
		}
	})

	t.Run("everything is in the search index", func(t *testing.T) {
		// Invoices and documents are found too (schema migration 10).
		want := 40 + 150 + res.Notes + queryInt(t, tn, `SELECT COUNT(*) FROM invoices`) + res.Documents
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM search_rows`); n != want {
			t.Errorf("%d entries, want %d", n, want)
		}
		owner := queryInt(t, tn, `SELECT COUNT(*) FROM users`)
		got, err := tn.Search(ctx, tenant.Viewer{UserID: "x"}, "client")
		if err != nil || len(got.Hits) == 0 || owner == 0 {
			t.Errorf("search for a demo word: %v %+v", err, got)
		}
	})

	t.Run("a second demo continues the numbers", func(t *testing.T) {
		more, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 2, Cases: 3, Events: 3}, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		if more.FirstNumber != 151 || more.LastNumber != 153 || more.LongCaseID != "" {
			t.Errorf("%+v", more)
		}
		if v := queryInt(t, tn, `SELECT value FROM sequences WHERE name = 'case'`); v != 153 {
			t.Errorf("case sequence %d", v)
		}
	})
}

func TestGenerateDemoIsDeterministic(t *testing.T) {
	ctx := context.Background()
	digest := func(seed uint64) string {
		tn := mustDemoAgency(t, "demo-seed")
		makeContact, _ := mustContactMaker(t, tn)
		if _, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 10, Cases: 30, Events: 200}, seed, nil, demodata.WithContact(makeContact)); err != nil {
			t.Fatal(err)
		}
		var s string
		err := tn.Read().QueryRowContext(ctx, `SELECT group_concat(number || title || status || priority || COALESCE(due_date, ''), '|')
			FROM (SELECT number, title, status, priority, due_date FROM cases ORDER BY number)`).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		var e string
		err = tn.Read().QueryRowContext(ctx, `SELECT group_concat(kind || field || new_value, '|') FROM (SELECT e.kind, e.field, e.new_value FROM case_events e JOIN cases c ON c.id = e.case_id ORDER BY c.number, e.id)`).Scan(&e)
		if err != nil {
			t.Fatal(err)
		}
		return s + e + demoRows(t, tn)
	}
	a, b, c := digest(42), digest(42), digest(43)
	if a != b {
		t.Error("the same seed made different data")
		al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Fatalf("first difference:\n%s\n%s", al[i], bl[i])
			}
		}
	}
	if a == c {
		t.Error("another seed made the same data")
	}
	for _, table := range demoTables {
		if !strings.Contains("\n"+a, "\n"+table+" [") {
			t.Errorf("no rows of %s compared", table)
		}
	}
}

// demoTables are the tables Generate writes (users only through the
// contact it is given).
var demoTables = []string{"clients", "client_emails", "client_phones", "client_tags", "cases", "case_labels", "notes", "case_events",
	"sequences", "invoices", "invoice_lines", "payments", "paysera_orders", "invoice_reminders", "recurring_invoices", "recurring_lines",
	"recurring_runs", "documents", "case_reads"}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// demoRows is every row Generate wrote, ids aside: each table's rows as
// text, in an order that does not depend on ids, with each id replaced by
// the order it first appears in, so that which row refers to which is
// compared too.
func demoRows(t *testing.T, tn *tenant.Store) string {
	t.Helper()
	labels := map[string]string{}
	var out strings.Builder
	for _, table := range demoTables {
		rows, err := tn.Read().QueryContext(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %v", table, vals))
		}
		rows.Close()
		withoutIDs := func(s string) string { return uuidPattern.ReplaceAllString(s, "-") }
		slices.SortStableFunc(lines, func(a, b string) int { return strings.Compare(withoutIDs(a), withoutIDs(b)) })
		for _, l := range lines {
			out.WriteString(uuidPattern.ReplaceAllStringFunc(l, func(id string) string {
				if labels[id] == "" {
					labels[id] = fmt.Sprintf("id%d", len(labels)+1)
				}
				return labels[id]
			}))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func TestGenerateDemoRefuses(t *testing.T) {
	ctx := context.Background()
	for name, size := range map[string]demodata.Size{
		"negative clients":        {Clients: -1},
		"too many cases":          {Clients: 1, Cases: demodata.MaxCases + 1, Events: demodata.MaxCases + 1},
		"too many events":         {Clients: 1, Cases: 1, Events: demodata.MaxEvents + 1},
		"cases without clients":   {Cases: 1, Events: 1},
		"fewer events than cases": {Clients: 1, Cases: 10, Events: 9},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, size.Validate(), apperr.Invalid)
		})
	}
	t.Run("an agency without staff", func(t *testing.T) {
		tn, _ := mustOpenAgency(t, "demo-nobody")
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE users SET status = 'disabled'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = demodata.Generate(ctx, tn, demodata.Size{Clients: 1, Cases: 1, Events: 1}, 1, nil)
		wantCode(t, err, apperr.Conflict)
	})
}
