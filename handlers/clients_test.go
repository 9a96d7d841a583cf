package handlers_test

import (
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

func TestClientFormValidation(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	f.a.Owner.get(f.path("/new"))
	emails11 := lines("p%d@example.test", 11)
	phones11 := lines("+370 600 000%02d", 11)
	tags21 := strings.TrimSuffix(lines("t%d,", 21), "\n")
	tags21 = strings.ReplaceAll(tags21, "\n", "")
	cases := []struct {
		name  string
		field string
		value string
		want  string
	}{
		{"an empty name is refused", "name", "", "Enter the client&#39;s name."},
		{"a name over 200 characters is refused naming the limit", "name", repeat("n", 201), "The name can be at most 200 characters (this one has 201)."},
		{"an unknown kind is refused", "kind", "robot", "Choose whether the client is a person or a company."},
		{"a company code over 50 characters is refused", "company_code", repeat("C", 51), "The company code can be at most 50 characters"},
		{"a VAT number over 50 characters is refused", "vat_number", repeat("V", 51), "The VAT number can be at most 50 characters"},
		{"more than 10 emails are refused", "emails", emails11, "Enter at most 10 email addresses (there are 11)."},
		{"an invalid email is refused", "emails", "ok@example.test\nnot-an-address", "&#34;not-an-address&#34; is not a valid email address"},
		{"an email over 254 characters is refused", "emails", repeat("a", 250) + "@example.test", "An email address can be at most 254 characters"},
		{"more than 10 phones are refused", "phones", phones11, "Enter at most 10 phone numbers (there are 11)."},
		{"a phone over 40 characters is refused", "phones", repeat("1", 41), "A phone number can be at most 40 characters"},
		{"a phone with letters is refused", "phones", "+370 CALL ME", "is not a phone number: use digits, spaces and"},
		{"a street over 200 characters is refused", "street", repeat("s", 201), "The street can be at most 200 characters"},
		{"a city over 100 characters is refused", "city", repeat("c", 101), "The city can be at most 100 characters"},
		{"a postal code over 20 characters is refused", "postal_code", repeat("9", 21), "The postal code can be at most 20 characters"},
		{"a country over 100 characters is refused", "country", repeat("c", 101), "The country can be at most 100 characters"},
		{"notes over 10,000 characters are refused", "notes", repeat("x", 10001), "Notes can be at most 10,000 characters (these have 10,001)."},
		{"more than 20 tags are refused", "tags", tags21, "Add at most 20 tags (there are 21)."},
		{"a tag over 40 characters is refused", "tags", repeat("t", 41), "A tag can be at most 40 characters"},
		{"an unknown responsible person is refused", "responsible", "00000000-0000-0000-0000-000000000000", "Choose an active staff member of this agency."},
		{"a responsible person of another agency is refused", "responsible", f.bOwner.ID, "Choose an active staff member of this agency."},
		{"control characters in a name are refused", "name", "Bell\x07Co", "Use plain text without control characters."},
		{"bytes that are not UTF-8 are refused", "city", "Vilnius\xff", "not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := clientState(t, f.tn)
			form := clientValues("Valid Name", tc.field, tc.value)
			res := f.a.Owner.post(f.path(""), form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, tc.want)
			wantContains(t, res, `id="m-`+tc.field+`"`)
			wantContains(t, res, "Please correct the fields marked below.")
			if tc.field != "name" && tc.field != "responsible" {
				wantContains(t, res, `value="Valid Name"`) // what was typed is kept
			}
			wantUnchanged(t, f.tn, before)
		})
	}

	t.Run("the message sits at its own field", func(t *testing.T) {
		res := f.a.Owner.post(f.path(""), clientValues("", "city", repeat("c", 101)))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<span id="m-name" class="field-msg" aria-live="polite"><small class="field-error">Enter the client&#39;s name.</small></span>`)
		wantContains(t, res, `<span id="m-city" class="field-msg" aria-live="polite"><small class="field-error">The city can be at most 100 characters`)
	})
	t.Run("a disabled staff member cannot be made responsible", func(t *testing.T) {
		if err := f.tn.SetUserStatus(context.Background(), f.staff2.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		defer f.tn.SetUserStatus(context.Background(), f.staff2.ID, tenant.UserActive, tenant.Audit{Action: "user.enabled"})
		res := f.a.Owner.post(f.path(""), clientValues("Someone", "responsible", f.staff2.ID))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose an active staff member of this agency.")
	})
}

func TestClientCreateEditArchive(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	ctx := context.Background()
	f.a.Owner.get(f.path("/new"))

	var id string
	t.Run("a valid client is created normalised, audited, and its page opens", func(t *testing.T) {
		id = f.mustCreateClient(t, f.a.Owner, clientValues("  Ada   Lovelace ",
			"kind", "company", "company_code", "AL-1", "emails", "Ada@Example.TEST\nada@example.test, second@example.test",
			"phones", "+44 20 7946 0000\n(0) 123-456", "street", "1 Analytical Way", "city", "London", "postal_code", "N1",
			"country", "United Kingdom", "notes", "Line one\r\nLine two", "tags", "VIP, Engines ,vip", "responsible", f.staff1.ID))
		c := f.mustClient(t, id)
		if c.Name != "Ada Lovelace" || c.Kind != "company" || strings.Join(c.Emails, ",") != "ada@example.test,second@example.test" ||
			strings.Join(c.Tags, ",") != "engines,vip" || len(c.Phones) != 2 || c.Notes != "Line one\nLine two" || c.ResponsibleID != f.staff1.ID {
			t.Fatalf("stored %+v", c)
		}
		entries := auditEntries(t, f.tn, "client.created")
		if len(entries) != 1 || entries[0].Target != id || entries[0].ActorID != f.owner.ID {
			t.Fatalf("audit %+v", entries)
		}
		res := f.a.Owner.get(f.path("/" + id))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Ada Lovelace was added.")
		wantContains(t, res, `<a href="mailto:ada@example.test">ada@example.test</a>`)
		wantContains(t, res, `<span class="tag">engines</span>`)
		wantContains(t, res, "Line one\nLine two")
	})

	t.Run("an email of another client is a warning naming that client with a link", func(t *testing.T) {
		res := f.a.Owner.post(f.path(""), clientValues("", "emails", "ADA@example.test"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `ada@example.test already belongs to <a href="`+f.path("/"+id)+`">Ada Lovelace</a>`)
		// A warning does not stop the client from being added.
		other := f.mustCreateClient(t, f.a.Owner, clientValues("Ada's assistant", "emails", "ada@example.test"))
		if c := f.mustClient(t, other); len(c.Emails) != 1 {
			t.Fatalf("emails %v", c.Emails)
		}
	})

	t.Run("the validate endpoint answers the field slots out of band and changes nothing", func(t *testing.T) {
		before := clientState(t, f.tn)
		done := htmx(f.a.Owner, "HX-Trigger-Name", "name")
		res := f.a.Owner.post(f.path("/validate"), clientValues("", "city", repeat("c", 101), "emails", "ada@example.test"))
		done()
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<span id="m-name" class="field-msg" aria-live="polite" hx-swap-oob="true"><small class="field-error">Enter the client&#39;s name.</small>`)
		wantContains(t, res, `id="m-city"`)
		wantContains(t, res, "The city can be at most 100 characters")
		wantContains(t, res, `ada@example.test already belongs to <a href="`+f.path("/"+id)+`">Ada Lovelace</a>`)
		wantNotContains(t, res, `id="m-street"`) // an empty field nobody typed in is not reported
		wantNotContains(t, res, "<html")
		wantUnchanged(t, f.tn, before)
	})

	t.Run("the validate endpoint does not warn about the client's own email", func(t *testing.T) {
		done := htmx(f.a.Owner, "HX-Trigger-Name", "emails")
		res := f.a.Owner.post(f.path("/validate"), clientValues("Ada Lovelace", "emails", "second@example.test", "self", id))
		done()
		wantStatus(t, res, http.StatusOK)
		wantNotContains(t, res, "already belongs")
		wantContains(t, res, `<span id="m-emails" class="field-msg" aria-live="polite" hx-swap-oob="true"></span>`)
	})

	t.Run("an edit saves and audits each changed field before and after", func(t *testing.T) {
		f.e.clock.Advance(time.Minute)
		res := f.a.Owner.get(f.path("/" + id + "/edit"))
		wantStatus(t, res, http.StatusOK)
		c := f.mustClient(t, id)
		form := clientValues("Ada King", "kind", "person", "company_code", "AL-1", "emails", "ada@example.test\nsecond@example.test",
			"phones", strings.Join(c.Phones, "\n"), "street", c.Street, "city", "Oxford", "postal_code", c.PostalCode, "country", c.Country,
			"notes", c.Notes, "tags", "engines, vip, math", "responsible", f.staff2.ID, "version", "0")
		res = f.a.Owner.post(f.path("/"+id), form)
		wantStatus(t, res, http.StatusSeeOther)
		entries := auditEntries(t, f.tn, "client.updated")
		if len(entries) != 1 || entries[0].Target != id {
			t.Fatalf("audit %+v", entries)
		}
		d := entries[0].Detail
		for _, want := range []string{"name: Ada Lovelace → Ada King", "kind: company → person", "city: London → Oxford",
			"tags: engines, vip → engines, math, vip", "responsible: "} {
			if !strings.Contains(d, want) {
				t.Errorf("detail %q lacks %q", d, want)
			}
		}
		if strings.Contains(d, "street") || strings.Contains(d, "emails") {
			t.Errorf("unchanged fields in detail %q", d)
		}
	})

	t.Run("saving unchanged values writes nothing", func(t *testing.T) {
		before := clientState(t, f.tn)
		c := f.mustClient(t, id)
		res := f.a.Owner.post(f.path("/"+id), url.Values{"name": {c.Name}, "kind": {c.Kind}, "company_code": {c.CompanyCode},
			"emails": {strings.Join(c.Emails, "\n")}, "phones": {strings.Join(c.Phones, "\n")}, "street": {c.Street}, "city": {c.City},
			"postal_code": {c.PostalCode}, "country": {c.Country}, "notes": {c.Notes}, "tags": {strings.Join(c.Tags, ",")}, "responsible": {c.ResponsibleID}})
		wantStatus(t, res, http.StatusSeeOther)
		wantUnchanged(t, f.tn, before)
	})

	t.Run("inline edit swaps the card for the form and back", func(t *testing.T) {
		done := htmx(f.a.Owner)
		res := f.a.Owner.get(f.path("/" + id + "/edit"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<article id="client-card" class="client-card editing">`)
		wantContains(t, res, `hx-post="`+f.path("/"+id)+`" hx-target="#client-card" hx-swap="outerHTML"`)
		wantNotContains(t, res, "<html")
		c := f.mustClient(t, id)
		form := clientValues("Ada King", "kind", c.Kind, "company_code", c.CompanyCode, "emails", strings.Join(c.Emails, "\n"), "city", "Cambridge",
			"tags", strings.Join(c.Tags, ","), "responsible", c.ResponsibleID)
		res = f.a.Owner.post(f.path("/"+id), form)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<article id="client-card" class="client-card">`)
		wantContains(t, res, "Cambridge")
		if trig := res.Header.Get("HX-Trigger"); !strings.Contains(trig, "Saved.") || !strings.Contains(trig, `"client-changed"`) {
			t.Errorf("HX-Trigger %q: want the toast and client-changed", trig)
		}
		// The tabs reload on client-changed, so the activity tab shows the save.
		res = f.a.Owner.get(f.path("/" + id + "?tab=activity"))
		wantContains(t, res, `hx-get="`+f.path("/"+id)+`?tab=activity" hx-trigger="client-changed from:body"`)
		wantContains(t, res, "Cambridge")
		before := clientState(t, f.tn)
		res = f.a.Owner.post(f.path("/"+id), clientValues("", "city", "Paris"))
		done()
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, `<article id="client-card" class="client-card editing">`)
		wantContains(t, res, `value="Paris"`)
		wantContains(t, res, "Enter the client&#39;s name.")
		wantUnchanged(t, f.tn, before)
	})

	t.Run("a form older than the client's last change is a conflict that keeps the typed values", func(t *testing.T) {
		stale := f.mustClient(t, id).Version
		// The admin's write is within the same second: the version tells it apart.
		if _, _, err := f.tn.UpdateClient(ctx, tenant.Viewer{UserID: f.admin.ID}, id, 0, tenant.ClientInput{Name: "Ada by admin", Kind: "person"}, tenant.Audit{Action: "client.updated"}); err != nil {
			t.Fatal(err)
		}
		before := clientState(t, f.tn)
		res := f.a.Owner.post(f.path("/"+id), clientValues("Ada by owner", "version", itoa(stale)))
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "Someone else changed this client since you opened the form.")
		wantContains(t, res, `value="Ada by owner"`)
		wantUnchanged(t, f.tn, before)
		// The form now carries the new version: saving again works.
		wantContains(t, res, `name="version" value="`+itoa(f.mustClient(t, id).Version)+`"`)
	})

	t.Run("archive hides the client from the default list and restore brings it back, both audited", func(t *testing.T) {
		name := f.mustClient(t, id).Name
		wantStatus(t, f.a.Owner.post(f.path("/"+id+"/archive"), nil), http.StatusSeeOther)
		if !f.mustClient(t, id).Archived() {
			t.Fatal("not archived")
		}
		row := ">" + html.EscapeString(name) + "</a>"
		res := f.a.Owner.get(f.path(""))
		wantNotContains(t, res, row)
		res = f.a.Owner.get(f.path("?status=archived"))
		wantContains(t, res, row)
		wantContains(t, res, `<small class="badge">archived</small>`)
		res = f.a.Owner.get(f.path("/" + id))
		wantContains(t, res, "Restore")
		wantStatus(t, f.a.Owner.post(f.path("/"+id+"/restore"), nil), http.StatusSeeOther)
		if f.mustClient(t, id).Archived() {
			t.Fatal("not restored")
		}
		wantContains(t, f.a.Owner.get(f.path("")), row)
		if a := auditEntries(t, f.tn, "client.archived"); len(a) != 1 || a[0].Target != id {
			t.Fatalf("archived audit %+v", a)
		}
		if a := auditEntries(t, f.tn, "client.restored"); len(a) != 1 || a[0].Target != id {
			t.Fatalf("restored audit %+v", a)
		}
	})

	t.Run("archiving twice changes nothing the second time", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(f.path("/"+id+"/archive"), nil), http.StatusSeeOther)
		before := clientState(t, f.tn)
		wantStatus(t, f.a.Owner.post(f.path("/"+id+"/archive"), nil), http.StatusSeeOther)
		wantUnchanged(t, f.tn, before)
		wantStatus(t, f.a.Owner.post(f.path("/"+id+"/restore"), nil), http.StatusSeeOther)
	})

	t.Run("the activity tab lists the client's audit entries newest first", func(t *testing.T) {
		res := f.a.Owner.get(f.path("/" + id + "?tab=activity"))
		wantStatus(t, res, http.StatusOK)
		restored, archived := strings.Index(res.Body, "<strong>Restored</strong>"), strings.Index(res.Body, "<strong>Archived</strong>")
		created := strings.Index(res.Body, "<strong>Client created</strong>")
		if restored < 0 || archived < 0 || created < 0 || !(restored < archived && archived < created) {
			t.Fatalf("activity order: restored %d archived %d created %d\n%s", restored, archived, created, res.Body)
		}
		wantContains(t, res, "city: Oxford → Cambridge")
	})

	t.Run("the tabs are URLs, and htmx gets the tab alone", func(t *testing.T) {
		for tab, want := range map[string]string{"cases": "No cases yet.", "documents": "No documents yet.", "invoices": "No invoices yet."} {
			res := f.a.Owner.get(f.path("/" + id + "?tab=" + tab))
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, want)
			wantContains(t, res, `<article id="client-card"`)
		}
		wantContains(t, f.a.Owner.get(f.path("/"+id)), `href="/a/`+f.a.Slug+`/cases/new?client=`+id+`"`)
		done := htmx(f.a.Owner)
		res := f.a.Owner.get(f.path("/" + id + "?tab=documents"))
		done()
		wantContains(t, res, `<section id="client-tabs"`)
		wantNotContains(t, res, `id="client-card"`)
		wantStatus(t, f.a.Owner.get(f.path("/"+id+"?tab=secrets")), http.StatusNotFound)
	})

	t.Run("unknown and foreign client ids are 404 and change nothing", func(t *testing.T) {
		foreign, err := f.e.mustTenant(t, f.b.ID).CreateClient(ctx, tenant.Viewer{UserID: f.bOwner.ID}, tenant.ClientInput{Name: "B's client"}, tenant.Audit{Action: "client.created"})
		if err != nil {
			t.Fatal(err)
		}
		before := clientState(t, f.tn)
		for _, missing := range []string{"00000000-0000-0000-0000-000000000000", foreign.ID, "not-a-uuid"} {
			wantStatus(t, f.a.Owner.get(f.path("/"+missing)), http.StatusNotFound)
			wantStatus(t, f.a.Owner.get(f.path("/"+missing+"/edit")), http.StatusNotFound)
			wantStatus(t, f.a.Owner.post(f.path("/"+missing), clientValues("X")), http.StatusNotFound)
			wantStatus(t, f.a.Owner.post(f.path("/"+missing+"/archive"), nil), http.StatusNotFound)
			wantStatus(t, f.a.Owner.post(f.path("/"+missing+"/restore"), nil), http.StatusNotFound)
		}
		wantUnchanged(t, f.tn, before)
		// And A's client is not reachable under B's address by B's owner.
		wantStatus(t, f.b.Owner.get("/a/"+f.b.Slug+"/clients/"+id), http.StatusNotFound)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestClientPageCasesAndActivity(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	ctx := context.Background()
	c := f.mustSeedClient(t, tenant.ClientInput{Name: "Case Holder", ResponsibleID: f.staff1.ID})
	other := f.mustSeedClient(t, tenant.ClientInput{Name: "Someone Else"})
	// Cases are written by their own pages; here they are stored directly.
	caseID := "11111111-1111-1111-1111-111111111111"
	err := f.tn.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range []struct {
			id, client, title, status string
			number                    int
		}{{caseID, c.ID, "Broken boiler", "in_progress", 1}, {"22222222-2222-2222-2222-222222222222", other.ID, "Not theirs", "new", 2},
			{"33333333-3333-3333-3333-333333333333", c.ID, "Old leak", "closed", 42}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, number, client_id, title, status, assignee_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 1)`,
				k.id, k.number, k.client, k.title, k.status, f.staff1.ID); err != nil {
				return err
			}
		}
		for i := 0; i < 150; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, at, actor_name, kind, old_value, new_value) VALUES (?, ?, 'Staff Person', 'status', 'new', 'in_progress')`,
				caseID, f.e.clock.Now().Unix()+int64(i)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, at, actor_name, kind, new_value) VALUES ('22222222-2222-2222-2222-222222222222', 1, 'X', 'created', 'Not theirs')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the cases tab lists the client's cases with their numbers and a new case link", func(t *testing.T) {
		res := f.a.Owner.get(f.path("/" + c.ID))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, ">C-0001</a>")
		wantContains(t, res, ">C-0042</a>")
		wantContains(t, res, "Broken boiler")
		wantContains(t, res, `<span class="status status-in_progress">In progress</span>`)
		wantContains(t, res, `href="/a/`+f.a.Slug+`/cases/new?client=`+c.ID+`"`)
		wantNotContains(t, res, "Not theirs")
	})
	t.Run("the activity tab merges case events, newest first, at most 100", func(t *testing.T) {
		res := f.a.Owner.get(f.path("/" + c.ID + "?tab=activity"))
		wantStatus(t, res, http.StatusOK)
		if n := strings.Count(res.Body, "<li><time"); n != 100 {
			t.Fatalf("%d activity lines", n)
		}
		wantContains(t, res, "Status changed")
		wantContains(t, res, "New → In progress")
		wantNotContains(t, res, "Client created") // older than the 100 newest events
		wantNotContains(t, res, "Not theirs")
	})
	t.Run("restricted staff see the cases of their own client", func(t *testing.T) {
		if err := f.tn.SaveSettings(ctx, tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
			t.Fatal(err)
		}
		wantContains(t, f.staff1C.get(f.path("/"+c.ID)), "Broken boiler")
		wantStatus(t, f.staff2C.get(f.path("/"+c.ID)), http.StatusNotFound)
		wantStatus(t, f.staff1C.get(f.path("/"+other.ID+"?tab=activity")), http.StatusNotFound)
	})
}
