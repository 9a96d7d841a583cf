package handlers_test

import (
	"bytes"
	"context"
	"database/sql"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mintedmind/db/tenant"
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
	t.Parallel()
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

// storeSettingRaw writes a setting straight into the agency's database,
// past every check db.SaveBranding and the branding form make.
func storeSettingRaw(t *testing.T, tn *tenant.Store, key, value string) {
	t.Helper()
	err := tn.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// brandAttrs finds the header's brand stylesheet href and logo src.
var brandAttrs = regexp.MustCompile(`<link rel="stylesheet" href="([^"]*brand\.css[^"]*)">|<img src="([^"]*)" alt="" class="brand-logo"`)

// htmlTag, quotedValue and eventAttr find an event handler attribute in
// a page's tags, outside the quoted attribute values.
var (
	htmlTag     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	quotedValue = regexp.MustCompile(`"[^"]*"`)
	eventAttr   = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// TestStoredBrandingCannotBreakOut stores accent colours and logo versions
// that no form would accept straight into the agency's database: the
// header's stylesheet link and logo (partials/layout/nav) keep them inside
// their attributes, escaped, and brand.css writes no CSS but a colour.
func TestStoredBrandingCannotBreakOut(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "brand-raw")
	tn := e.mustTenant(t, a.ID)
	staffBrowser, _ := e.mustAddUser(t, a, "staff")
	anon := e.newClient()
	pages := []struct {
		name string
		b    *browser
		path string
	}{
		{"the staff dashboard", staffBrowser, "/a/" + a.Slug},
		{"the owner's branding page", a.Owner, "/a/" + a.Slug + "/settings/branding"},
		{"the sign-in page", anon, "/a/" + a.Slug + "/login"},
		{"the agency's cookies page", anon, "/a/" + a.Slug + "/cookies"},
	}
	// header checks every page's brand attributes: no quote, angle
	// bracket or space got into them, and nothing hostile reached the page.
	header := func(t *testing.T, hostile string) (hrefs []string) {
		t.Helper()
		for _, p := range pages {
			res := p.b.get(p.path)
			wantStatus(t, res, http.StatusOK)
			for _, bad := range []string{"<script>alert", "</style>"} {
				if strings.Contains(res.Body, bad) {
					t.Errorf("%s holds %q", p.name, bad)
				}
			}
			for _, tag := range htmlTag.FindAllString(res.Body, -1) {
				if eventAttr.MatchString(quotedValue.ReplaceAllString(tag, `""`)) {
					t.Errorf("%s has an event handler attribute: %s", p.name, tag)
				}
			}
			if hostile != "" && strings.ContainsAny(hostile, `"<>`) && strings.Contains(res.Body, hostile) {
				t.Errorf("%s holds the stored value %q as it is", p.name, hostile)
			}
			if n := strings.Count(res.Body, `class="brand-logo"`); n > 1 {
				t.Errorf("%s has %d logos", p.name, n)
			}
			for _, m := range brandAttrs.FindAllStringSubmatch(res.Body, -1) {
				v := m[1] + m[2]
				if strings.ContainsAny(v, "\"'<> \t\r\n") || !strings.HasPrefix(v, "/a/"+a.Slug+"/") {
					t.Errorf("%s: brand attribute %q", p.name, v)
				}
				hrefs = append(hrefs, v)
			}
		}
		return hrefs
	}
	css := func(t *testing.T, want string) {
		t.Helper()
		for _, q := range []string{"", "?v=" + url.QueryEscape(`"><script>alert(1)</script>`)} {
			res := anon.get("/a/" + a.Slug + "/brand.css" + q)
			wantStatus(t, res, http.StatusOK)
			if ct := res.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("brand.css headers %v", res.Header)
			}
			if etag := res.Header.Get("ETag"); strings.ContainsAny(strings.Trim(etag, `"`), "\"<>;{} ") {
				t.Errorf("brand.css ETag %q", etag)
			}
			if !strings.Contains(res.Body, want) {
				t.Errorf("brand.css:\n%s\nwant %q", res.Body, want)
			}
			for _, bad := range []string{"<", ">", "script", "style", "url(", "@import", "\\"} {
				if strings.Contains(res.Body, bad) {
					t.Errorf("brand.css holds %q:\n%s", bad, res.Body)
				}
			}
		}
	}

	t.Run("values written straight into the database reach the pages", func(t *testing.T) {
		storeSettingRaw(t, tn, "brand_accent", "#123456")
		storeSettingRaw(t, tn, "brand_logo_version", "7")
		hrefs := strings.Join(header(t, ""), " ")
		if !strings.Contains(hrefs, "/a/"+a.Slug+"/brand.css?v=123456") || !strings.Contains(hrefs, "/a/"+a.Slug+"/logo?v=7") {
			t.Fatalf("brand attributes %q", hrefs)
		}
		css(t, "--pico-primary: #123456;")
	})

	accents := []string{
		`"><script>alert(1)</script>`,
		`red;}</style>`,
		`#123456"><script>alert(1)</script>`,
		`#123456;}body{display:none}`,
		`#12345`,
		`#ABCDEF`,
		`javascript:alert(1)`,
		"#abcdef\r\nSet-Cookie: x=1",
		`' onload='alert(1)`,
	}
	for _, accent := range accents {
		t.Run("accent "+accent+" stays in its attribute and out of brand.css", func(t *testing.T) {
			storeSettingRaw(t, tn, "brand_accent", accent)
			header(t, accent)
			css(t, "the default colours")
		})
	}

	versions := []string{`1" onerror="alert(1)`, `1"><script>alert(1)</script>`, `7 onerror=alert(1)`, `javascript:alert(1)`, `-1`, `99999999999999999999999`}
	for _, version := range versions {
		t.Run("logo version "+version+" stays in its attribute", func(t *testing.T) {
			storeSettingRaw(t, tn, "brand_accent", "#123456")
			storeSettingRaw(t, tn, "brand_logo_version", version)
			header(t, version)
		})
	}
}
