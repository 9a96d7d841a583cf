package handlers_test

import (
	"bytes"
	"errors"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mintedmind/db/control"
	"mintedmind/files/filestest"
	"mintedmind/handlers"
)

// namedFile is a file sent in the form field name.
type namedFile struct {
	field, name string
	data        []byte
}

// formWithFiles is a multipart form with the fields and the files in the
// fields they name, as the portal's request and reply forms send them.
func formWithFiles(csrf string, fields url.Values, list ...namedFile) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", csrf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for _, f := range list {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.field+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", "application/octet-stream")
		p, _ := w.CreatePart(h)
		p.Write(f.data)
	}
	w.Close()
	return &body, w.FormDataContentType()
}

// postFiles posts a multipart form with files as the browser b.
func (c *browser) postFiles(path string, fields url.Values, list ...namedFile) *response {
	body, ct := formWithFiles(c.csrf, fields, list...)
	return c.do("POST", path, body, ct)
}

// requestFixture is the portal fixture with a request type "Website
// change" (a required text field, a required file field, a choice) going
// to the staff member by default.
type requestFixture struct {
	*portalFixture
	staffID, typeID    string
	textField, fileFld string
	choiceField        string
}

func mustRequestFixture(t *testing.T, opts ...func(*handlers.Config)) *requestFixture {
	t.Helper()
	f := &requestFixture{portalFixture: mustPortalFixture(t, opts...)}
	f.staffID = f.e.mustUserID(t, f.a, f.staffEmail)
	res := f.a.Owner.post("/a/"+f.a.Slug+"/settings/requests", url.Values{"name": {"Website change"}, "default_assignee_id": {f.staffID},
		"field_0_label": {"Page address"}, "field_0_kind": {"text"}, "field_0_required": {"1"},
		"field_1_label": {"Screenshot"}, "field_1_kind": {"file"}, "field_1_required": {"1"},
		"field_2_label": {"Urgency"}, "field_2_kind": {"choice"}, "field_2_choices": {"Today\nThis week"}})
	wantStatus(t, res, http.StatusSeeOther)
	f.typeID = f.e.caseQuery(t, f.a, `SELECT id FROM request_types WHERE name = 'Website change'`)
	f.textField = "f_" + f.e.caseQuery(t, f.a, `SELECT id FROM request_type_fields WHERE type_id = ? AND label = 'Page address'`, f.typeID)
	f.fileFld = "f_" + f.e.caseQuery(t, f.a, `SELECT id FROM request_type_fields WHERE type_id = ? AND label = 'Screenshot'`, f.typeID)
	f.choiceField = "f_" + f.e.caseQuery(t, f.a, `SELECT id FROM request_type_fields WHERE type_id = ? AND label = 'Urgency'`, f.typeID)
	return f
}

func (f *requestFixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	n, err := strconv.Atoi(f.e.caseQuery(t, f.a, query, args...))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *requestFixture) requests(t *testing.T) int {
	return f.count(t, `SELECT COUNT(*) FROM cases WHERE origin = 'client'`)
}

// waitForMail waits for the email to `to` whose body holds want, skipping
// earlier ones (the welcome email).
func waitForMail(t *testing.T, e *env, to, want string) {
	t.Helper()
	for i := 0; i < 10; i++ {
		if msg := e.smtp.WaitFor(t, to, 5*time.Second); strings.Contains(msg.Body, want) {
			return
		}
	}
	t.Fatalf("no email to %s saying %q", to, want)
}

