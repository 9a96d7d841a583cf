package handlers

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // logo formats
	_ "image/png"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	_ "golang.org/x/image/webp"

	"mintedmind/db/tenant"
	"mintedmind/mail"
)

// maxLogoSide is the largest width or height of a logo, in pixels.
const maxLogoSide = 4000

// logoTypes are the logo formats accepted, as sniffed from the bytes. SVG is
// not among them: it can carry script.
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// brandingView is the owner's branding page and form.
type brandingView struct {
	Page
	FormErrors
	Accent   string // "" for the default colours
	Picker   string // what the colour input shows
	Settings tenant.Settings
	LogoURL  string
	MaxLogo  int // KiB
	// SenderName is the display name of the agency's email ("" for
	// DefaultSender, "<agency> via MintedMind").
	SenderName    string
	DefaultSender string
}

// Branding shows the owner's branding page: the accent colour and the logo.
func (h *Handlers) Branding(c *fiber.Ctx, r *Request) error {
	sender, err := r.Tenant.EmailSenderName(c.UserContext())
	if err != nil {
		return err
	}
	return h.brandingPage(c, r, "", sender, nil)
}

func (h *Handlers) brandingPage(c *fiber.Ctx, r *Request, accent, sender string, err error) error {
	s, serr := r.Settings(c.UserContext())
	if serr != nil {
		return serr
	}
	if accent == "" {
		accent = s.Accent
	}
	return h.formPage(c, "pages/settings/branding", "pages/settings/branding", &brandingView{
		Page: Page{Title: "set.brand.title"}, Accent: accent, Picker: pickerValue(accent), Settings: s,
		LogoURL: "/a/" + r.Agency.Slug + "/logo?v=" + strconv.FormatInt(s.LogoVersion, 10),
		MaxLogo: tenant.MaxLogoBytes >> 10, SenderName: sender, DefaultSender: mail.DefaultSenderName(r.Agency.Name),
	}, err)
}

// pickerValue is what a colour input shows: the accent, or Pico's blue.
func pickerValue(accent string) string {
	if accent == "" {
		return "#0172ad"
	}
	return accent
}

