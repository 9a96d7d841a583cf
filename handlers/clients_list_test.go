package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

var (
	rowLink     = regexp.MustCompile(`<td data-label="Name"><a href="[^"]+/clients/([0-9a-f-]{36})">([^<]*)</a>`)
	loadMoreURL = regexp.MustCompile(`<a href="([^"]+)" hx-get="[^"]+" hx-target="closest tr" hx-swap="outerHTML"`)
)

// listedNames returns the names of the client rows in a response, in order.
func listedNames(res *response) []string {
	var out []string
	for _, m := range rowLink.FindAllStringSubmatch(res.Body, -1) {
		out = append(out, m[2])
	}
	return out
}

func moreLink(t *testing.T, res *response) string {
	t.Helper()
	m := loadMoreURL.FindStringSubmatch(res.Body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

func TestClientList(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	// 120 clients, one minute apart: Client 000 is the oldest.
	for i := 0; i < 120; i++ {
		in := tenant.ClientInput{Name: fmt.Sprintf("Client %03d", i), Emails: []string{fmt.Sprintf("c%03d@example.test", i)}}
		if i%10 == 0 {
			in.Tags = []string{"vip"}
		}
		if i%3 == 0 {
			in.ResponsibleID = f.staff1.ID
		}
		f.mustSeedClient(t, in)
		f.e.clock.Advance(time.Minute)
	}
	f.mustSeedClient(t, tenant.ClientInput{Name: "Zebra Works", Kind: "company", CompanyCode: "ZW-778", Emails: []string{"hello@zebra.test"}})
	archived := f.mustSeedClient(t, tenant.ClientInput{Name: "Old Archive", Emails: []string{"old@example.test"}})
	if _, err := f.tn.SetClientArchived(context.Background(), tenant.Viewer{UserID: f.owner.ID}, archived.ID, true, tenant.Audit{Action: "client.archived"}); err != nil {
		t.Fatal(err)
	}
	b := f.a.Owner

	t.Run("the first page shows 50 clients by name and a load more link", func(t *testing.T) {
		res := b.get(f.path(""))
		wantStatus(t, res, http.StatusOK)
		names := listedNames(res)
		if len(names) != 50 || names[0] != "Client 000" || names[49] != "Client 049" {
			t.Fatalf("names %v", names)
		}
		if res.Header.Get("Vary") == "" {
			t.Error("no Vary header")
		}
		if moreLink(t, res) == "" {
			t.Fatal("no load more link")
		}
	})

	t.Run("load more walks every client once with a keyset cursor", func(t *testing.T) {
		done := htmx(b)
		defer done()
		seen := map[string]bool{}
		next := f.path("")
		pages := 0
		var lastPush string
		for next != "" {
			res := b.get(next)
			wantStatus(t, res, http.StatusOK)
			if strings.Contains(res.Body, "<html") {
				t.Fatal("htmx got a full page")
			}
			for _, n := range listedNames(res) {
				if seen[n] {
					t.Fatalf("%s shown twice", n)
				}
				seen[n] = true
			}
			if pages > 0 {
				if strings.Contains(res.Body, `id="client-results"`) {
					t.Fatal("load more got the whole results, not rows")
				}
				lastPush = res.Header.Get("HX-Push-Url")
				if !strings.Contains(lastPush, "through=") {
					t.Fatalf("HX-Push-Url %q", lastPush)
				}
			}
			if strings.Contains(next, "offset") {
				t.Fatal("offset paging")
			}
			next = moreLink(t, res)
			pages++
		}
		if len(seen) != 121 || pages != 3 || seen["Old Archive"] {
			t.Fatalf("saw %d clients in %d pages", len(seen), pages)
		}
		// The pushed URL, reloaded as a full page, shows every row loaded so far.
		done()
		res := b.get(lastPush)
		wantStatus(t, res, http.StatusOK)
		if n := len(listedNames(res)); n != 121 {
			t.Fatalf("reloaded through-URL shows %d rows", n)
		}
		if moreLink(t, res) != "" {
			t.Fatal("load more after the last row")
		}
	})

	t.Run("a through-URL in the middle keeps the load more link", func(t *testing.T) {
		res := b.get(f.path(""))
		done := htmx(b)
		res = b.get(moreLink(t, res))
		done()
		push := res.Header.Get("HX-Push-Url")
		res = b.get(push)
		if names := listedNames(res); len(names) != 100 || names[99] != "Client 099" {
			t.Fatalf("through page: %d rows", len(names))
		}
		if moreLink(t, res) == "" {
			t.Fatal("no load more link")
		}
	})

	t.Run("without JavaScript the load more link is a next page", func(t *testing.T) {
		res := b.get(f.path(""))
		res = b.get(moreLink(t, res))
		wantStatus(t, res, http.StatusOK)
		names := listedNames(res)
		if len(names) != 50 || names[0] != "Client 050" {
			t.Fatalf("names %v", names)
		}
		wantContains(t, res, "Back to the first clients")
	})

	searches := []struct {
		name, query string
		want        []string
	}{
		{"search matches a name prefix, ignoring case", "q=client+11", []string{"Client 110", "Client 119"}},
		{"search matches an email prefix", "q=C007%40", []string{"Client 007"}},
		{"search matches a company code prefix", "q=zw-7", []string{"Zebra Works"}},
		{"search does not match the middle of a name", "q=works", nil},
		{"the tag filter shows only tagged clients", "tag=VIP", []string{"Client 000", "Client 110"}},
		{"the responsible filter shows that person's clients", "responsible=" + f.staff1.ID + "&q=client+00", []string{"Client 000", "Client 009"}},
		{"the nobody-responsible filter", "responsible=none&q=client+00", []string{"Client 001", "Client 008"}},
		{"archived clients are shown by the archived filter only", "status=archived", []string{"Old Archive"}},
		{"all clients include the archived", "status=all&q=old", []string{"Old Archive"}},
		{"newest first", "sort=newest&q=client", []string{"Client 119", "Client 070"}},
		{"recently updated first", "sort=updated&q=client+1", []string{"Client 119", "Client 100"}},
	}
	for _, s := range searches {
		t.Run(s.name, func(t *testing.T) {
			res := b.get(f.path("?" + s.query))
			wantStatus(t, res, http.StatusOK)
			names := listedNames(res)
			if len(s.want) == 0 {
				if len(names) != 0 {
					t.Fatalf("names %v", names)
				}
				wantContains(t, res, "No clients match.")
				return
			}
			if len(names) == 0 || names[0] != s.want[0] || names[len(names)-1] != s.want[len(s.want)-1] {
				t.Fatalf("names %v, want first %s last %s", names, s.want[0], s.want[len(s.want)-1])
			}
		})
	}

	t.Run("a search as you type answers the results fragment and the canonical URL", func(t *testing.T) {
		done := htmx(b)
		res := b.get(f.path("?q=zeb&tag=&responsible=&status=active&sort=name"))
		done()
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `<div id="client-results">`)
		wantNotContains(t, res, "<html")
		if got := res.Header.Get("HX-Push-Url"); got != f.path("?q=zeb") {
			t.Fatalf("HX-Push-Url %q", got)
		}
		if names := listedNames(res); len(names) != 1 || names[0] != "Zebra Works" {
			t.Fatalf("names %v", names)
		}
	})

	t.Run("boosted and history-restore requests get the full page", func(t *testing.T) {
		for _, h := range []string{"HX-Boosted", "HX-History-Restore-Request"} {
			done := htmx(b, h, "true")
			res := b.get(f.path("?q=zeb"))
			done()
			wantContains(t, res, "<html")
			wantContains(t, res, `value="zeb"`)
		}
	})

	t.Run("every list state survives a reload: filters come back selected", func(t *testing.T) {
		res := b.get(f.path("?tag=vip&status=all&sort=newest&responsible=" + f.staff1.ID))
		wantContains(t, res, `<option value="vip" selected>vip</option>`)
		wantContains(t, res, `<option value="all" selected>`)
		wantContains(t, res, `<option value="newest" selected>`)
		wantContains(t, res, `<option value="`+f.staff1.ID+`" selected>`)
		wantContains(t, res, `name="back" value="`+f.path("?responsible="+f.staff1.ID+"&amp;sort=newest&amp;status=all&amp;tag=vip")+`"`)
	})

	bad := map[string]string{
		"an unknown sort is refused":    "sort=price",
		"an unknown status is refused":  "status=deleted",
		"a broken cursor is refused":    "after=%%%",
		"a cursor of junk is refused":   "through=bm90LWEtdGltZQ.x&sort=newest",
		"an overlong search is refused": "q=" + strings.Repeat("a", 201),
	}
	for name, q := range bad {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, b.get(f.path("?"+q)), http.StatusUnprocessableEntity)
		})
	}
}

