package handlers_test

import (
	"bytes"

	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/files/filestest"
)

// brandingForm posts the branding form with an optional logo file.
func brandingForm(t *testing.T, b *browser, slug string, fields map[string]string, logoName string, logo []byte) *response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", b.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if logo != nil {
		fw, _ := w.CreateFormFile("logo", logoName)
		fw.Write(logo)
	}
	w.Close()
	return b.do("POST", "/a/"+slug+"/settings/branding", &body, w.FormDataContentType())
}

func TestBranding(t *testing.T) {
	e := mustNewEnv(t)
	a := e.mustSignup(t, "brand")
	a.Owner.get("/a/" + a.Slug + "/settings/branding")

	t.Run("the accent colour and logo show on the agency's pages, the sign-in page included", func(t *testing.T) {
		res := brandingForm(t, a.Owner, a.Slug, map[string]string{"accent": "#1A7F5A"}, "logo.png", filestest.PNG(120, 40))
		wantStatus(t, res, http.StatusSeeOther)
		anon := e.newClient()
		page := anon.get("/a/" + a.Slug + "/login")
		wantContains(t, page, `/a/`+a.Slug+`/brand.css?v=1a7f5a`)
		wantContains(t, page, `class="brand-logo"`)
		css := anon.get("/a/" + a.Slug + "/brand.css?v=1a7f5a")
		wantStatus(t, css, http.StatusOK)
		wantContains(t, css, "--pico-primary: #1a7f5a;")
		if cc := css.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q", cc)
		}
		logo := anon.get("/a/" + a.Slug + "/logo")
		wantStatus(t, logo, http.StatusOK)
		if logo.Header.Get("Content-Type") != "image/png" || logo.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("logo headers %v", logo.Header)
		}
	})

	bad := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"an SVG with script", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "must be a PNG, JPEG or WebP"},
		{"HTML renamed .png", "logo.png", []byte("<!doctype html><script>alert(1)</script>"), "must be a PNG, JPEG or WebP"},
		{"a truncated PNG", "logo.png", filestest.PNG(50, 50)[:40], "can&#39;t be read"},
		{"an absurdly large image", "logo.png", filestest.PNGHeader(40000, 40000), "40000 × 40000 pixels"},
		{"a file over 512 KiB", "logo.png", append(filestest.PNG(10, 10), make([]byte, 600<<10)...), "larger than 512 KiB"},
	}
	for _, b := range bad {
		t.Run(b.name+" is refused and nothing changes", func(t *testing.T) {
			before := a.Owner.get("/a/" + a.Slug + "/logo").Body
			res := brandingForm(t, a.Owner, a.Slug, map[string]string{"accent": "#000000"}, b.file, b.data)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, b.want)
			if a.Owner.get("/a/"+a.Slug+"/logo").Body != before {
				t.Fatal("the logo changed")
			}
			wantContains(t, e.newClient().get("/a/"+a.Slug+"/login"), "brand.css?v=1a7f5a")
		})
	}

	t.Run("a colour that is not one is refused", func(t *testing.T) {
		res := brandingForm(t, a.Owner, a.Slug, map[string]string{"accent": "red;}body{display:none"}, "", nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose a colour like")
	})

	var invoicePath string
	t.Run("the logo is printed on the invoice PDFs", func(t *testing.T) {
		client := e.mustCaseClient(t, a, "Logo Client", "")
		a.Owner.get("/a/" + a.Slug + "/invoices/new")
		res := a.Owner.post("/a/"+a.Slug+"/invoices", url.Values{"client_id": {client}, "currency": {"EUR"}, "issue_date": {"2026-11-02"}, "terms_days": {"14"},
			"line_description": {"Work"}, "line_quantity": {"1"}, "line_price": {"10"}, "line_vat": {"21"}})
		wantStatus(t, res, http.StatusSeeOther)
		invoicePath = res.Header.Get("Location")
		pdf := a.Owner.get(invoicePath + "/pdf")
		wantStatus(t, pdf, http.StatusOK)
		if !strings.Contains(pdf.Body, "/Subtype /Image") {
			t.Fatal("the PDF has no image")
		}
	})

	t.Run("removing the logo and going back to the default colour", func(t *testing.T) {
		res := brandingForm(t, a.Owner, a.Slug, map[string]string{"default_accent": "on", "remove_logo": "on"}, "", nil)
		wantStatus(t, res, http.StatusSeeOther)
		page := e.newClient().get("/a/" + a.Slug + "/login")
		wantLacks(t, page, "brand.css")
		wantLacks(t, page, "brand-logo")
		wantStatus(t, e.newClient().get("/a/"+a.Slug+"/logo"), http.StatusNotFound)
		if invoicePath != "" && strings.Contains(a.Owner.get(invoicePath+"/pdf").Body, "/Subtype /Image") {
			t.Fatal("the PDF still has the removed logo")
		}
	})
}