// BrandingUpdate saves the accent colour and the logo. The logo is checked
// from its bytes (PNG, JPEG or WebP, at most 512 KiB and 4000 px a side);
// anything else is refused and nothing changes.
func (h *Handlers) BrandingUpdate(c *fiber.Ctx, r *Request) error {
	accent := strings.ToLower(formValue(c, "accent"))
	if c.FormValue("default_accent") == "on" {
		accent = ""
	}
	sender, msg := tenant.ValidateSenderName(formValue(c, "sender_name"))
	if msg != "" {
		return h.brandingPage(c, r, accent, sender, invalidField("sender_name", msg))
	}
	if accent != "" && !tenant.ValidAccent(accent) {
		return h.brandingPage(c, r, accent, sender, invalidField("accent", "Choose a colour like #1a7f5a."))
	}
	if n := c.Request().Header.ContentLength(); n > tenant.MaxLogoBytes+64<<10 {
		return h.brandingPage(c, r, accent, sender, logoTooLarge())
	}
	var logo *tenant.Logo
	if fh, err := c.FormFile("logo"); err == nil && fh.Size > 0 {
		if fh.Size > tenant.MaxLogoBytes {
			return h.brandingPage(c, r, accent, sender, logoTooLarge())
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("branding: open upload: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, tenant.MaxLogoBytes+1))
		f.Close()
		if err != nil {
			return fmt.Errorf("branding: read upload: %w", err)
		}
		if logo, err = checkLogo(data); err != nil {
			return h.brandingPage(c, r, accent, sender, err)
		}
	}
	remove := c.FormValue("remove_logo") == "on" && logo == nil
	if err := r.Tenant.SaveBranding(c.UserContext(), accent, logo, remove, auditFor(c, "branding.changed", "")); err != nil {
		return err
	}
	if err := r.Tenant.SaveEmailSenderName(c.UserContext(), sender, auditFor(c, "branding.changed", "")); err != nil {
		return err
	}
	h.flash(c, "Branding saved.")
	return h.redirect(c, "/a/"+r.Agency.Slug+"/settings/branding")
}

func logoTooLarge() error {
	return invalidField("logo", fmt.Sprintf("The logo is larger than %d KiB. Save it smaller (a 400 px wide PNG is plenty) and try again.", tenant.MaxLogoBytes>>10))
}

// checkLogo returns data as a logo if its bytes are a PNG, JPEG or WebP
// image of sane dimensions.
func checkLogo(data []byte) (*tenant.Logo, error) {
	if len(data) > tenant.MaxLogoBytes {
		return nil, logoTooLarge()
	}
	ct := http.DetectContentType(data)
	if !logoTypes[ct] {
		return nil, invalidField("logo", "The logo must be a PNG, JPEG or WebP image; this file is not one of those.")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, invalidField("logo", "This image can't be read: it may be damaged or cut short.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		return nil, invalidField("logo", fmt.Sprintf("The logo is %d × %d pixels; use at most %d pixels a side.", cfg.Width, cfg.Height, maxLogoSide))
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return nil, invalidField("logo", "This image can't be read: it may be damaged or cut short.")
	}
	return &tenant.Logo{ContentType: ct, Data: data}, nil
}

// Logo serves the agency's logo to anyone: it shows on its sign-in page.
func (h *Handlers) Logo(c *fiber.Ctx, r *Request) error {
	l, err := r.Tenant.BrandLogo(c.UserContext())
	if err != nil {
		return err
	}
	return sendVersioned(c, strconv.FormatInt(l.Version, 10), l.ContentType, l.Data)
}

// BrandCSS serves the agency's accent colour as CSS custom properties (a
// stylesheet, because the content security policy allows no inline style).
func (h *Handlers) BrandCSS(c *fiber.Ctx, r *Request) error {
	s, err := r.Settings(c.UserContext())
	if err != nil {
		return err
	}
	accent := s.Accent
	if !tenant.ValidAccent(accent) {
		accent = "" // the stylesheet writes only a colour "#rrggbb", whatever was stored
	}
	return sendVersioned(c, strings.TrimPrefix(accent, "#"), "text/css; charset=utf-8", []byte(brandCSS(accent)))
}

// brandCSS sets Pico's primary colours from the accent, "" or a valid
// "#rrggbb": the accent itself where it meets WCAG's text contrast on the
// page, else the nearest shade that does (darker on the light theme,
// lighter on the dark one), and a focus ring of the same hue with at
// least 3:1 against the page.
func brandCSS(accent string) string {
	if accent == "" {
		return "/* the default colours */\n"
	}
	c := parseHex(accent)
	light := readableOn(c, lightBackground, textContrast)
	darkShade := readableOn(c, darkBackground, textContrast)
	hover := light.mix(rgb{0, 0, 0}, 0.2)
	// The selectors are Pico's own (its light theme, its dark theme by
	// the system's preference and by data-theme), so that this sheet,
	// loaded after Pico's, wins over its default colours whichever way the
	// theme is chosen. The header carries the accent as a top rule and the
	// agency's name in the accent.
	dark := fmt.Sprintf(`--pico-primary: %[5]s;
  --pico-primary-underline: %[5]s80;
  --pico-primary-hover: %[5]s;
  --pico-primary-background: %[1]s;
  --pico-primary-border: %[1]s;
  --pico-primary-hover-background: %[2]s;
  --pico-primary-hover-border: %[2]s;
  --pico-primary-inverse: %[3]s;
  --mm-focus: %[6]s;
  --mm-brand: %[5]s;`, light.hex(), hover.hex(), inverseOf(light), readableOn(c, lightBackground, focusContrast).hex(), darkShade.hex(), readableOn(c, darkBackground, focusContrast).hex())
	return fmt.Sprintf(`:root:not([data-theme=dark]), [data-theme=light] {
  --pico-primary: %[1]s;
  --pico-primary-background: %[1]s;
  --pico-primary-border: %[1]s;
  --pico-primary-underline: %[1]s80;
  --pico-primary-hover: %[2]s;
  --pico-primary-hover-background: %[2]s;
  --pico-primary-hover-border: %[2]s;
  --pico-primary-hover-underline: %[2]s;
  --pico-primary-focus: %[1]s40;
  --pico-primary-inverse: %[3]s;
  --mm-focus: %[4]s;
  --mm-brand: %[1]s;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme=light]) {
  %[5]s
  }
}
[data-theme=dark] {
  %[5]s
}
.site-header, .app-header { border-top: 4px solid var(--mm-brand); }
.brand strong { color: var(--mm-brand); }
`, light.hex(), hover.hex(), inverseOf(light), readableOn(c, lightBackground, focusContrast).hex(), dark)
}

// sendVersioned sends a small generated file: cached for a year when the
// URL names its current version, revalidated by ETag otherwise.
func sendVersioned(c *fiber.Ctx, version, contentType string, body []byte) error {
	etag := `"` + version + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if c.Query("v") == version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60, must-revalidate")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Send(body)
}
