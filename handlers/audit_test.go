package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// visibleText is a page's text without its tags and attributes: what a
// reader sees.
func visibleText(body string) string {
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
}

func TestAuditLogReadsAsSentences(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "audit")
	b := e.mustSignup(t, "audit-b")
	base := "/a/" + a.Slug
	tn := e.mustTenant(t, a.ID)
	ctx := context.Background()

	a.Owner.get(base + "/clients/new")
	res := a.Owner.post(base+"/clients", clientValues("Acme Ltd", "kind", "company"))
	wantStatus(t, res, http.StatusSeeOther)
	clientID := strings.TrimPrefix(res.Header.Get("Location"), base+"/clients/")
	wantStatus(t, a.Owner.get(base+"/account/data.zip"), http.StatusOK)
	owner := mustUser(t, tn, a.OwnerEmail)
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "2fa.enabled", ActorID: owner.ID, ActorName: "Rūta", Target: a.OwnerEmail}); err != nil {
		t.Fatal(err)
	}

	t.Run("entries are sentences with links, not codes and ids", func(t *testing.T) {
		res := a.Owner.get(base + "/audit")
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `added the client <a href="`+base+`/clients/`+clientID+`">Acme Ltd</a>`)
		wantContains(t, res, `<a href="`+base+`/audit?actor=`+owner.ID+`">Rūta</a> turned on two-factor sign-in`)
		wantContains(t, res, "downloaded their own data")
		text := visibleText(res.Body)
		for _, code := range []string{clientID, owner.ID, "client.created", "2fa.enabled"} {
			if strings.Contains(text, code) {
				t.Errorf("the page shows %q as text", code)
			}
		}
		wantContains(t, res, `<option value="client.created">Client added</option>`)
	})

	t.Run("filtered by action as before", func(t *testing.T) {
		res := a.Owner.get(base + "/audit?action=client.created")
		wantContains(t, res, "added the client")
		wantLacks(t, res, "downloaded their own data")
		wantContains(t, res, `href="`+base+`/audit.csv?action=client.created"`)
	})

	t.Run("exported as CSV, with the same filter", func(t *testing.T) {
		res := a.Owner.get(base + "/audit.csv")
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, a.Slug+"-audit-") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		wantContains(t, res, "Time (UTC),Person,What happened,Action,Target,Detail,Address,Device")
		wantContains(t, res, "Olive Owner added the client Acme Ltd,client.created,"+clientID)
		wantContains(t, res, "Rūta turned on two-factor sign-in")
		filtered := a.Owner.get(base + "/audit.csv?" + url.Values{"action": {"client.created"}}.Encode())
		wantContains(t, filtered, "added the client Acme Ltd")
		wantLacks(t, filtered, "two-factor")
		wantStatus(t, a.Owner.get(base+"/audit.csv?from=yesterday"), http.StatusUnprocessableEntity)
	})

	t.Run("another agency's owner gets 404, and their own export holds nothing of A", func(t *testing.T) {
		wantStatus(t, b.Owner.get(base+"/audit.csv"), http.StatusNotFound)
		res := b.Owner.get("/a/" + b.Slug + "/audit.csv")
		wantStatus(t, res, http.StatusOK)
		wantLacks(t, res, "Acme Ltd")
		wantLacks(t, res, clientID)
	})

	t.Run("staff may not read or export it", func(t *testing.T) {
		staffer, _ := e.mustAddUser(t, a, "staff")
		wantStatus(t, staffer.get(base+"/audit.csv"), http.StatusNotFound)
	})

	t.Run("the operator's log reads the same way, filtered and exported", func(t *testing.T) {
		op := e.mustOperator(t)
		agencyURL := "/operator/agencies/" + a.ID
		op.get(agencyURL)
		wantStatus(t, op.post(agencyURL+"/lifecycle", url.Values{"action": {"suspend"}, "confirm": {a.Slug}}), http.StatusSeeOther)
		op.get(agencyURL)
		wantStatus(t, op.post(agencyURL+"/lifecycle", url.Values{"action": {"activate"}, "confirm": {a.Slug}}), http.StatusSeeOther)
		res := op.get("/operator/audit")
		wantContains(t, res, `Opal Operator suspended <a href="`+agencyURL+`">`+a.Name+`</a> (Trial → Suspended)`)
		if strings.Contains(visibleText(res.Body), a.ID) {
			t.Error("the agency's id shows as text")
		}
		res = op.get("/operator/audit?action=agency.suspend")
		wantContains(t, res, "suspended")
		wantLacks(t, res, "activated <a")
		csv := op.get("/operator/audit.csv?action=agency.activate")
		wantStatus(t, csv, http.StatusOK)
		wantContains(t, csv, "Opal Operator activated "+a.Name+" (Suspended → Active),agency.activate,"+a.Name)
		wantLacks(t, csv, "suspended "+a.Name)
		wantContains(t, op.get(agencyURL), "Opal Operator activated")
	})
}
