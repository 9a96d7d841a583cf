package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/handlers"
)

var importToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

// tmpFiles lists the agency's waiting uploads.
func tmpFiles(t *testing.T, tn *tenant.Store) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(tn.Dir, "tmp"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// mustPreview uploads content and returns the confirm token.
func (f *clientFixture) mustPreview(t *testing.T, b *browser, content string) string {
	t.Helper()
	b.get(f.path("/import"))
	res := b.upload(f.path("/import"), "clients.csv", []byte(content))
	wantStatus(t, res, http.StatusOK)
	m := importToken.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no token in preview:\n%s", res.Body)
	}
	return m[1]
}

const importHeaderLine = "name,kind,company_code,vat_number,emails,phones,street,city,postal_code,country,notes,tags,responsible_email\n"

func TestClientImport(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	b := f.a.Owner
	f.mustSeedClient(t, tenant.ClientInput{Name: "Existing Co", Emails: []string{"taken@example.test"}})

	t.Run("a file is previewed, confirmed, imported in one go and audited", func(t *testing.T) {
		content := "\ufeff" + importHeaderLine +
			"Ada Lovelace,person,,,ada@example.test; ADA2@example.test,+44 1; +44 2,1 Way,London,N1,UK,\"Notes, with comma\nand a line\",VIP; math," + f.staff1.Email + "\n" +
			"Babbage Ltd,company,BL-1,GB123,taken@example.test,,,,,,,,\n"
		before := countClients(t, f.tn)
		b.get(f.path("/import"))
		res := b.upload(f.path("/import"), "clients.csv", []byte(content))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "<strong>2</strong> rows: <strong>2</strong> ready, <strong>0</strong> with problems, <strong>1</strong> with warnings only.")
		wantContains(t, res, "<strong>Row 3</strong>: taken@example.test already belongs to Existing Co.")
		wantContains(t, res, "Import 2 clients")
		if countClients(t, f.tn) != before {
			t.Fatal("the preview wrote to the database")
		}
		if files := tmpFiles(t, f.tn); len(files) != 1 {
			t.Fatalf("tmp files %v", files)
		}
		token := importToken.FindStringSubmatch(res.Body)[1]
		res = b.post(f.path("/import/confirm"), url.Values{"token": {token}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != f.path("?sort=newest") {
			t.Fatalf("Location %q", loc)
		}
		if n := countClients(t, f.tn); n != before+2 {
			t.Fatalf("%d clients", n)
		}
		page, err := f.tn.ListClients(context.Background(), tenant.Viewer{UserID: f.owner.ID}, tenant.ClientFilter{Query: "ada"})
		if err != nil || len(page.Rows) != 1 {
			t.Fatalf("%v %+v", err, page)
		}
		c := f.mustClient(t, page.Rows[0].ID)
		if c.Notes != "Notes, with comma\nand a line" || strings.Join(c.Tags, ",") != "math,vip" || len(c.Emails) != 2 || c.Emails[1] != "ada2@example.test" || c.ResponsibleID != f.staff1.ID {
			t.Fatalf("imported %+v", c)
		}
		if a := auditEntries(t, f.tn, "client.imported"); len(a) != 1 || a[0].Detail != "2 clients" || a[0].ActorID != f.owner.ID {
			t.Fatalf("audit %+v", a)
		}
		if files := tmpFiles(t, f.tn); len(files) != 0 {
			t.Fatalf("tmp files left: %v", files)
		}
		t.Run("a second confirm with the same token imports nothing", func(t *testing.T) {
			before := clientState(t, f.tn)
			res := b.post(f.path("/import/confirm"), url.Values{"token": {token}})
			wantStatus(t, res, http.StatusNotFound)
			wantContains(t, res, "This import has expired or was already done.")
			wantUnchanged(t, f.tn, before)
		})
	})

	t.Run("a semicolon-separated file with spreadsheet-style headers is read", func(t *testing.T) {
		token := f.mustPreview(t, b, "Name;Company code;Emails\nSemi Colon;SC-1;\"semi@example.test;colon@example.test\"\n")
		wantStatus(t, b.post(f.path("/import/confirm"), url.Values{"token": {token}}), http.StatusSeeOther)
		page, _ := f.tn.ListClients(context.Background(), tenant.Viewer{UserID: f.owner.ID}, tenant.ClientFilter{Query: "SC-1"})
		if len(page.Rows) != 1 {
			t.Fatal("not imported")
		}
	})

	bad := []struct {
		name    string
		content string
		status  int
		want    string
	}{
		{"a file that is not UTF-8 is refused", importHeaderLine + "Ok,person\nJ\xfbrat\xe9,person\n", http.StatusUnprocessableEntity, "The file is not UTF-8 text (the first character that is not is on line 3)."},
		{"a file without a name column is refused", "kind,emails\nperson,a@example.test\n", http.StatusUnprocessableEntity, "The header has no “name” column"},
		{"an unknown column is refused, naming it", "name,kind,fax\nA,person,123\n", http.StatusUnprocessableEntity, "The header has an unknown column &#34;fax&#34; (column 3)."},
		{"a column named twice is refused", "name,Name\nA,B\n", http.StatusUnprocessableEntity, "The header names the column &#34;name&#34; twice."},
		{"an empty header cell is refused", "name,,kind\nA,,person\n", http.StatusUnprocessableEntity, "Column 2 of the header has no name."},
		{"an empty file is refused", "", http.StatusUnprocessableEntity, "The file is empty"},
		{"a file of a byte-order mark and blank lines is empty", "\ufeff\n\n \n", http.StatusUnprocessableEntity, "The file is empty"},
		{"a header without rows is refused", importHeaderLine, http.StatusUnprocessableEntity, "The file has a header but no clients below it."},
		{"broken quotes are refused with their line", "name,notes\nA,ok\nB,\"unclosed\nC,x\n", http.StatusUnprocessableEntity, "The file could not be read as CSV: line 3"},
		{"a row with too many columns is a problem by row number", "name,kind\nA,person\nB,person,extra,cells\n", http.StatusUnprocessableEntity, "<strong>Row 3</strong>: The row has 4 cells but the header names 2 columns."},
		{"every bad row is listed by number, with counts", "name,emails,tags\n,x@example.test,\nGood,,\nC,nope,\nD,," + repeat("t", 41) + "\n", http.StatusUnprocessableEntity,
			"<strong>4</strong> rows: <strong>1</strong> ready, <strong>3</strong> with problems"},
		{"a responsible email that is nobody's is a problem", "name,responsible_email\nA,ghost@example.test\n", http.StatusUnprocessableEntity, "responsible_email: No active staff member of this agency has the address &#34;ghost@example.test&#34;."},
		{"the responsible email of another agency's owner is a problem", "name,responsible_email\nA," + f.b.OwnerEmail + "\n", http.StatusUnprocessableEntity, "No active staff member of this agency has the address"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			before := clientState(t, f.tn)
			b.get(f.path("/import"))
			res := b.upload(f.path("/import"), "bad.csv", []byte(tc.content))
			wantStatus(t, res, tc.status)
			wantContains(t, res, tc.want)
			wantContains(t, res, "othing was imported")
			wantNotContains(t, res, `name="token"`)
			wantUnchanged(t, f.tn, before)
			if files := tmpFiles(t, f.tn); len(files) != 0 {
				t.Fatalf("a refused file was kept: %v", files)
			}
		})
	}
	t.Run("every problem of a bad file is listed by row", func(t *testing.T) {
		b.get(f.path("/import"))
		res := b.upload(f.path("/import"), "bad.csv", []byte("name,emails,tags\n,x@example.test,\nGood,,\nC,nope,\nD,,"+repeat("t", 41)+"\n"))
		wantContains(t, res, "<strong>Row 2</strong>: name: Enter the client&#39;s name.")
		wantContains(t, res, "<strong>Row 4</strong>: emails: &#34;nope&#34; is not a valid email address")
		wantContains(t, res, "<strong>Row 5</strong>: tags: A tag can be at most 40 characters")
		wantNotContains(t, res, "<strong>Row 3</strong>")
	})
	t.Run("an upload without a file is refused", func(t *testing.T) {
		res := b.post(f.path("/import"), url.Values{})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose a CSV file to upload.")
	})

	t.Run("all or nothing: a row that went bad after the preview imports nothing", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString("name,responsible_email\n")
		for i := 0; i < 99; i++ {
			fmt.Fprintf(&sb, "Row %d,\n", i)
		}
		fmt.Fprintf(&sb, "Last row,%s\n", f.staff2.Email)
		token := f.mustPreview(t, b, sb.String())
		// Between preview and confirm, the last row's responsible person leaves.
		if err := f.tn.SetUserStatus(context.Background(), f.staff2.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
			t.Fatal(err)
		}
		defer f.tn.SetUserStatus(context.Background(), f.staff2.ID, tenant.UserActive, tenant.Audit{Action: "user.enabled"})
		before := clientState(t, f.tn)
		res := b.post(f.path("/import/confirm"), url.Values{"token": {token}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Row 101: responsible_email: No active staff member")
		wantContains(t, res, "Nothing was imported.")
		wantUnchanged(t, f.tn, before)
		if files := tmpFiles(t, f.tn); len(files) != 0 {
			t.Fatalf("tmp files left: %v", files)
		}
	})

	t.Run("an upload waits an hour at most", func(t *testing.T) {
		token := f.mustPreview(t, b, "name\nLate\n")
		f.e.clock.Advance(61 * time.Minute)
		before := clientState(t, f.tn)
		res := b.post(f.path("/import/confirm"), url.Values{"token": {token}})
		wantStatus(t, res, http.StatusNotFound)
		wantContains(t, res, "This import has expired")
		wantUnchanged(t, f.tn, before)
		if files := tmpFiles(t, f.tn); len(files) != 0 {
			t.Fatalf("the old upload was not cleaned up: %v", files)
		}
	})

	t.Run("only the uploader can confirm, and a made-up token is refused", func(t *testing.T) {
		token := f.mustPreview(t, b, "name\nMine to confirm\n")
		before := clientState(t, f.tn)
		f.adminC.get(f.path("/import"))
		for _, tok := range []string{token, "../../etc/passwd", "", "1.deadbeef"} {
			wantStatus(t, f.adminC.post(f.path("/import/confirm"), url.Values{"token": {tok}}), http.StatusNotFound)
		}
		wantUnchanged(t, f.tn, before)
		wantStatus(t, b.post(f.path("/import/confirm"), url.Values{"token": {token}}), http.StatusSeeOther)
	})
}

func TestClientImportRestrictedStaff(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	if err := f.tn.SaveSettings(context.Background(), tenant.Settings{StaffSeeOwnOnly: true}, tenant.Audit{Action: "settings.changed"}); err != nil {
		t.Fatal(err)
	}
	s := f.staff1C
	t.Run("a row for someone else is a problem", func(t *testing.T) {
		s.get(f.path("/import"))
		res := s.upload(f.path("/import"), "c.csv", []byte("name,responsible_email\nA,"+f.staff2.Email+"\n"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "You can only import clients you are responsible for")
	})
	t.Run("rows without a responsible person become theirs", func(t *testing.T) {
		token := f.mustPreview(t, s, "name\nOwn One\nOwn Two\n")
		wantStatus(t, s.post(f.path("/import/confirm"), url.Values{"token": {token}}), http.StatusSeeOther)
		res := s.get(f.path(""))
		if names := listedNames(res); len(names) != 2 {
			t.Fatalf("names %v", names)
		}
	})
}

func TestClientImportSizeLimits(t *testing.T) {
	t.Parallel()
	oneLine := []byte("name\n" + strings.Repeat("x", 20_000_000) + "\n")
	t.Run("a body over the server's limit is refused before the handler", func(t *testing.T) {
		f := mustClientFixture(t, func(c *handlers.Config) { c.BodyLimit = 4 << 20 })
		before := clientState(t, f.tn)
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", f.a.Owner.csrf)
		part, _ := w.CreateFormFile("file", "big.csv")
		part.Write(oneLine)
		w.Close()
		req := httptest.NewRequest("POST", f.path("/import"), &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		for _, ck := range f.a.Owner.jar.Cookies(baseURL) {
			req.AddCookie(ck)
		}
		// fasthttp refuses the body while reading it (a 413 to a real
		// client); app.Test reports that as an error.
		res, err := f.e.app.Test(req, -1)
		if err == nil && res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
		if err != nil && !strings.Contains(err.Error(), "body size exceeds") {
			t.Fatal(err)
		}
		wantUnchanged(t, f.tn, before)
		wantContains(t, f.a.Owner.get(f.path("/import")), "up to 4 MiB")
	})

	e := mustNewEnv(t, func(c *handlers.Config) { c.BodyLimit = 30 << 20 })
	a := e.mustSignup(t, "bigimport")
	tn := e.mustTenant(t, a.ID)
	a.Owner.get("/a/" + a.Slug + "/clients/import")
	t.Run("a 20 MB single line is refused with its line number", func(t *testing.T) {
		before := clientState(t, tn)
		res := a.Owner.upload("/a/"+a.Slug+"/clients/import", "line.csv", oneLine)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Line 2 is 19.1 MiB long, more than the 128 KiB a line may have")
		wantUnchanged(t, tn, before)
	})
	t.Run("a file over 20 MiB is refused naming the limit", func(t *testing.T) {
		before := clientState(t, tn)
		big := []byte("name\n" + strings.Repeat("Somebody\n", 2_400_000))
		res := a.Owner.upload("/a/"+a.Slug+"/clients/import", "big.csv", big)
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		wantContains(t, res, "The file is larger than 20 MiB, the most an import takes here.")
		wantUnchanged(t, tn, before)
	})
}

// TestClientImportTenThousandRows imports 10,000 rows through the real
// upload, preview and confirm. How fast is measured by BenchmarkImportClients
// (BENCHMARKS.md), not here: a timed test fails on a busy machine.
func TestClientImportTenThousandRows(t *testing.T) {
	t.Parallel()
	f := mustClientFixture(t)
	b := f.a.Owner
	var sb strings.Builder
	sb.WriteString(importHeaderLine)
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "Bulk Client %05d,company,BC-%05d,LT%09d,bulk%05d@example.test; office%05d@example.test,+370 600 %05d,Gedimino pr. %d,Vilnius,LT-%05d,Lithuania,Imported row %d,bulk; batch-%d,%s\n",
			i, i, i, i, i, i, i, i, i, i%7, f.staff2.Email)
	}
	before := countClients(t, f.tn)
	start := time.Now()
	token := f.mustPreview(t, b, sb.String())
	preview := time.Since(start)
	start = time.Now()
	res := b.post(f.path("/import/confirm"), url.Values{"token": {token}})
	confirm := time.Since(start)
	wantStatus(t, res, http.StatusSeeOther)
	if n := countClients(t, f.tn); n != before+10000 {
		t.Fatalf("%d clients imported", n-before)
	}
	t.Logf("10,000 rows (%d KiB): preview %v, confirm (import) %v", sb.Len()>>10, preview, confirm)
	res = b.get(f.path("?q=bulk+client+09999"))
	if names := listedNames(res); len(names) != 1 {
		t.Fatalf("search after import: %v", names)
	}
}
