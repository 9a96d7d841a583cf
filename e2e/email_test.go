package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/mail"
	"mintedmind/mail/mailtest"
)

// receivedEmail sends a branded notification through the real mailer to
// the in-process SMTP server and returns its HTML part with the inline
// logo's cid: turned into a data: URL, as a mail client shows it.
func receivedEmail(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	schema, err := os.ReadFile("../control.sql")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	ctl, err := control.Open(ctx, t.TempDir(), string(schema), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close() })
	smtp := mailtest.Start(t)
	m, err := mail.New(ctl, mail.Config{URL: smtp.URL(), From: "MintedMind <no-reply@example.test>"}, os.DirFS("../views"), clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 240, 60))
	for x := 0; x < 240; x++ {
		for y := 0; y < 60; y++ {
			img.Set(x, y, color.RGBA{0x8b, 0x1e, 0x3f, 0xff})
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	m.UseBranding(func(context.Context, string) (mail.Brand, error) {
		return mail.Brand{Name: "Redwood Studio", Accent: "#8b1e3f", Logo: logo.Bytes(), LogoType: "image/png"}, nil
	})
	data := map[string]any{"AgencyName": "Redwood Studio", "From": "Rae Owner", "Case": "C-0007 A rather long case title that must wrap on a phone",
		"Text": "The signed lease is attached to the case.\nPlease check the second page, and reply in the portal when you can.",
		"Link": "https://crm.example.com/a/redwood/portal/cases/0b7e7c1e-1111-4222-8333-944455556666"}
	if err := m.Queue(ctx, "agency-1", "client@example.test", "case-update", data); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	msg := smtp.WaitFor(t, "client@example.test", 5*time.Second)
	html := msg.HTML
	for _, p := range msg.Parts {
		if p.ContentType == "image/png" {
			html = strings.ReplaceAll(html, `src="cid:logo"`, `src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(p.Data)+`"`)
		}
	}
	if !strings.Contains(html, "data:image/png;base64,") {
		t.Fatalf("no inline logo in the email:\n%s", html)
	}
	return html
}

// TestHTMLEmailOnAPhone (issue 17): a notification's HTML part, written
// to a file and opened in Chromium at 375 px, fits the screen with no
// horizontal scrolling, shows the logo, and turns dark with the system's
// dark theme; a screenshot of each is kept in artifacts/.
func TestHTMLEmailOnAPhone(t *testing.T) {
	execPath := requireChromium(t)
	file := filepath.Join(t.TempDir(), "case-update.html")
	if err := os.WriteFile(file, []byte(receivedEmail(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	phone := viewport{name: "phone", width: 375, height: 812, mobile: true}
	s := newStory(t, browser, "", artifacts, phone)
	for _, c := range []struct{ theme, card string }{{"light", "rgb(255, 255, 255)"}, {"dark", "rgb(28, 33, 43)"}} {
		prefer(t, s, c.theme)
		s.do("open the email", chromedp.Navigate("file://"+file))
		ctx, cancel := context.WithTimeout(s.ctx, 45*time.Second)
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow > 0 {
			t.Errorf("%s: the email is %dpx wider than the 375px screen", c.theme, overflow)
		}
		logo, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector('img.logo').naturalWidth`))
		if err != nil || logo != 240 {
			t.Errorf("%s: the logo is %d px wide (%v), want 240", c.theme, logo, err)
		}
		card, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table.card')).backgroundColor`))
		if err != nil || card != c.card {
			t.Errorf("%s: the card's background is %q (%v), want %s", c.theme, card, err, c.card)
		}
		button, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('a.button')).backgroundColor`))
		if err != nil || button != "rgb(139, 30, 63)" {
			t.Errorf("%s: the button is %q (%v), want the accent", c.theme, button, err)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(artifacts, "phone-375x812-email-case-update-"+c.theme+".png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}
