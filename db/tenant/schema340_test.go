package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"mintedmind/db/tenant"
)

// TestClientListColumnsKeepTheirOrder pins the values of the copies of each
// client's first email, first phone and tags (list_email, list_phone,
// list_tags) that the schema's triggers keep. The triggers were rewritten so
// that SQLite 3.40 parses them (schema.sql, migration 9: no group_concat
// ORDER BY); the values below were captured from the triggers of migration 8
// and must not change. Rows are written in an order other than their sort
// order, directly as well as through the client functions, and tags include
// capitals and non-ASCII letters, which sort by bytes (BINARY).
func TestClientListColumnsKeepTheirOrder(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "order340")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}

	type cols struct{ email, phone, tags string }
	get := func(t *testing.T, id string) cols {
		t.Helper()
		var c cols
		if err := tn.Read().QueryRowContext(ctx, `SELECT list_email, list_phone, list_tags FROM clients WHERE id = ?`, id).Scan(&c.email, &c.phone, &c.tags); err != nil {
			t.Fatal(err)
		}
		return c
	}
	want := func(t *testing.T, step, id string, w cols) {
		t.Helper()
		if got := get(t, id); got != w {
			t.Fatalf("%s: list columns are %+v, want %+v", step, got, w)
		}
	}
	exec := func(t *testing.T, stmts ...string) {
		t.Helper()
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("%s: %w", s, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// oracle compares every client's columns with what migration 8's
	// triggers computed, evaluated here by the driver's newer SQLite.
	oracle := func(t *testing.T) {
		t.Helper()
		var stale int
		err := tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM clients c WHERE
			list_email <> COALESCE((SELECT email FROM client_emails WHERE client_id = c.id ORDER BY position LIMIT 1), '')
			OR list_phone <> COALESCE((SELECT phone FROM client_phones WHERE client_id = c.id ORDER BY position LIMIT 1), '')
			OR list_tags <> COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = c.id), '')`).Scan(&stale)
		if err != nil || stale != 0 {
			t.Fatalf("%d clients with list columns other than migration 8's (%v)", stale, err)
		}
	}

	a, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Aušra",
		Emails: []string{"zed@x.test", "amy@x.test", "mid@x.test"},
		Phones: []string{"+370 9", "+370 1"},
		Tags:   []string{"zeta", "Ąžuolas", "Beta", "alpha", "10", "9"},
	}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "create", a.ID, cols{"zed@x.test", "+370 9", "10, 9, alpha, beta, zeta, ąžuolas"})

	b, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Bronius"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "create empty", b.ID, cols{})

	// Direct inserts, out of order: positions 5, 2, 9; tags unsorted and
	// in mixed case (the functions lowercase them; other writers may not).
	id := b.ID
	exec(t,
		`INSERT INTO client_emails (client_id, position, email) VALUES ('`+id+`', 5, 'e5@x.test')`,
		`INSERT INTO client_emails (client_id, position, email) VALUES ('`+id+`', 2, 'e2@x.test')`,
		`INSERT INTO client_emails (client_id, position, email) VALUES ('`+id+`', 9, 'a9@x.test')`,
		`INSERT INTO client_phones (client_id, position, phone) VALUES ('`+id+`', 3, '+370 3')`,
		`INSERT INTO client_phones (client_id, position, phone) VALUES ('`+id+`', 1, '+370 7')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', 'zeta')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', 'ąžuolas')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', 'Beta')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', 'alpha')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', 'Zulu')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', '10')`,
		`INSERT INTO client_tags (client_id, tag) VALUES ('`+id+`', '9')`,
	)
	want(t, "direct inserts", id, cols{"e2@x.test", "+370 7", "10, 9, Beta, Zulu, alpha, zeta, ąžuolas"})
	oracle(t)

	// Updates in place: reorder, rename, and move rows between clients
	// (the update triggers recompute both the old and the new client).
	exec(t,
		`UPDATE client_emails SET position = 0 WHERE client_id = '`+id+`' AND email = 'a9@x.test'`,
		`UPDATE client_phones SET position = 8 WHERE client_id = '`+id+`' AND phone = '+370 7'`,
		`UPDATE client_tags SET tag = 'aaa' WHERE client_id = '`+id+`' AND tag = 'zeta'`,
	)
	want(t, "updates", id, cols{"a9@x.test", "+370 3", "10, 9, Beta, Zulu, aaa, alpha, ąžuolas"})
	exec(t,
		`UPDATE client_tags SET client_id = '`+a.ID+`' WHERE client_id = '`+id+`' AND tag = 'Zulu'`,
		`UPDATE client_emails SET client_id = '`+a.ID+`', position = -1 WHERE client_id = '`+id+`' AND email = 'a9@x.test'`,
		`UPDATE client_phones SET client_id = '`+a.ID+`', position = 7 WHERE client_id = '`+id+`' AND phone = '+370 3'`,
	)
	want(t, "moves, to", a.ID, cols{"a9@x.test", "+370 9", "10, 9, Zulu, alpha, beta, zeta, ąžuolas"})
	want(t, "moves, from", id, cols{"e2@x.test", "+370 7", "10, 9, Beta, aaa, alpha, ąžuolas"})
	oracle(t)

	// Deletes: the first email and some tags, then everything.
	exec(t,
		`DELETE FROM client_emails WHERE client_id = '`+id+`' AND email = 'e2@x.test'`,
		`DELETE FROM client_tags WHERE client_id = '`+id+`' AND tag IN ('10', 'aaa')`,
	)
	want(t, "deletes", id, cols{"e5@x.test", "+370 7", "9, Beta, alpha, ąžuolas"})
	exec(t,
		`DELETE FROM client_emails WHERE client_id = '`+id+`'`,
		`DELETE FROM client_phones WHERE client_id = '`+id+`'`,
		`DELETE FROM client_tags WHERE client_id = '`+id+`'`,
	)
	want(t, "delete all", id, cols{})

	// Through the client functions: an edit, a bulk tag added after the
	// existing ones, and an import.
	if _, _, err := tn.UpdateClient(ctx, v, a.ID, 0, tenant.ClientInput{Name: "Aušra",
		Emails: []string{"mid@x.test", "zed@x.test"}, Phones: []string{"+370 5"}, Tags: []string{"omega", "delta", "Ūla"},
	}, tenant.Audit{Action: "client.updated"}); err != nil {
		t.Fatal(err)
	}
	want(t, "edit", a.ID, cols{"mid@x.test", "+370 5", "delta, omega, ūla"})
	if _, err := tn.BulkUpdateClients(ctx, v, tenant.ClientBulk{Action: tenant.ClientBulkTag, IDs: []string{a.ID, id}, Tag: "a-first"}, tenant.Audit{Action: "client.updated"}); err != nil {
		t.Fatal(err)
	}
	want(t, "bulk tag", a.ID, cols{"mid@x.test", "+370 5", "a-first, delta, omega, ūla"})
	want(t, "bulk tag on an empty client", id, cols{"", "", "a-first"})
	if _, err := tn.ImportClients(ctx, v, importRows(20, owner.Email), tenant.Audit{Action: "client.imported"}); err != nil {
		t.Fatal(err)
	}
	oracle(t)
	var imported cols
	if err := tn.Read().QueryRowContext(ctx, `SELECT list_email, list_phone, list_tags FROM clients WHERE name = 'Bulk Client 00012'`).Scan(&imported.email, &imported.phone, &imported.tags); err != nil {
		t.Fatal(err)
	}
	if w := (cols{"bulk00012@example.test", "+370 600 00012", "batch-5, bulk"}); imported != w {
		t.Fatalf("import: list columns are %+v, want %+v", imported, w)
	}
}