func TestClientBulk(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	var ids []string
	for i := 0; i < 4; i++ {
		ids = append(ids, f.mustSeedClient(t, tenant.ClientInput{Name: fmt.Sprintf("Bulk %d", i)}).ID)
	}
	b := f.a.Owner
	b.get(f.path(""))
	bulk := func(action string, kv ...string) url.Values {
		v := url.Values{"action": {action}, "id": ids[:2], "back": {f.path("?sort=newest")}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("adding a tag tags the selected clients, audits each, and goes back to the list", func(t *testing.T) {
		res := b.post(f.path("/bulk"), bulk("tag", "tag", " Priority "))
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.path("?sort=newest") {
			t.Fatalf("Location %q", loc)
		}
		for i, id := range ids {
			c := f.mustClient(t, id)
			if tagged := len(c.Tags) == 1 && c.Tags[0] == "priority"; tagged != (i < 2) {
				t.Errorf("%s tags %v", c.Name, c.Tags)
			}
		}
		if a := auditEntries(t, f.tn, "client.updated"); len(a) != 2 || !strings.Contains(a[0].Detail, "tags: — → priority") {
			t.Fatalf("audit %+v", a)
		}
	})
	t.Run("assigning makes the person responsible", func(t *testing.T) {
		wantStatus(t, b.post(f.path("/bulk"), bulk("assign", "responsible", f.staff1.ID)), http.StatusSeeOther)
		for _, id := range ids[:2] {
			if c := f.mustClient(t, id); c.ResponsibleID != f.staff1.ID {
				t.Fatalf("responsible %q", c.ResponsibleID)
			}
		}
	})
	t.Run("archiving archives the selected clients", func(t *testing.T) {
		wantStatus(t, b.post(f.path("/bulk"), bulk("archive")), http.StatusSeeOther)
		if !f.mustClient(t, ids[0]).Archived() || f.mustClient(t, ids[2]).Archived() {
			t.Fatal("wrong clients archived")
		}
		if a := auditEntries(t, f.tn, "client.archived"); len(a) != 2 {
			t.Fatalf("audit %+v", a)
		}
	})
	t.Run("a back address elsewhere is ignored", func(t *testing.T) {
		res := b.post(f.path("/bulk"), bulk("tag", "tag", "x", "back", "https://evil.test/a/"+f.a.Slug+"/clients"))
		if loc := res.Header.Get("Location"); loc != f.path("") {
			t.Fatalf("Location %q", loc)
		}
	})

	refusals := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"an id that does not exist changes nothing", bulk("tag", "tag", "new", "id", "00000000-0000-0000-0000-000000000000"), http.StatusNotFound, "One of the selected clients was not found"},
		{"a responsible person of another agency changes nothing", bulk("assign", "responsible", f.bOwner.ID), http.StatusUnprocessableEntity, "Choose an active staff member of this agency."},
		{"a tag with a comma changes nothing", bulk("tag", "tag", "a,b"), http.StatusUnprocessableEntity, "Tags can&#39;t contain commas"},
		{"an empty tag changes nothing", bulk("tag", "tag", " "), http.StatusUnprocessableEntity, "Enter the tag to add."},
		{"an unknown action changes nothing", bulk("delete"), http.StatusUnprocessableEntity, "Choose an action"},
		{"no selection changes nothing", url.Values{"action": {"archive"}}, http.StatusUnprocessableEntity, "Select at least one client first."},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			if r.name == "an id that does not exist changes nothing" {
				r.form["id"] = append(ids[2:], "00000000-0000-0000-0000-000000000000")
			}
			before := clientState(t, f.tn)
			res := b.post(f.path("/bulk"), r.form)
			wantStatus(t, res, r.status)
			wantContains(t, res, r.want)
			wantUnchanged(t, f.tn, before)
		})
	}
	t.Run("with htmx a refusal is a toast that leaves the page alone", func(t *testing.T) {
		done := htmx(b, "HX-Boosted", "true")
		res := b.post(f.path("/bulk"), bulk("assign", "responsible", f.bOwner.ID))
		done()
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if res.Header.Get("HX-Reswap") != "none" || !strings.Contains(res.Header.Get("HX-Trigger"), "Choose an active staff member") {
			t.Fatalf("headers %v", res.Header)
		}
	})
}

