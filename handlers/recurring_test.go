package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

func (f *billingFixture) recurringForm(kv ...string) url.Values {
	v := f.invoiceForm()
	v.Del("issue_date")
	v.Set("start_date", "2026-01-31")
	v.Set("frequency", "monthly")
	v.Set("interval_months", "1")
	v.Set("count", "0")
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = strings.Split(kv[i+1], "|")
	}
	return v
}

func TestRecurringForms(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	count := func() int {
		var n int
		f.tn.Read().QueryRow(`SELECT count(*) FROM recurring_invoices`).Scan(&n)
		return n
	}
	for name, c := range map[string]struct {
		form url.Values
		msg  string
	}{
		"an unknown frequency":      {f.recurringForm("frequency", "daily"), "Choose weekly, monthly"},
		"N of 0":                    {f.recurringForm("frequency", "months", "interval_months", "0"), "N from 1 to 36"},
		"N that is text":            {f.recurringForm("frequency", "months", "interval_months", "two"), "N from 1 to 36"},
		"an end before the start":   {f.recurringForm("end_date", "2025-12-31"), "before the start"},
		"a bad end date":            {f.recurringForm("end_date", "31/12/2026"), "YYYY-MM-DD"},
		"a bad start date":          {f.recurringForm("start_date", "soon"), "start date"},
		"a negative count":          {f.recurringForm("count", "-1"), "0 (no limit) to 1000"},
		"a count that is text":      {f.recurringForm("count", "many"), "whole number"},
		"another agency's client":   {f.recurringForm("client_id", f.foreign.ID), "Choose one of your clients"},
		"a negative price on lines": {f.recurringForm("line_price", "-1|2"), "negative"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			res := b.post(base, c.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, c.msg)
			if count() != 0 {
				t.Fatal("written")
			}
		})
	}
	res := b.post(base, f.recurringForm("count", "3"))
	wantStatus(t, res, http.StatusSeeOther)
	page := b.get(res.Header.Get("Location"))
	wantStatus(t, page, http.StatusOK)
	for _, d := range []string{"2026-01-31", "2026-02-28", "2026-03-31"} {
		wantContains(t, page, d)
	}
	wantNotContains(t, page, "2026-04-30")
	id := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	t.Run("skip, pause and resume", func(t *testing.T) {
		wantStatus(t, b.post(base+"/"+id+"/skip", nil), http.StatusSeeOther)
		wantStatus(t, b.post(base+"/"+id+"/pause", nil), http.StatusSeeOther)
		wantStatus(t, b.post(base+"/"+id+"/pause", nil), http.StatusConflict)
		wantStatus(t, b.post(base+"/"+id+"/resume", nil), http.StatusSeeOther)
		wantStatus(t, b.post(base+"/"+id+"/explode", nil), http.StatusUnprocessableEntity)
		r, err := f.tn.Recurring(context.Background(), tenant.Viewer{}, id)
		if err != nil || r.Status != tenant.RecurringEnded && r.NextIndex < 1 {
			t.Fatalf("%+v %v", r, err)
		}
	})
	wantContains(t, b.get(base), f.client.Name)
}
