package mail_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"

	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// samplePNG is a real 2×2 PNG, the agency's logo in these tests.
func samplePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{0xc0, 0x39, 0x2b, 0xff})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mimeTree is a received message's structure: each part's media type,
// indented by depth, with its Content-ID, read with mime/multipart.
type mimeNode struct {
	media, cid string
	depth      int
	body       []byte
}

func walkMIME(t *testing.T, raw string) []mimeNode {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	var out []mimeNode
	var walk func(ct, cid string, body []byte, depth int)
	walk = func(ct, cid string, body []byte, depth int) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		out = append(out, mimeNode{media: media, cid: cid, depth: depth, body: body})
		if !strings.HasPrefix(media, "multipart/") {
			return
		}
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				break
			}
			var b bytes.Buffer
			if _, err := b.ReadFrom(p); err != nil {
				t.Fatalf("read part: %v", err)
			}
			walk(p.Header.Get("Content-Type"), p.Header.Get("Content-ID"), b.Bytes(), depth+1)
		}
	}
	var b bytes.Buffer
	b.ReadFrom(msg.Body)
	walk(msg.Header.Get("Content-Type"), "", b.Bytes(), 0)
	return out
}

var remoteImage = regexp.MustCompile(`(?i)<img[^>]+src="https?:`)

func TestHTMLEmail(t *testing.T) {
	t.Parallel()
	logo := samplePNG(t)
	brand := func(ctx context.Context, agencyID string) (mail.Brand, error) {
		return mail.Brand{Name: "Acme Legal", Accent: "#c0392b", Logo: logo, LogoType: "image/png"}, nil
	}

	t.Run("a notification is multipart/alternative with text, HTML and the logo inline", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		f.mailer.UseBranding(brand)
		data := map[string]any{"AgencyName": "Acme Legal", "From": "Grace <Hopper>", "Case": "C-0001 Lease", "Text": "The lease is <b>ready</b>.", "Link": "https://portal.example.com/a/acme/portal/cases/1"}
		if err := f.mailer.Queue(context.Background(), agencyID, "ann@example.com", "case-update", data); err != nil {
			t.Fatalf("queue: %v", err)
		}
		f.flush(t)
		msg := srv.WaitFor(t, "ann@example.com", waitFor)

		tree := walkMIME(t, msg.Data)
		var types []string
		for _, n := range tree {
			types = append(types, strings.Repeat(" ", n.depth)+n.media)
		}
		t.Logf("structure:\n%s", strings.Join(types, "\n"))
		var alt, plain, html, img bool
		for _, n := range tree {
			switch n.media {
			case "multipart/alternative":
				alt = true
			case "text/plain":
				plain = true
			case "text/html":
				html = true
			case "image/png":
				img = true
				if n.cid != "<logo>" {
					t.Errorf("logo part Content-ID = %q, want <logo>", n.cid)
				}
			}
		}
		if !alt || !plain || !html || !img {
			t.Fatalf("want multipart/alternative with text/plain, text/html and an image/png part; got\n%s", strings.Join(types, "\n"))
		}
		if !strings.Contains(msg.Body, "The lease is <b>ready</b>.") || !strings.Contains(msg.Body, data["Link"].(string)) {
			t.Errorf("text part lacks the message or the link:\n%s", msg.Body)
		}
		h := msg.HTML
		for _, want := range []string{`src="cid:logo"`, `alt="Acme Legal"`, "#c0392b", "The lease is &lt;b&gt;ready&lt;/b&gt;.", `href="https://portal.example.com/a/acme/portal/cases/1"`, "Grace &lt;Hopper&gt;", "prefers-color-scheme: dark", `name="viewport"`} {
			if !strings.Contains(h, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, h)
			}
		}
		if remoteImage.MatchString(h) {
			t.Errorf("HTML part loads a remote image:\n%s", h)
		}
		// The CSS is inlined: the button carries the accent in its own style.
		if !regexp.MustCompile(`<a class="button" href="[^"]+" style="[^"]*background: #c0392b`).MatchString(h) {
			t.Errorf("the button's style does not carry the accent inline:\n%s", h)
		}
		if strings.Contains(h, "body { margin") {
			t.Errorf("inlined rules stay in the <style> block:\n%s", h)
		}
		for _, p := range msg.Parts {
			if p.ContentType == "image/png" && !bytes.Equal(p.Data, logo) {
				t.Errorf("the inline logo differs from the agency's (%d bytes, want %d)", len(p.Data), len(logo))
			}
		}
	})

	t.Run("platform mail and an agency without a logo show the name, and no image", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		f := mustNewMailer(t, srv.URL())
		f.mailer.UseBranding(func(context.Context, string) (mail.Brand, error) { return mail.Brand{Name: "Bare Agency"}, nil })
		f.queueReset(t, "ada@example.com")
		f.flush(t)
		msg := srv.WaitFor(t, "ada@example.com", waitFor)
		if strings.Contains(msg.HTML, "<img") {
			t.Errorf("HTML has an image without a logo:\n%s", msg.HTML)
		}
		for _, want := range []string{`class="name"`, "Bare Agency", mail.DefaultAccent} {
			if !strings.Contains(msg.HTML, want) {
				t.Errorf("HTML lacks %q:\n%s", want, msg.HTML)
			}
		}
		for _, p := range msg.Parts {
			if strings.HasPrefix(p.ContentType, "image/") {
				t.Errorf("an image part without a logo: %s", p.ContentType)
			}
		}
	})
}