func TestClientStaffVisibility(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	ctx := context.Background()
	if err := f.tn.SaveSettings(ctx, tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	mine := f.mustSeedClient(t, tenant.ClientInput{Name: "Mine Ltd", Emails: []string{"shared@example.test"}, ResponsibleID: f.staff1.ID})
	theirs := f.mustSeedClient(t, tenant.ClientInput{Name: "Theirs Ltd", Emails: []string{"secret@example.test"}, ResponsibleID: f.staff2.ID})
	nobodys := f.mustSeedClient(t, tenant.ClientInput{Name: "Nobodys Ltd"})
	s := f.staff1C
	s.get(f.path(""))

	t.Run("restricted staff see only their clients in the list", func(t *testing.T) {
		res := s.get(f.path("?status=all"))
		if names := listedNames(res); len(names) != 1 || names[0] != "Mine Ltd" {
			t.Fatalf("names %v", names)
		}
		wantNotContains(t, res, `name="responsible" aria-label="Responsible person"`) // no filter by others
	})
	t.Run("restricted staff get 404 for other clients, exactly like a missing one", func(t *testing.T) {
		before := clientState(t, f.tn)
		for _, id := range []string{theirs.ID, nobodys.ID} {
			res := s.get(f.path("/" + id))
			wantStatus(t, res, http.StatusNotFound)
			wantContains(t, res, "Client not found.")
			wantStatus(t, s.get(f.path("/"+id+"/edit")), http.StatusNotFound)
			wantStatus(t, s.post(f.path("/"+id), clientValues("Stolen")), http.StatusNotFound)
			wantStatus(t, s.post(f.path("/"+id+"/archive"), nil), http.StatusNotFound)
			wantStatus(t, s.post(f.path("/bulk"), url.Values{"action": {"tag"}, "tag": {"x"}, "id": {mine.ID, id}}), http.StatusNotFound)
		}
		wantUnchanged(t, f.tn, before)
		missing := s.get(f.path("/00000000-0000-0000-0000-000000000000"))
		wantStatus(t, missing, http.StatusNotFound)
		wantContains(t, missing, "Client not found.")
	})
	t.Run("restricted staff can only make themselves responsible", func(t *testing.T) {
		res := s.get(f.path("/new"))
		wantNotContains(t, res, `value="`+f.staff2.ID+`"`)
		wantNotContains(t, res, `<option value="">Nobody</option>`)
		before := clientState(t, f.tn)
		for _, who := range []string{f.staff2.ID, ""} {
			res = s.post(f.path(""), clientValues("Handed over", "responsible", who))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "You can only make yourself responsible")
		}
		wantStatus(t, s.post(f.path("/bulk"), url.Values{"action": {"assign"}, "responsible": {f.staff2.ID}, "id": {mine.ID}}), http.StatusUnprocessableEntity)
		wantUnchanged(t, f.tn, before)
		f.mustCreateClient(t, s, clientValues("My new client", "responsible", f.staff1.ID))
	})
	t.Run("a duplicate email of a client they cannot see is not named", func(t *testing.T) {
		done := htmx(s, "HX-Trigger-Name", "emails")
		res := s.post(f.path("/validate"), clientValues("X", "emails", "secret@example.test", "responsible", f.staff1.ID))
		done()
		wantContains(t, res, "secret@example.test already belongs to another client")
		wantNotContains(t, res, "Theirs Ltd")
	})
	t.Run("restricted staff export only their clients", func(t *testing.T) {
		res := s.get(f.path("/export.csv"))
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body, "Mine Ltd") || strings.Contains(res.Body, "Theirs Ltd") || strings.Contains(res.Body, "Nobodys Ltd") {
			t.Fatalf("export:\n%s", res.Body)
		}
	})
	t.Run("admins and owners see every client", func(t *testing.T) {
		for _, b := range []*browser{f.adminC, f.a.Owner} {
			res := b.get(f.path(""))
			if names := listedNames(res); len(names) != 4 {
				t.Fatalf("names %v", names)
			}
			wantStatus(t, b.get(f.path("/"+theirs.ID)), http.StatusOK)
		}
	})
	t.Run("with the setting off staff see every client", func(t *testing.T) {
		if err := f.tn.SaveSettings(ctx, tenant.Settings{}, tenant.Audit{Action: "settings.changed"}); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, s.get(f.path("/"+theirs.ID)), http.StatusOK)
	})
}

