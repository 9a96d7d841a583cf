package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"mintedmind/auth"
	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
	"mintedmind/i18n"
)

// TestDocumentRequestWordsInTheAgencyLanguage: once the agency speaks
// Lithuanian, what staff are told after asking for a document, changing,
// withdrawing, accepting or sending it back, the history's reminder step,
// the portal's "was …" under a changed request, the page's failure toasts
// and the recovery codes' copy and save messages are the catalogue's
// Lithuanian; app.js holds none of those messages in English.
func TestDocumentRequestWordsInTheAgencyLanguage(t *testing.T) {
	t.Parallel()
	const lt = "lt"
	f := mustPortalFixture(t)
	res := f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {lt}})
	wantStatus(t, res, http.StatusSeeOther)
	staffCase := "/a/" + f.a.Slug + "/cases/" + f.caseX
	reqID := func(name string) string {
		return f.e.caseQuery(t, f.a, `SELECT id FROM document_requests WHERE name = ?`, name)
	}
	send := func(id string) {
		t.Helper()
		body, ct := multipartBody(f.contact.csrf, nil, upFile{"pasas.pdf", filestest.PDF(1, 0)})
		wantStatus(t, f.contact.do("POST", f.portal("/cases/"+f.caseX+"/docrequests/"+id), body, ct), http.StatusSeeOther)
	}
	// told fails unless the staff case page, after a post, shows message id
	// of the Lithuanian catalogue with name, and not its English.
	told := func(t *testing.T, res *response, id, name string) {
		t.Helper()
		wantStatus(t, res, http.StatusSeeOther)
		want, english := i18n.T(lt, id, "Name", name), i18n.T(i18n.English, id, "Name", name)
		if want == english {
			t.Fatalf("%s is the same in Lithuanian and English: %q", id, want)
		}
		page := html.UnescapeString(f.staff.get(staffCase).Body)
		if !strings.Contains(page, `<p class="flash" role="status">`+want+`</p>`) {
			t.Errorf("after %s the page does not say %q", id, want)
		}
		if strings.Contains(page, english) {
			t.Errorf("after %s the page says %q in English", id, english)
		}
	}

	t.Run("staff are told in Lithuanian what they did", func(t *testing.T) {
		told(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Pasas"}}), "docreq.asked_flash", "Pasas")
		told(t, f.staff.post(staffCase+"/docrequests/"+reqID("Pasas"), url.Values{"name": {"Paso kopija"}}), "docreq.changed_flash", "Paso kopija")
		id := reqID("Paso kopija")
		send(id)
		told(t, f.staff.post(staffCase+"/docrequests/"+id+"/return", url.Values{"reason": {"Neįskaitoma"}}), "docreq.returned_flash", "Paso kopija")
		send(id)
		told(t, f.staff.post(staffCase+"/docrequests/"+id+"/accept", nil), "docreq.accepted_flash", "Paso kopija")
		told(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Sutartis"}}), "docreq.asked_flash", "Sutartis")
		told(t, f.staff.post(staffCase+"/docrequests/"+reqID("Sutartis")+"/withdraw", nil), "docreq.withdrawn_flash", "Sutartis")
	})

	t.Run("the history's reminder step and the portal's earlier name", func(t *testing.T) {
		tn := f.e.mustTenant(t, f.a.ID)
		if _, err := tn.Write().ExecContext(context.Background(), `INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id, visible_to_client)
			VALUES (?, 1767225600, '', 'Sistema', ?, ?, ?, 'Paso kopija', '', 1)`, f.caseX, tenant.EventDocRequest, tenant.DocRequestReminded, tenant.ReminderAfter); err != nil {
			t.Fatal(err)
		}
		staff := html.UnescapeString(f.staff.get(staffCase).Body)
		want := i18n.T(lt, "event.staff.docrequest.reminded", "Name", "Paso kopija", "Step", i18n.T(lt, "docreq.step.after"))
		if !strings.Contains(staff, want) || strings.Contains(staff, "the day after the due date") {
			t.Errorf("the staff history lacks %q, or says the step in English", want)
		}
		portal := html.UnescapeString(f.contact.get(f.portal("/cases/" + f.caseX)).Body)
		was := i18n.T(lt, "docreq.was", "Value", "Pasas")
		if !strings.Contains(portal, was) || strings.Contains(portal, "was “Pasas”") {
			t.Errorf("the portal history lacks %q under the changed request, or says it in English", was)
		}
	})

	t.Run("the client's Activity tab says the documents' lines in Lithuanian", func(t *testing.T) {
		page := html.UnescapeString(f.a.Owner.get("/a/" + f.a.Slug + "/clients/" + f.x + "?tab=activity").Body)
		for _, want := range []string{i18n.T(lt, "Reminder sent"), "Paso kopija (" + i18n.T(lt, "docreq.step.after") + ")",
			i18n.T(lt, "Document accepted"), i18n.T(lt, "Document sent back"), i18n.T(lt, "Document asked for"),
			i18n.T(lt, "Document no longer needed"), i18n.T(lt, "activity.docrequest.edited", "Name", "Paso kopija", "Value", "Pasas")} {
			if !strings.Contains(page, want) {
				t.Errorf("the Activity tab lacks %q", want)
			}
		}
		for _, english := range []string{"Reminder sent", "the day after the due date", "Document accepted", "Document sent back", "Document asked for", "(was Pasas)"} {
			if strings.Contains(page, english) {
				t.Errorf("the Activity tab says %q in English", english)
			}
		}
	})

	// mailed is the one email to the contact that names name.
	mailed := func(t *testing.T, name string) (subject, text, htmlBody string) {
		t.Helper()
		f.e.flushMail(t)
		var found []string
		for _, m := range f.e.smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == f.contactEmail && strings.Contains(m.Body, name) {
				subject, text, htmlBody = m.Subject, m.Body, html.UnescapeString(m.HTML)
				found = append(found, m.Subject)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%d emails to the contact name %q: %q", len(found), name, found)
		}
		return subject, text, htmlBody
	}
	says := func(t *testing.T, what, in string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(in, w) {
				t.Errorf("the %s lacks %q:\n%s", what, w, in)
			}
		}
	}
	lacks := func(t *testing.T, what, in string, english ...string) {
		t.Helper()
		for _, w := range english {
			if strings.Contains(in, w) {
				t.Errorf("the %s says %q in English:\n%s", what, w, in)
			}
		}
	}

	t.Run("the emails asking the contact for a document, and sending it back, are in Lithuanian", func(t *testing.T) {
		number, err := strconv.ParseInt(f.e.caseQuery(t, f.a, `SELECT number FROM cases WHERE id = ?`, f.caseX), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		caseName := tenant.CaseNumber(number) + " Xylo website"
		wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Leidimas"}, "due_date": {"2030-01-15"}, "note": {"Abi pusės"}}), http.StatusSeeOther)
		subject, text, body := mailed(t, "Leidimas")
		if want := i18n.T(lt, "email.docreq.subject", "Agency", f.a.Name, "Case", caseName); subject != want {
			t.Errorf("subject %q, want %q", subject, want)
		}
		staffName := f.e.caseQuery(t, f.a, `SELECT name FROM users WHERE email = ?`, f.staffEmail)
		asked := i18n.T(lt, "email.docreq.asked", "From", staffName, "Case", caseName)
		named := i18n.T(lt, "email.docreq.name_by", "Name", "Leidimas", "Date", "2030-01-15")
		for part, in := range map[string]string{"text": text, "HTML": body} {
			says(t, part, in, asked, named, "Abi pusės", i18n.T(lt, "email.docreq.turn_off"))
			lacks(t, part, in, "asked you for a document", "(by 2030-01-15)", "Turn these emails off", "Send it from the checklist")
		}
		says(t, "text", text, i18n.T(lt, "email.docreq.send_at"))
		says(t, "HTML", body, i18n.T(lt, "email.docreq.send"))

		id := reqID("Leidimas")
		send(id)
		wantStatus(t, f.staff.post(staffCase+"/docrequests/"+id+"/return", url.Values{"reason": {"Neryškus"}}), http.StatusSeeOther)
		f.e.flushMail(t)
		var returned []string
		for _, m := range f.e.smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == f.contactEmail && m.Subject == i18n.T(lt, "email.docreq.subject_returned", "Agency", f.a.Name, "Name", "Leidimas", "Case", caseName) {
				returned = append(returned, m.Body)
				says(t, "sent-back text", m.Body, i18n.T(lt, "email.docreq.returned", "From", staffName, "Name", "Leidimas", "Case", caseName), "Neryškus")
				says(t, "sent-back HTML", html.UnescapeString(m.HTML), "Neryškus", i18n.T(lt, "email.docreq.send"))
				lacks(t, "sent-back text", m.Body, "sent “Leidimas” back", "was sent back")
			}
		}
		if len(returned) != 1 {
			t.Fatalf("%d sent-back emails in Lithuanian", len(returned))
		}
	})

	t.Run("a contact who chose German is written to in German", func(t *testing.T) {
		tn := f.e.mustTenant(t, f.a.ID)
		setLang := func(lang string) {
			if _, err := tn.Write().ExecContext(context.Background(), `UPDATE users SET language = ? WHERE email = ?`, lang, f.contactEmail); err != nil {
				t.Fatal(err)
			}
		}
		setLang("de")
		defer setLang("") // the agency's again, for the pages after
		wantStatus(t, f.staff.post(staffCase+"/docrequests", url.Values{"name": {"Vollmacht"}}), http.StatusSeeOther)
		_, text, _ := mailed(t, "Vollmacht")
		says(t, "text", text, i18n.T("de", "email.docreq.turn_off"), "Vollmacht")
		lacks(t, "text", text, i18n.T(lt, "email.docreq.turn_off"))
	})

	t.Run("the page gives the script its failure toasts in Lithuanian", func(t *testing.T) {
		for _, p := range []struct {
			b    *browser
			path string
		}{{f.staff, staffCase}, {f.contact, f.portal("/cases/" + f.caseX)}} {
			page := p.b.get(p.path)
			wantStatus(t, page, http.StatusOK)
			for attr, id := range map[string]string{"data-msg-failed": "toast.failed", "data-msg-offline": "toast.offline"} {
				wantContains(t, page, attr+`="`+html.EscapeString(i18n.T(lt, id))+`"`)
			}
		}
	})

	t.Run("the recovery codes' messages are in Lithuanian", func(t *testing.T) {
		base := "/a/" + f.a.Slug + "/account/two-factor"
		res := f.staff.post(base+"/setup", nil)
		wantStatus(t, res, http.StatusOK)
		res = f.staff.post(base+"/confirm", url.Values{"code": {auth.TOTPCode(secretOf(res), f.e.clock.Now())}})
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `data-msg-copied="`+html.EscapeString(i18n.T(lt, "codes.copied"))+`"`)
		wantContains(t, res, `data-msg-copy-failed="`+html.EscapeString(i18n.T(lt, "codes.copy_failed"))+`"`)
		file := f.a.Slug + "-recovery-codes.txt"
		wantContains(t, res, `data-filename="`+file+`"`)
		wantContains(t, res, `data-msg-saved="`+html.EscapeString(i18n.T(lt, "codes.saved_as", "Name", file))+`"`)
	})

	t.Run("the script holds none of these messages", func(t *testing.T) {
		script, err := os.ReadFile("../assets/js/app.js")
		if err != nil {
			t.Fatal(err)
		}
		for _, english := range []string{"Something went wrong", "Could not reach the server", "Copied to the clipboard", "Could not copy", "Saved as"} {
			if strings.Contains(string(script), english) {
				t.Errorf("assets/js/app.js writes %q itself, in English whatever the page's language", english)
			}
		}
	})
}