func TestPortalRequests(t *testing.T) {
	t.Parallel()
	f := mustRequestFixture(t)
	slug := f.a.Slug
	shot := namedFile{f.fileFld, "screen.png", filestest.PNG(64, 48)}
	good := url.Values{"type": {f.typeID}, "subject": {"New team photo"}, "body": {"Please swap the photo on the about page."},
		f.textField: {"https://xylo.test/about"}, f.choiceField: {"This week"}}

	t.Run("the portal's navigation has Requests and the form asks the type's fields", func(t *testing.T) {
		res := f.contact.get(f.portal(""))
		wantContains(t, res, `href="/a/`+slug+`/portal/requests"`)
		res = f.contact.get(f.portal("/requests/new?type=" + f.typeID))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Page address")
		wantContains(t, res, `name="`+f.fileFld+`"`)
		wantContains(t, res, "This week")
	})

	t.Run("a missing required field or file is 422 with the message and opens nothing", func(t *testing.T) {
		before := f.requests(t)
		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Del(f.textField)
		res := f.contact.postFiles(f.portal("/requests"), bad, shot)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "This field is required.")
		res = f.contact.postFiles(f.portal("/requests"), good)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Attach the file asked for.")
		bad = url.Values{"type": {f.typeID}, "subject": {""}, "body": {""}, f.textField: {"x"}, f.choiceField: {"Never"}}
		res = f.contact.postFiles(f.portal("/requests"), bad, shot)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose one of the options.")
		if f.requests(t) != before || f.count(t, `SELECT COUNT(*) FROM documents WHERE case_id NOT IN (?, ?)`, f.caseX, f.caseY) != 0 {
			t.Fatal("a refused request left a case or a document")
		}
	})

	t.Run("a refused file leaves no request and gives its number back", func(t *testing.T) {
		before, seq := f.requests(t), f.e.caseQuery(t, f.a, `SELECT value FROM sequences WHERE name = 'case'`)
		res := f.contact.postFiles(f.portal("/requests"), good, namedFile{f.fileFld, "run.exe", []byte("MZ\x90\x00 not a picture")})
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Fatalf("status %d", res.StatusCode)
		}
		if f.requests(t) != before || f.e.caseQuery(t, f.a, `SELECT value FROM sequences WHERE name = 'case'`) != seq {
			t.Fatal("a request whose file was refused stayed")
		}
	})

	t.Run("one bad file among good ones leaves no case, message, document or file on disk, the error beside it and the text kept", func(t *testing.T) {
		dir := f.e.mustTenant(t, f.a.ID).FilesDir()
		before, seq, disk := f.requests(t), f.e.caseQuery(t, f.a, `SELECT value FROM sequences WHERE name = 'case'`), filesUnder(t, dir)
		notes, docs := f.count(t, `SELECT COUNT(*) FROM notes`), f.count(t, `SELECT COUNT(*) FROM documents`)
		for _, tc := range []struct {
			name   string
			bad    namedFile
			beside string
		}{
			{"wrong type", namedFile{"file", "run.exe", []byte("MZ\x90\x00 not a picture")}, `id="e-file"`},
			{"sniffing fails", namedFile{"file", "photo.png", []byte("<html><script>alert(1)</script></html>")}, `id="e-file"`},
			{"bad field file", namedFile{f.fileFld, "shot.png", []byte("%PDF- not really")}, `class="field-error"`},
		} {
			files := []namedFile{{"file", "brief.pdf", filestest.PDF(1, 0)}, tc.bad}
			if tc.bad.field != f.fileFld {
				files = append([]namedFile{shot}, files...)
			}
			res := f.contact.postFiles(f.portal("/requests"), good, files...)
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("%s: status %d", tc.name, res.StatusCode)
			}
			wantContains(t, res, tc.beside)
			wantContains(t, res, `value="New team photo"`)
			wantContains(t, res, "Please swap the photo on the about page.")
			if f.requests(t) != before || f.e.caseQuery(t, f.a, `SELECT value FROM sequences WHERE name = 'case'`) != seq ||
				f.count(t, `SELECT COUNT(*) FROM notes`) != notes || f.count(t, `SELECT COUNT(*) FROM documents`) != docs {
				t.Fatalf("%s: a refused request left a row", tc.name)
			}
			if got := filesUnder(t, dir); got != disk {
				t.Fatalf("%s: files on disk %d, were %d", tc.name, got, disk)
			}
		}
	})

	var caseID string
	t.Run("a request with a file lands assigned to the default assignee, who is emailed", func(t *testing.T) {
		res := f.contact.postFiles(f.portal("/requests"), good, shot, namedFile{"file", "brief.pdf", filestest.PDF(1, 0)})
		wantStatus(t, res, http.StatusSeeOther)
		caseID = f.e.caseQuery(t, f.a, `SELECT id FROM cases WHERE origin = 'client' AND title = 'New team photo'`)
		if got := f.e.caseQuery(t, f.a, `SELECT assignee_id || '|' || client_id || '|' || request_type_id FROM cases WHERE id = ?`, caseID); got != f.staffID+"|"+f.x+"|"+f.typeID {
			t.Fatalf("case = %s", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT group_concat(label || '=' || value || ':' || (document_id <> ''), ';') FROM (SELECT * FROM case_request_values WHERE case_id = ? ORDER BY position)`, caseID); got != "Page address=https://xylo.test/about:0;Screenshot=screen.png:1;Urgency=This week:0" {
			t.Fatalf("answers = %s", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT n.from_client || '|' || (SELECT group_concat(d.name) FROM documents d WHERE d.note_id = n.id) FROM notes n WHERE n.case_id = ?`, caseID); got != "1|brief.pdf" {
			t.Fatalf("first message = %s", got)
		}
		if got := f.e.caseQuery(t, f.a, `SELECT kind FROM case_events WHERE case_id = ? ORDER BY id LIMIT 1`, caseID); got != "request_opened" {
			t.Fatalf("first event = %s", got)
		}
		f.e.flushMail(t)
		msg := f.e.smtp.WaitFor(t, f.staffEmail, 5*time.Second)
		if !strings.Contains(msg.Body, "New team photo") || !strings.Contains(msg.Body, "Website change") {
			t.Fatalf("email:\n%s", msg.Body)
		}
		res = f.contact.get(f.portal("/cases/" + caseID))
		wantContains(t, res, "Staff Person") // handled by
		wantContains(t, res, "screen.png")
		wantContains(t, res, "Please swap the photo")
	})

	t.Run("a request without a default assignee waits in the inbox, counted in the navigation, and goes to the owners", func(t *testing.T) {
		res := f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"Invoice question"}, "body": {"Which VAT rate applies?"}})
		wantStatus(t, res, http.StatusSeeOther)
		f.e.flushMail(t)
		waitForMail(t, f.e, f.a.OwnerEmail, "Invoice question")
		res = f.a.Owner.get("/a/" + slug + "/inbox")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Invoice question")
		wantContains(t, res, " UTC</time>")
		wantLacks(t, res, "UTC UTC")
		wantContains(t, res, `class="count-badge"`)
		res = f.a.Owner.get("/a/" + slug + "/inbox/count")
		wantContains(t, res, `id="inbox-count"`)
	})

	t.Run("a contact of another client or another agency gets 404 on the request routes", func(t *testing.T) {
		other := f.e.mustSignup(t, "reqother")
		before := f.requests(t)
		wantStatus(t, f.contact.get("/a/"+other.Slug+"/portal/requests/new"), http.StatusNotFound)
		wantStatus(t, f.contact.postFiles("/a/"+other.Slug+"/portal/requests", good, shot), http.StatusNotFound)
		wantStatus(t, other.Owner.get("/a/"+other.Slug+"/settings/requests/"+f.typeID), http.StatusNotFound)
		wantStatus(t, other.Owner.post("/a/"+other.Slug+"/settings/requests/"+f.typeID, url.Values{"name": {"Stolen"}}), http.StatusNotFound)
		wantStatus(t, other.Owner.post("/a/"+other.Slug+"/settings/requests/"+f.typeID+"/archive", nil), http.StatusNotFound)
		if f.requests(t) != before || f.e.caseQuery(t, f.a, `SELECT name || (archived_at IS NULL) FROM request_types WHERE id = ?`, f.typeID) != "Website change1" {
			t.Fatal("another agency changed something")
		}
		otherContact, _ := f.e.mustAddUser(t, f.a, "client")
		wantStatus(t, otherContact.get(f.portal("/cases/"+caseID)), http.StatusNotFound)
		wantLacks(t, otherContact.get(f.portal("/requests")), "New team photo")
		f.contact.get(f.portal("")) // the agency's CSRF token again, after the other agency's pages
	})

	t.Run("past the limit a contact waits: 429 with the message, nothing opened", func(t *testing.T) {
		for f.count(t, `SELECT COUNT(*) FROM cases WHERE origin = 'client' AND created_by = (SELECT id FROM users WHERE email = ?)`, f.contactEmail) < 5 {
			wantStatus(t, f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"More"}, "body": {"More"}}), http.StatusSeeOther)
		}
		before := f.requests(t)
		res := f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"One too many"}, "body": {"Hello"}})
		wantStatus(t, res, http.StatusTooManyRequests)
		wantContains(t, res, "requests in the last hour")
		wantContains(t, res, "One too many") // the form as typed
		if f.requests(t) != before {
			t.Fatal("a request over the limit was opened")
		}
		f.e.clock.Advance(time.Hour)
		wantStatus(t, f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"Next hour"}, "body": {"Hello"}}), http.StatusSeeOther)
	})

	t.Run("a suspended agency's contact cannot open one; the portal stays readable", func(t *testing.T) {
		f.e.setStatus(t, f.a, control.AgencySuspended)
		defer f.e.setStatus(t, f.a, control.AgencyActive)
		before := f.requests(t)
		res := f.contact.postFiles(f.portal("/requests"), url.Values{"subject": {"While suspended"}, "body": {"Hello"}})
		if res.StatusCode < 400 {
			t.Fatalf("status %d", res.StatusCode)
		}
		if f.requests(t) != before {
			t.Fatal("a suspended agency took a request")
		}
		wantStatus(t, f.contact.get(f.portal("/requests")), http.StatusOK)
	})
}