func TestClientExport(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	f.mustSeedClient(t, tenant.ClientInput{Name: "=cmd|' /C calc'!A0", Emails: []string{"evil@example.test"}, Phones: []string{"+370 600 00000"},
		Notes: "@SUM(1+1)\nsecond line", Tags: []string{"vip", "-x"}, ResponsibleID: f.staff1.ID})
	f.mustSeedClient(t, tenant.ClientInput{Name: "Žemaitė, Jūratė", City: "Kaunas"})
	b := f.a.Owner

	t.Run("the export is UTF-8 with a BOM, CRLF lines and formulas escaped", func(t *testing.T) {
		res := b.get(f.path("/export.csv"))
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Fatalf("Content-Type %q", ct)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
		}
		if !strings.HasPrefix(res.Body, "\ufeffname,kind,company_code,vat_number,emails,phones,street,city,postal_code,country,notes,tags,responsible_email,id,created_at,updated_at,archived_at\r\n") {
			t.Fatalf("header:\n%q", res.Body[:200])
		}
		for _, want := range []string{"\r\n'=cmd|' /C calc'!A0,person,", `,'+370 600 00000,`, "\"'@SUM(1+1)\r\nsecond line\"", "-x; vip", `"Žemaitė, Jūratė"`, "Kaunas"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("export lacks %q:\n%s", want, res.Body)
			}
		}
		if strings.Contains(res.Body, ",=cmd") || strings.Contains(res.Body, "\n=cmd") {
			t.Fatal("a formula went out unescaped")
		}
	})
	t.Run("the export respects the list's filters", func(t *testing.T) {
		res := b.get(f.path("/export.csv?q=kaunas"))
		wantStatus(t, res, http.StatusOK)
		if strings.Count(res.Body, "\r\n") != 1 {
			t.Fatalf("expected the header only:\n%s", res.Body)
		}
		res = b.get(f.path("/export.csv?q=%C5%BEem"))
		if strings.Contains(res.Body, "cmd") || !strings.Contains(res.Body, "Žemaitė") {
			t.Fatalf("filtered export:\n%s", res.Body)
		}
		wantStatus(t, b.get(f.path("/export.csv?sort=nope")), http.StatusUnprocessableEntity)
	})
	t.Run("an exported file imports again, formulas back as they were typed", func(t *testing.T) {
		res := b.get(f.path("/export.csv"))
		b.get(f.path("/import"))
		prev := b.upload(f.path("/import"), "export.csv", []byte(res.Body))
		wantStatus(t, prev, http.StatusOK)
		wantContains(t, prev, "<strong>2</strong> rows")
		wantContains(t, prev, "=cmd|&#39; /C calc&#39;!A0")
		wantContains(t, prev, "evil@example.test already belongs to =cmd")
	})
}

