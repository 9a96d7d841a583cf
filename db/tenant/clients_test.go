package tenant_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

func TestValidateClientLimits(t *testing.T) {
	t.Parallel()
	valid := func() tenant.ClientInput { return tenant.ClientInput{Name: "A", Kind: "person"} }
	many := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	cases := []struct {
		name  string
		edit  func(*tenant.ClientInput)
		field string // "" means valid
	}{
		{"a name of exactly 200 characters is fine", func(in *tenant.ClientInput) { in.Name = strings.Repeat("ž", 200) }, ""},
		{"a name of 201 characters is too long", func(in *tenant.ClientInput) { in.Name = strings.Repeat("ž", 201) }, "name"},
		{"a name of spaces is empty", func(in *tenant.ClientInput) { in.Name = "  \n " }, "name"},
		{"an empty kind means person", func(in *tenant.ClientInput) { in.Kind = "" }, ""},
		{"Company in capitals is a company", func(in *tenant.ClientInput) { in.Kind = "Company" }, ""},
		{"50 characters of company code are fine", func(in *tenant.ClientInput) { in.CompanyCode = strings.Repeat("c", 50) }, ""},
		{"51 characters of VAT number are too many", func(in *tenant.ClientInput) { in.VATNumber = strings.Repeat("v", 51) }, "vat_number"},
		{"10 emails are fine", func(in *tenant.ClientInput) {
			in.Emails = many(10, func(i int) string { return fmt.Sprintf("e%d@x.test", i) })
		}, ""},
		{"the same email twice counts once", func(in *tenant.ClientInput) {
			in.Emails = append(many(10, func(i int) string { return fmt.Sprintf("e%d@x.test", i) }), "E1@X.test")
		}, ""},
		{"11 emails are too many", func(in *tenant.ClientInput) {
			in.Emails = many(11, func(i int) string { return fmt.Sprintf("e%d@x.test", i) })
		}, "emails"},
		{"an email with a display name is refused", func(in *tenant.ClientInput) { in.Emails = []string{"Ada <ada@x.test>"} }, "emails"},
		{"10 phones are fine", func(in *tenant.ClientInput) {
			in.Phones = many(10, func(i int) string { return fmt.Sprintf("+1 (555) 000-%04d", i) })
		}, ""},
		{"a phone of 40 characters is fine", func(in *tenant.ClientInput) { in.Phones = []string{strings.Repeat("1", 40)} }, ""},
		{"a phone without digits is refused", func(in *tenant.ClientInput) { in.Phones = []string{"+ - ()"} }, "phones"},
		{"a phone with a letter is refused", func(in *tenant.ClientInput) { in.Phones = []string{"+370 6OO"} }, "phones"},
		{"a postal code of 21 characters is too long", func(in *tenant.ClientInput) { in.PostalCode = strings.Repeat("1", 21) }, "postal_code"},
		{"notes of 10,000 characters are fine", func(in *tenant.ClientInput) { in.Notes = strings.Repeat("ą", 10000) }, ""},
		{"notes keep new lines and tabs", func(in *tenant.ClientInput) { in.Notes = "a\n\tb" }, ""},
		{"notes with a NUL are refused", func(in *tenant.ClientInput) { in.Notes = "a\x00b" }, "notes"},
		{"20 tags are fine", func(in *tenant.ClientInput) { in.Tags = many(20, func(i int) string { return fmt.Sprintf("t%d", i) }) }, ""},
		{"21 tags are too many", func(in *tenant.ClientInput) { in.Tags = many(21, func(i int) string { return fmt.Sprintf("t%d", i) }) }, "tags"},
		{"a tag with a comma is refused", func(in *tenant.ClientInput) { in.Tags = []string{"a,b"} }, "tags"},
		{"a tag of 40 characters is fine", func(in *tenant.ClientInput) { in.Tags = []string{strings.Repeat("t", 40)} }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			tenant.NormalizeClient(&in)
			errs := tenant.ValidateClient(in)
			if tc.field == "" && len(errs) > 0 {
				t.Fatalf("unexpected %v", errs)
			}
			if tc.field != "" && (len(errs) != 1 || errs[tc.field] == "") {
				t.Fatalf("want an error on %s, got %v", tc.field, errs)
			}
		})
	}
	t.Run("normalising lowercases tags and emails and drops repeats", func(t *testing.T) {
		in := tenant.ClientInput{Name: " A  B ", Emails: []string{" X@Y.test", "x@y.test"}, Tags: []string{"VIP", " vip", "Gold  Star"}, Phones: []string{"+1  2", "+1 2"}}
		tenant.NormalizeClient(&in)
		if in.Name != "A B" || strings.Join(in.Emails, ",") != "x@y.test" || strings.Join(in.Tags, ",") != "gold star,vip" || len(in.Phones) != 1 || in.Kind != "person" {
			t.Fatalf("%+v", in)
		}
	})
}

