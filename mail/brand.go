package mail

import (
	"context"
	"strings"
)

// Brand is what an email shows of the agency it comes from: its name and
// accent colour in the HTML layout, its logo as an inline image (never a
// remote one), and the display name of the sender.
type Brand struct {
	Name       string // the agency's name; "MintedMind" for platform mail
	Accent     string // "#rrggbb"; DefaultAccent when the agency chose none
	Logo       []byte // PNG, JPEG or GIF; nil: the name stands in its place
	LogoType   string // Logo's content type
	SenderName string // the From display name; SenderName(Name) when empty
	// Texts are the agency's own subjects and openings, by template name.
	Texts map[string]Text
}

// DefaultAccent is the accent of platform mail and of agencies that chose
// no colour: the app's own blue.
const DefaultAccent = "#1e66f5"

// PlatformName is the product's name, the brand of mail that belongs to no
// agency.
const PlatformName = "MintedMind"

// BrandFunc looks up an agency's brand when one of its emails is queued.
type BrandFunc func(ctx context.Context, agencyID string) (Brand, error)

// UseBranding makes the mailer brand each agency's email with f; without
// it (and for platform mail) every email carries the platform's brand.
func (m *Mailer) UseBranding(f BrandFunc) { m.brand = f }

// DefaultSenderName is the From display name of an agency's email unless
// it set its own: "Acme Legal via MintedMind".
func DefaultSenderName(agencyName string) string {
	if agencyName == "" || agencyName == PlatformName {
		return PlatformName
	}
	return agencyName + " via " + PlatformName
}

// brandFor returns the brand of agencyID's email, with defaults filled in.
func (m *Mailer) brandFor(ctx context.Context, agencyID string) Brand {
	b := Brand{Name: PlatformName}
	if agencyID != "" && m.brand != nil {
		got, err := m.brand(ctx, agencyID)
		if err != nil {
			// Mail about an agency whose records cannot be read (a degraded
			// database) still goes out, in the platform's colours.
			m.log.Warn("mail: agency brand unavailable, platform brand used", "agency_id", agencyID, "err", err)
		} else {
			b = got
		}
	}
	if b.Name == "" {
		b.Name = PlatformName
	}
	if b.Accent == "" {
		b.Accent = DefaultAccent
	}
	switch b.LogoType {
	case "image/png", "image/jpeg", "image/gif":
	default: // SVG and WebP do not show in most mail clients: the name stands in
		b.Logo, b.LogoType = nil, ""
	}
	if len(b.Logo) == 0 {
		b.Logo, b.LogoType = nil, ""
	}
	b.SenderName = oneLine(b.SenderName)
	if b.SenderName == "" {
		b.SenderName = DefaultSenderName(b.Name)
	}
	return b
}

// logoFilename is the inline logo's file name, by its type.
func (b Brand) logoFilename() string {
	return "logo." + strings.TrimPrefix(strings.TrimPrefix(b.LogoType, "image/"), "x-")
}