// The list's rows are rendered once and kept by everything they show
// (handlers/clients_rows.go): an edit shows on the very next list view.
func TestClientListRowsStayCurrent(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	cl := f.mustSeedClient(t, tenant.ClientInput{Name: "Rowan Gardens", Emails: []string{"rowan@example.test"}, City: "Kaunas", ResponsibleID: f.staff1.ID})
	b := f.a.Owner
	row := func(res *response) string {
		t.Helper()
		i := strings.Index(res.Body, `value="`+cl.ID+`"`)
		if i < 0 {
			t.Fatalf("no row for the client:\n%s", res.Body)
		}
		start := strings.LastIndex(res.Body[:i], "<tr")
		return res.Body[start : i+strings.Index(res.Body[i:], "</tr>")]
	}
	before := row(b.get(f.path("")))
	for _, want := range []string{`<a href="` + f.path("/"+cl.ID) + `">Rowan Gardens</a>`, `<td data-label="City">Kaunas</td>`, `<td data-label="Responsible">` + f.staff1.Name + `</td>`} {
		if !strings.Contains(before, want) {
			t.Fatalf("row lacks %q:\n%s", want, before)
		}
	}
	if row(b.get(f.path(""))) != before {
		t.Fatal("the same client rendered twice differs")
	}

	t.Run("a renamed client and its new city show at once", func(t *testing.T) {
		res := b.post(f.path("/"+cl.ID), clientValues("Rowan & Sons", "emails", "rowan@example.test", "city", "Vilnius",
			"responsible", f.staff1.ID, "version", itoa(f.mustClient(t, cl.ID).Version)))
		wantStatus(t, res, http.StatusSeeOther)
		got := row(b.get(f.path("")))
		if !strings.Contains(got, ">Rowan &amp; Sons</a>") || !strings.Contains(got, `aria-label="Select Rowan &amp; Sons"`) || !strings.Contains(got, `<td data-label="City">Vilnius</td>`) {
			t.Fatalf("row after the edit:\n%s", got)
		}
	})
	t.Run("markup typed into a name is shown as text", func(t *testing.T) {
		res := b.post(f.path("/"+cl.ID), clientValues(`<b onmouseover="x">Rowan</b>`, "emails", "rowan@example.test", "city", "Vilnius",
			"responsible", f.staff1.ID, "version", itoa(f.mustClient(t, cl.ID).Version)))
		wantStatus(t, res, http.StatusSeeOther)
		got := row(b.get(f.path("")))
		if strings.Contains(got, "<b") || !strings.Contains(got, `>&lt;b onmouseover=&#34;x&#34;&gt;Rowan&lt;/b&gt;</a>`) {
			t.Fatalf("row with markup in the name:\n%s", got)
		}
	})
	t.Run("a renamed responsible person shows at once", func(t *testing.T) {
		if err := f.tn.CorrectName(context.Background(), f.staff1.ID, "Renata Renamed", tenant.Audit{}); err != nil {
			t.Fatal(err)
		}
		if got := row(b.get(f.path(""))); !strings.Contains(got, `<td data-label="Responsible">Renata Renamed</td>`) {
			t.Fatalf("row after the rename:\n%s", got)
		}
	})
	t.Run("an archived client shows its badge at once", func(t *testing.T) {
		wantStatus(t, b.post(f.path("/"+cl.ID+"/archive"), nil), http.StatusSeeOther)
		got := row(b.get(f.path("?status=all")))
		if !strings.HasPrefix(got, `<tr class="archived">`) || !strings.Contains(got, `</a> <small class="badge">archived</small></td>`) {
			t.Fatalf("row after archiving:\n%s", got)
		}
	})
}
