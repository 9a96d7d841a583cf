package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/files/filestest"
)

// wantLacksFold fails when the body holds s in any letter case.
func wantLacksFold(t *testing.T, res *response, what, s string) {
	t.Helper()
	if strings.Contains(strings.ToLower(res.Body), strings.ToLower(s)) {
		t.Errorf("the page shows %s %q:\n%s", what, s, res.Body)
	}
}

// The portal home's "Recent updates" list only the contact's client's
// cases: another client's case number, title, file names and shared notes
// never appear, in any letter case.
func TestPortalHomeUpdatesStayWithTheContactsClient(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	staffCase := func(id string) string { return "/a/" + f.a.Slug + "/cases/" + id }
	// Client Y's case already carries a shared document (yarrow-plan.pdf);
	// it gets a shared note and a second shared file, both lower-case, and
	// client X's case a shared note and file of its own, so that the
	// updates list is not empty.
	wantStatus(t, f.staff.post(staffCase(f.caseY)+"/notes", url.Values{"body": {"yarrow budget is forty thousand"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	body, ct := multipartBody(f.staff.csrf, url.Values{"shared": {"1"}}, upFile{"yarrow-merger-terms.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.staff.do("POST", staffCase(f.caseY)+"/documents", body, ct), http.StatusSeeOther)
	wantStatus(t, f.staff.post(staffCase(f.caseX)+"/notes", url.Values{"body": {"Xylo launch moves to Monday"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
	body, ct = multipartBody(f.staff.csrf, url.Values{"shared": {"1"}}, upFile{"xylo-brief.pdf", filestest.PDF(1, 0)})
	wantStatus(t, f.staff.do("POST", staffCase(f.caseX)+"/documents", body, ct), http.StatusSeeOther)
	number := func(caseID string) string {
		n, err := strconv.ParseInt(f.e.caseQuery(t, f.a, `SELECT number FROM cases WHERE id = ?`, caseID), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return tenant.CaseNumber(n)
	}
	numberX, numberY := number(f.caseX), number(f.caseY)

	res := f.contact.get(f.portal(""))
	wantStatus(t, res, http.StatusOK)
	t.Run("the contact's own updates are listed", func(t *testing.T) {
		for _, s := range []string{"Recent updates", numberX, "Xylo launch moves to Monday", "xylo-brief.pdf"} {
			if !strings.Contains(res.Body, s) {
				t.Errorf("the home page lacks %q", s)
			}
		}
	})
	t.Run("another client's case number, title, files and notes are not shown", func(t *testing.T) {
		wantLacksFold(t, res, "client Y's case number", numberY)
		wantLacksFold(t, res, "client Y's case link", "/portal/cases/"+f.caseY)
		wantLacksFold(t, res, "client Y's case title", "Yarrow secret plans")
		wantLacksFold(t, res, "client Y's file", "yarrow-plan.pdf")
		wantLacksFold(t, res, "client Y's file", "yarrow-merger-terms.pdf")
		wantLacksFold(t, res, "client Y's note", "budget is forty thousand")
		wantLacksFold(t, res, "client Y's name", "Yarrow")
	})
}
