package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"mintedmind/i18n"
)

// uploadForm is the opening tag of a form that assets/js/app.js sends
// files from (data-max-bytes), and uploadMsg one of its data-msg-*
// attributes, the words the script shows beside a file.
var (
	uploadForm = regexp.MustCompile(`<form[^>]*\sdata-max-bytes="[^"]*"[^>]*>`)
	uploadMsg  = regexp.MustCompile(`\sdata-msg-([a-z-]+)="([^"]*)"`)
)

// uploadMessages are the data-msg-* attributes of every upload form of a
// page, one map per form.
func uploadMessages(t *testing.T, res *response) []map[string]string {
	t.Helper()
	var forms []map[string]string
	for _, tag := range uploadForm.FindAllString(res.Body, -1) {
		m := map[string]string{}
		for _, a := range uploadMsg.FindAllStringSubmatch(tag, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		forms = append(forms, m)
	}
	return forms
}

// TestUploadMessagesInThePagesLanguage: the messages the upload script
// shows beside a file (too large, empty, the upload failed) come from the
// page, in the page's language: on the portal's new request form and case
// page (reply box and Send documents) and on the staff case page (reply box and documents), in English
// and once the agency speaks Lithuanian; the script itself holds no
// English of them (app.js reads the page's words).
func TestUploadMessagesInThePagesLanguage(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	pages := []struct {
		name  string
		b     *browser
		path  string
		forms int
	}{
		{"the portal's new request form", f.contact, f.portal("/requests/new"), 1},
		{"the portal's case page (the reply box and Send documents)", f.contact, f.portal("/cases/" + f.caseX), 2},
		{"the staff case page", f.a.Owner, "/a/" + f.a.Slug + "/cases/" + f.caseX, 2},
	}
	// sized says whether msg is message id in lang around some size.
	sized := func(lang, id, msg string) bool {
		around := strings.Split(i18n.T(lang, id, "Size", "\x00"), "\x00")
		return len(around) == 2 && len(msg) > len(around[0])+len(around[1]) &&
			strings.HasPrefix(msg, around[0]) && strings.HasSuffix(msg, around[1])
	}
	check := func(t *testing.T, lang string) {
		for _, p := range pages {
			res := p.b.get(p.path)
			wantStatus(t, res, http.StatusOK)
			forms := uploadMessages(t, res)
			if len(forms) != p.forms {
				t.Fatalf("%s: %d upload forms, want %d", p.name, len(forms), p.forms)
			}
			for i, m := range forms {
				// A form whose files go one by one says "not sent"; one
				// whose files go with the message asks to remove the file.
				sep := m["empty"] == i18n.T(lang, "upload.empty_not_sent")
				if !sep && m["empty"] != i18n.T(lang, "upload.empty") {
					t.Errorf("%s, form %d: data-msg-empty %q, not the %s catalogue's", p.name, i, m["empty"], lang)
				}
				if id := map[bool]string{true: "upload.too_large_not_sent", false: "upload.too_large"}[sep]; !sized(lang, id, m["too-large"]) {
					t.Errorf("%s, form %d: data-msg-too-large %q, want %s %q with the size", p.name, i, m["too-large"], id, i18n.T(lang, id, "Size", "…"))
				}
				if got, want := m["failed"], i18n.T(lang, "upload.failed"); got != want {
					t.Errorf("%s, form %d: data-msg-failed %q, want %q", p.name, i, got, want)
				}
			}
		}
	}
	t.Run("in English", func(t *testing.T) { check(t, i18n.English) })
	res := f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}})
	wantStatus(t, res, http.StatusSeeOther)
	t.Run("in Lithuanian", func(t *testing.T) { check(t, "lt") })

	t.Run("the script holds none of the messages", func(t *testing.T) {
		script, err := os.ReadFile("../assets/js/app.js")
		if err != nil {
			t.Fatal(err)
		}
		for _, english := range []string{"Larger than", "file is empty", "upload failed", "not sent"} {
			if strings.Contains(string(script), english) {
				t.Errorf("assets/js/app.js writes %q itself, in English whatever the page's language", english)
			}
		}
	})
}