func TestListClientsKeyset(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "keyset")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	// Names repeat (so the id breaks ties) and clients share creation times.
	var want []string
	for i := 0; i < 23; i++ {
		c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: []string{"alpha", "Beta", "beta", "Gamma"}[i%4]}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c.ID)
		if i%3 == 0 {
			f.clock.Advance(time.Second)
		}
	}
	for _, sort := range []string{tenant.ClientSortName, tenant.ClientSortNewest, tenant.ClientSortUpdated} {
		t.Run(sort+" pages cover every client once, in order", func(t *testing.T) {
			all, err := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: sort, Limit: 500})
			if err != nil || len(all.Rows) != 23 || all.More {
				t.Fatalf("%v: %d rows, more %v", err, len(all.Rows), all.More)
			}
			var got []tenant.ClientRow
			after := ""
			for {
				page, err := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: sort, Limit: 5, After: after})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page.Rows...)
				if !page.More {
					break
				}
				after = page.Rows[len(page.Rows)-1].Cursor
			}
			if len(got) != 23 {
				t.Fatalf("%d rows over the pages", len(got))
			}
			for i := range got {
				if got[i].ID != all.Rows[i].ID {
					t.Fatalf("row %d: paged %s, whole %s", i, got[i].ID, all.Rows[i].ID)
				}
			}
			through, err := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: sort, Limit: 5, Through: all.Rows[11].Cursor})
			if err != nil || len(through.Rows) != 12 || !through.More || through.Rows[11].ID != all.Rows[11].ID {
				t.Fatalf("through: %v, %d rows, more %v", err, len(through.Rows), through.More)
			}
		})
	}
	t.Run("a cursor of another sort is refused", func(t *testing.T) {
		page, _ := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: tenant.ClientSortName, Limit: 5})
		_, err := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: tenant.ClientSortNewest, After: page.Rows[4].Cursor})
		if !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestImportClientsAllOrNothing(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "allornothing")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	count := func() int {
		var n int
		tn.Read().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM clients) + (SELECT COUNT(*) FROM client_emails) + (SELECT COUNT(*) FROM audit_log WHERE action = 'client.imported')`).Scan(&n)
		return n
	}
	t.Run("a bad last row imports nothing", func(t *testing.T) {
		rows := importRows(1200, owner.Email)
		rows[len(rows)-1].Input.Emails = []string{"not an address"}
		before := count()
		_, err := tn.ImportClients(ctx, v, rows, tenant.Audit{Action: "client.imported"})
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "Row 1201: emails:") {
			t.Fatalf("err %v", err)
		}
		if count() != before {
			t.Fatal("something was written")
		}
	})
	t.Run("a last row whose responsible person is unknown imports nothing", func(t *testing.T) {
		rows := importRows(700, "")
		rows[len(rows)-1].ResponsibleEmail = "nobody@example.test"
		before := count()
		if _, err := tn.ImportClients(ctx, v, rows, tenant.Audit{Action: "client.imported"}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("err %v", err)
		}
		if count() != before {
			t.Fatal("something was written")
		}
	})
	t.Run("good rows are imported with their lists and one audit entry", func(t *testing.T) {
		n, err := tn.ImportClients(ctx, v, importRows(1001, owner.Email), tenant.Audit{Action: "client.imported"})
		if err != nil || n != 1001 {
			t.Fatalf("%d, %v", n, err)
		}
		page, err := tn.ListClients(ctx, v, tenant.ClientFilter{Query: "office01000@"})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].Tags != "batch-6, bulk" || page.Rows[0].Responsible != owner.Name {
			t.Fatalf("%v %+v", err, page.Rows)
		}
		entries, _ := tn.AuditLog(ctx, tenant.AuditFilter{Action: "client.imported"})
		if len(entries) != 1 || entries[0].Detail != "1001 clients" {
			t.Fatalf("%+v", entries)
		}
	})
}

func TestClientVisibilityInDB(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "dbvisibility")
	ctx := context.Background()
	admin := tenant.Viewer{UserID: owner.ID}
	own := tenant.Viewer{UserID: "someone-else", OwnOnly: true}
	c, err := tn.CreateClient(ctx, admin, tenant.ClientInput{Name: "Owner's", ResponsibleID: owner.ID}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a viewer limited to their own clients cannot load, list, change or archive another's", func(t *testing.T) {
		if _, err := tn.Client(ctx, own, c.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("load: %v", err)
		}
		if page, _ := tn.ListClients(ctx, own, tenant.ClientFilter{}); len(page.Rows) != 0 {
			t.Fatal("listed")
		}
		if _, _, err := tn.UpdateClient(ctx, own, c.ID, 0, tenant.ClientInput{Name: "x"}, tenant.Audit{Action: "client.updated"}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("update: %v", err)
		}
		if _, err := tn.SetClientArchived(ctx, own, c.ID, true, tenant.Audit{Action: "client.archived"}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("archive: %v", err)
		}
		if _, err := tn.BulkUpdateClients(ctx, own, tenant.ClientBulk{Action: tenant.ClientBulkArchive, IDs: []string{c.ID}}, tenant.Audit{}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("bulk: %v", err)
		}
	})
}

func TestClientQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "plans")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	if _, err := tn.ImportClients(ctx, v, importRows(300, ""), tenant.Audit{Action: "client.imported"}); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{tenant.ClientSortName, tenant.ClientSortNewest, tenant.ClientSortUpdated} {
		page, err := tn.ListClients(ctx, v, tenant.ClientFilter{Sort: sort, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(sort+": a later page seeks in its index instead of scanning from the start", func(t *testing.T) {
			plan := tenant.ExplainClientList(t, tn, v, tenant.ClientFilter{Sort: sort, Limit: 50, After: page.Rows[49].Cursor})
			if !regexp.MustCompile(`SEARCH c USING (COVERING )?INDEX clients_(name|created|updated) \(`).MatchString(plan) {
				t.Fatalf("plan:\n%s", plan)
			}
		})
	}
	t.Run("a tag most clients have walks the sort index instead of sorting every match", func(t *testing.T) {
		plan := tenant.ExplainClientList(t, tn, v, tenant.ClientFilter{Tag: "bulk", Sort: tenant.ClientSortUpdated, Limit: 50})
		if !regexp.MustCompile(`SCAN c USING (COVERING )?INDEX clients_updated`).MatchString(plan) || strings.Contains(plan, "client_tags_tag") {
			t.Fatalf("plan:\n%s", plan)
		}
	})
	t.Run("a rare tag starts from the tag index", func(t *testing.T) {
		plan := tenant.ExplainClientList(t, tn, v, tenant.ClientFilter{Tag: "batch-3", Sort: tenant.ClientSortUpdated, Limit: 50})
		if !strings.Contains(plan, "client_tags_tag (tag=?)") {
			t.Fatalf("plan:\n%s", plan)
		}
	})
	t.Run("a search seeks by prefix in the name, company code and email indexes", func(t *testing.T) {
		plan := tenant.ExplainClientList(t, tn, v, tenant.ClientFilter{Query: "Bulk Client 0001", Sort: tenant.ClientSortName, Limit: 50})
		for _, want := range []string{"clients_name (name>? AND name<?)", "clients_company_code (company_code>? AND company_code<?)", "client_emails_email (email>? AND email<?)"} {
			if !strings.Contains(plan, want) {
				t.Fatalf("plan lacks %q:\n%s", want, plan)
			}
		}
	})
}

// TestClientListColumnsFollowEdits checks the copies of each client's first
// email, first phone and tags that the list reads (schema.sql, migration 8)
// against their tables after every kind of write.
func TestClientListColumnsFollowEdits(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "listcols")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	row := func(t *testing.T, id string) tenant.ClientRow {
		t.Helper()
		page, err := tn.ListClients(ctx, v, tenant.ClientFilter{Status: tenant.ClientStatusAll, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("client %s not listed", id)
		return tenant.ClientRow{}
	}
	consistent := func(t *testing.T) {
		t.Helper()
		var stale int
		err := tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM clients c WHERE
			list_email <> COALESCE((SELECT email FROM client_emails WHERE client_id = c.id ORDER BY position LIMIT 1), '')
			OR list_phone <> COALESCE((SELECT phone FROM client_phones WHERE client_id = c.id ORDER BY position LIMIT 1), '')
			OR list_tags <> COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = c.id), '')`).Scan(&stale)
		if err != nil || stale != 0 {
			t.Fatalf("%d clients with stale list columns (%v)", stale, err)
		}
	}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Rasa", Emails: []string{"b@x.test", "a@x.test"}, Phones: []string{"+370 1", "+370 2"}, Tags: []string{"vip", "gold"}}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	if r := row(t, c.ID); r.Email != "b@x.test" || r.Phone != "+370 1" || r.Tags != "gold, vip" {
		t.Fatalf("after create: %+v", r)
	}
	if _, _, err := tn.UpdateClient(ctx, v, c.ID, 0, tenant.ClientInput{Name: "Rasa", Emails: []string{"a@x.test"}, Tags: []string{"zeta"}}, tenant.Audit{Action: "client.updated"}); err != nil {
		t.Fatal(err)
	}
	if r := row(t, c.ID); r.Email != "a@x.test" || r.Phone != "" || r.Tags != "zeta" {
		t.Fatalf("after edit: %+v", r)
	}
	if _, err := tn.BulkUpdateClients(ctx, v, tenant.ClientBulk{Action: tenant.ClientBulkTag, IDs: []string{c.ID}, Tag: "alpha"}, tenant.Audit{Action: "client.updated"}); err != nil {
		t.Fatal(err)
	}
	if r := row(t, c.ID); r.Tags != "alpha, zeta" {
		t.Fatalf("after bulk tag: %+v", r)
	}
	if _, err := tn.ImportClients(ctx, v, importRows(30, owner.Email), tenant.Audit{Action: "client.imported"}); err != nil {
		t.Fatal(err)
	}
	consistent(t)
	if _, err := tn.EraseClient(ctx, v, c.ID, "Rasa", tenant.Audit{Action: "client.erased"}); err != nil {
		t.Fatal(err)
	}
	if r := row(t, c.ID); strings.Contains(r.Email+r.Phone, "x.test") {
		t.Fatalf("after erasure the list still shows %+v", r)
	}
	consistent(t)
}
