package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInvoiceInTheClientsLanguage: a client's language (chosen on the
// client's edit form, clients.language) is the language of the invoice
// email and PDF the agency sends it, amounts in that language's format;
// a language the app lacks is refused beside the field and nothing is
// stored.
func TestInvoiceInTheClientsLanguage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustBillingFixture(t)
	b := f.a.Owner
	clientURL := "/a/" + f.a.Slug + "/clients/" + f.client.ID
	form := func(lang string) url.Values {
		return url.Values{"name": {"Žalia UAB"}, "kind": {"company"}, "emails": {"pay@zalia.test"}, "city": {"Vilnius"},
			"version": {strconv.FormatInt(f.client.Version, 10)}, "language": {lang}}
	}
	lang := func(t *testing.T) string {
		t.Helper()
		l, err := f.tn.ClientLanguage(ctx, f.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	edit := b.get(clientURL + "/edit")
	wantContains(t, edit, `name="language"`)
	wantContains(t, edit, "Language of emails and PDFs")

	t.Run("a language the app lacks is refused", func(t *testing.T) {
		res := b.post(clientURL, form("xx"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose one of the languages listed.")
		if l := lang(t); l != "" {
			t.Fatalf("language %q stored", l)
		}
	})
	wantStatus(t, b.post(clientURL, form("lt")), http.StatusSeeOther)
	if l := lang(t); l != "lt" {
		t.Fatalf("language %q, want lt", l)
	}
	wantContains(t, b.get(clientURL+"/edit"), `<option value="lt" lang="lt" selected>`)

	id := f.mustCreateDraft(t, b, f.invoiceForm())
	f.mustIssue(t, b, id)
	b.get(f.inv("/" + id))
	wantStatus(t, b.post(f.inv("/"+id+"/send"), nil), http.StatusSeeOther)
	f.e.flushMail(t)
	m := f.e.smtp.WaitFor(t, "pay@zalia.test", 5*time.Second)
	if !strings.Contains(m.Subject, "Sąskaita faktūra INV-2026-0001") {
		t.Errorf("subject %q", m.Subject)
	}
	for _, s := range []string{"Sveiki, Žalia UAB,", "sumai 192,39\u00a0€", "PDF failas pridėtas.", "Ačiū,"} {
		if !strings.Contains(m.Body, s) {
			t.Errorf("the email lacks %q:\n%s", s, m.Body)
		}
		if !strings.Contains(m.HTML, s) {
			t.Errorf("the HTML email lacks %q", s)
		}
	}
	if strings.Contains(m.Body, "has sent you") {
		t.Errorf("English in the Lithuanian email:\n%s", m.Body)
	}
	var pdf []byte
	for _, p := range m.Parts {
		if p.ContentType == "application/pdf" {
			pdf = p.Data
		}
	}
	if pdf == nil {
		t.Fatal("no PDF attached")
	}
	text := pdfText(t, pdf)
	for _, s := range []string{"Sąskaita faktūra", "Išrašymo data", "PIRKĖJAS", "Aprašymas", "Iš viso", "192,39", "1,5"} {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"Issue date", "Bill to", "Subtotal", "192.39 EUR"} {
		if strings.Contains(text, s) {
			t.Errorf("English %q in the Lithuanian PDF", s)
		}
	}
	t.Run("the downloaded PDF is in the client's language too", func(t *testing.T) {
		res := b.get(f.inv("/" + id + "/pdf"))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, &response{Body: pdfText(t, []byte(res.Body))}, "Iš viso")
	})
}

// pdfText is the text of a PDF by poppler's pdftotext (CI installs
// poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
