package handlers_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signaturePNG is a w×h PNG data URL, transparent with a dark stroke
// across it unless blank.
func signaturePNG(t *testing.T, w, h int, blank bool) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if !blank {
		for x := w / 10; x < w*9/10; x++ {
			for dy := -2; dy <= 2; dy++ {
				img.Set(x, h/2+dy+(x%20)/5, color.NRGBA{R: 17, G: 17, B: 17, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestPortalQuoteSignature: a drawn signature is checked on the server:
// not a data URL, not a PNG, too large, the wrong size or blank is 422
// with its message, and nothing is stored or spent (the code still works
// after); a good one is stored and printed on the signed PDF as an image
// (an image XObject, and dark pixels where pdftoppm renders the last
// page); with no script the typed name signs and the PDF has no image.
func TestPortalQuoteSignature(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	id := f.mustSentQuote(t, f.x)
	code := f.mustQuoteCode(t, id)
	form := func(kind, data string) url.Values {
		return url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "chosen": {"1"}, "code": {code}, "signature_kind": {kind}, "signature_png": {data}}
	}
	noise := make([]byte, 300<<10)
	rand.Read(noise)

	t.Run("bad drawn signatures are 422 with their message and store nothing", func(t *testing.T) {
		for name, tc := range map[string]struct{ data, msg string }{
			"none":       {"", "Draw your signature, or choose the typed one."},
			"not a URL":  {"hello", "is not a PNG image we can read"},
			"a GIF":      {"data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("GIF89a\x01\x00\x01\x00")), "is not a PNG image we can read"},
			"not base64": {"data:image/png;base64,!!!!", "is not a PNG image we can read"},
			"oversize":   {"data:image/png;base64," + base64.StdEncoding.EncodeToString(noise), "is too large"},
			"too small":  {signaturePNG(t, 20, 10, false), "has the wrong size"},
			"too wide":   {signaturePNG(t, 3000, 200, false), "has the wrong size"},
			"blank":      {signaturePNG(t, 600, 200, true), "is empty"},
		} {
			before := f.quoteState(t, id)
			res := f.contact.post(f.portal("/quotes/"+id+"/accept"), form("drawn", tc.data))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
				t.Errorf("%s: status %d, want 422 with %q", name, res.StatusCode, tc.msg)
			}
			if f.quoteState(t, id) != before {
				t.Fatalf("%s: a refused signature changed the database", name)
			}
		}
	})

	t.Run("a drawn signature is stored and on the signed PDF", func(t *testing.T) {
		wantStatus(t, f.contact.post(f.portal("/quotes/"+id+"/accept"), form("drawn", signaturePNG(t, 600, 200, false))), http.StatusSeeOther)
		if k := f.e.caseQuery(t, f.a, `SELECT signature_kind || ':' || (length(signature_png) > 100) FROM quote_acceptances WHERE quote_id = ?`, id); k != "drawn:1" {
			t.Fatalf("stored %s", k)
		}
		res := f.contact.get(f.portal("/quotes/" + id + "/signed"))
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body, "/Subtype /Image") {
			t.Fatal("the signed PDF has no image")
		}
		if text := pdfText(t, []byte(res.Body)); !strings.Contains(text, "drawn by hand") {
			t.Fatalf("the signed PDF does not say the signature was drawn:\n%s", text)
		}
	})

	t.Run("a typed signature signs without an image", func(t *testing.T) {
		typed := f.mustSentQuote(t, f.x)
		res := f.contact.post(f.portal("/quotes/"+typed+"/accept"), url.Values{"signer_name": {"Xena Contact"}, "agree": {"1"}, "code": {f.mustQuoteCode(t, typed)}})
		wantStatus(t, res, http.StatusSeeOther)
		if k := f.e.caseQuery(t, f.a, `SELECT signature_kind || ':' || (signature_png IS NULL) FROM quote_acceptances WHERE quote_id = ?`, typed); k != "typed:1" {
			t.Fatalf("stored %s", k)
		}
		pdf := f.contact.get(f.portal("/quotes/" + typed + "/signed"))
		if strings.Contains(pdf.Body, "/Subtype /Image") {
			t.Fatal("a typed signature's PDF has an image")
		}
	})
}