func TestRequestTypesSettings(t *testing.T) {
	t.Parallel()
	f := mustRequestFixture(t)
	base := "/a/" + f.a.Slug + "/settings/requests"

	t.Run("bad input is 422 with the messages, nothing stored", func(t *testing.T) {
		before := f.count(t, `SELECT COUNT(*) FROM request_types`)
		res := f.a.Owner.post(base, url.Values{"name": {""}, "field_0_label": {"Pick"}, "field_0_kind": {"choice"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Name the request type")
		wantContains(t, res, "List the options of the choice")
		res = f.a.Owner.post(base, url.Values{"name": {"Odd"}, "default_assignee_id": {"nobody-here"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose an active member of your team")
		if f.count(t, `SELECT COUNT(*) FROM request_types`) != before {
			t.Fatal("a refused request type was stored")
		}
	})

	t.Run("staff may not define request types", func(t *testing.T) {
		wantStatus(t, f.staff.get(base), http.StatusNotFound)
		wantStatus(t, f.staff.post(base, url.Values{"name": {"Sneaky"}}), http.StatusNotFound)
	})

	t.Run("edit and archive, audited; the portal no longer offers an archived type", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post(base+"/"+f.typeID, url.Values{"name": {"Site change"}, "field_0_label": {"Page"}, "field_0_kind": {"text"}}), http.StatusSeeOther)
		if got := f.count(t, `SELECT COUNT(*) FROM request_type_fields WHERE type_id = ?`, f.typeID); got != 1 {
			t.Fatalf("fields = %d", got)
		}
		wantContains(t, f.contact.get(f.portal("/requests/new")), "Site change")
		wantStatus(t, f.a.Owner.post(base+"/"+f.typeID+"/archive", nil), http.StatusSeeOther)
		wantLacks(t, f.contact.get(f.portal("/requests/new")), "Site change")
		for _, action := range []string{"request_type.created", "request_type.changed", "request_type.archived"} {
			if len(auditEntries(t, f.e.mustTenant(t, f.a.ID), action)) == 0 {
				t.Errorf("no %s in the audit log", action)
			}
		}
		res := f.a.Owner.get("/a/" + f.a.Slug + "/audit")
		wantContains(t, res, "archived a request type: Site change")
	})
}

// filesUnder counts the regular files below dir (none when it does not exist).
func filesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
