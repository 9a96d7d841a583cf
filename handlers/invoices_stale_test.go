package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// formVersion is the version the editor in body carries ("" for none).
func formVersion(body string) string {
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// draftState is a draft's row and lines as one string, to prove a refused
// save changed nothing.
func draftState(t *testing.T, f *billingFixture, id string) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT notes || '|' || total || '|' || updated_at FROM invoices WHERE id = ?`,
		`SELECT position || '|' || description || '|' || quantity_milli || '|' || unit_price FROM invoice_lines WHERE invoice_id = ? ORDER BY position`,
	} {
		rows, err := f.tn.Read().QueryContext(context.Background(), q, id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			sb.WriteString(s + "\n")
		}
		rows.Close()
	}
	return sb.String()
}

// TestInvoiceEditorStaleSave: the staff editor carries the draft's
// version; saving it after someone else saved the draft is 409 with a
// message in the page, the form as typed (and now the draft's current
// version), and the draft as the other person left it. Saving that form
// again stores it.
func TestInvoiceEditorStaleSave(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	draft, err := f.tn.Invoice(context.Background(), tenant.Viewer{}, id)
	if err != nil {
		t.Fatal(err)
	}
	editor := b.get(f.inv("/" + id + "/edit"))
	wantStatus(t, editor, http.StatusOK)
	opened := formVersion(editor.Body)
	if opened != strconv.FormatInt(draft.Version, 10) {
		t.Fatalf("the editor carries version %q, want the draft's %d", opened, draft.Version)
	}

	// The admin saves within the same second: the version tells the saves apart.
	other := f.adminC
	wantStatus(t, other.post(f.inv("/"+id), f.invoiceForm("notes", "Saved by the admin", "version", formVersion(other.get(f.inv("/"+id+"/edit")).Body))), http.StatusSeeOther)
	before := draftState(t, f, id)

	res := b.post(f.inv("/"+id), f.invoiceForm("notes", "Typed by the owner", "line_price", "120|9.99", "version", opened))
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "Someone else changed this draft since you opened it.")
	wantContains(t, res, "Typed by the owner")
	wantContains(t, res, `value="120"`)
	if after := draftState(t, f, id); after != before {
		t.Fatalf("a stale save changed the draft:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	current := formVersion(res.Body)
	if current == "" || current == opened {
		t.Fatalf("the refused form carries version %q (opened at %s): want the draft's current one", current, opened)
	}

	t.Run("the kept form saved again is stored", func(t *testing.T) {
		wantStatus(t, b.post(f.inv("/"+id), f.invoiceForm("notes", "Typed by the owner", "version", current)), http.StatusSeeOther)
		wantContains(t, b.get(f.inv("/"+id)), "Typed by the owner")
	})
}
