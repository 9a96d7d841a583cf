package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db/control"
)

// An outbox email is stored as its subject and plain-text body (what the
// outbox has columns for) and, as rows of outbox_attachments, the rest of
// what it is sent with: its HTML alternative, the inline logo and its
// headers. Those rows carry the content types below, which no file a
// person attaches has; send splits them off again. Stored with the email,
// a retry sends exactly what was queued.
const (
	partHTML    = "application/vnd.mintedmind.html-alternative"
	partHeaders = "application/vnd.mintedmind.headers+json"
	partInline  = "application/vnd.mintedmind.inline; type=" // + the image's type
)

// Options are what a caller adds to an email besides its template.
type Options struct {
	// ReplyTo is where a reply goes ("" for none): the person who wrote,
	// on mail a person can answer.
	ReplyTo string
	// Unsubscribe is the one-click opt-out address of a notification
	// (https; "" for mail one cannot turn off): it goes in
	// List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
	Unsubscribe string
}

// headers are the stored extra headers of an email.
type headers struct {
	// Kind is the template the email was rendered from, so the outboxes
	// can say what an email was without showing what it said.
	Kind        string `json:"kind,omitempty"`
	FromName    string `json:"from_name"`
	ReplyTo     string `json:"reply_to,omitempty"`
	Unsubscribe string `json:"list_unsubscribe,omitempty"`
}

// rendered is an email ready to be stored or sent.
type rendered struct {
	subject, text, html string
	brand               Brand
	headers             headers
}

// render fills template name with data for agencyID's brand.
func (m *Mailer) render(ctx context.Context, agencyID, name string, data any, opts Options) (*rendered, error) {
	if opts.ReplyTo != "" {
		if err := checkRecipient(opts.ReplyTo); err != nil {
			return nil, err
		}
	}
	if strings.ContainsAny(opts.Unsubscribe, "\r\n<>, ") {
		return nil, apperr.New(apperr.Invalid, "The unsubscribe address must be one URL.")
	}
	return m.renderFor(m.brandFor(ctx, agencyID), name, data, opts, nil)
}

// renderFor renders template name in brand b, with the agency's own
// subject and opening when it wrote them; layout, if not nil, adjusts
// what the layout is drawn with (the preview's logo).
func (m *Mailer) renderFor(b Brand, name string, data any, opts Options, layout func(*layoutData)) (*rendered, error) {
	t, ok := m.templates[name]
	if !ok {
		return nil, fmt.Errorf("no template %s/%s.txt", templateDir, name)
	}
	subject, text, err := t.render(data)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	var opening string
	if k, ok := EditableKindNamed(name); ok {
		own := b.Texts[name]
		if s := oneLine(k.fill(own.Subject, data)); s != "" {
			subject = s
		}
		if opening = strings.TrimSpace(k.fill(own.Opening, data)); opening != "" {
			text = opening + "\n\n" + text
		}
	}
	html, err := m.html.render(name, subject, opening, data, b, layout)
	if err != nil {
		return nil, fmt.Errorf("render %s.html: %w", name, err)
	}
	return &rendered{subject: subject, text: text, html: html, brand: b,
		headers: headers{Kind: name, FromName: b.SenderName, ReplyTo: opts.ReplyTo, Unsubscribe: opts.Unsubscribe}}, nil
}

// parts returns the outbox rows that carry r's HTML, logo and headers.
func (r *rendered) parts() ([]control.EmailAttachment, error) {
	h, err := json.Marshal(r.headers)
	if err != nil {
		return nil, err
	}
	out := []control.EmailAttachment{
		{Filename: "headers.json", ContentType: partHeaders, Data: h},
		{Filename: "body.html", ContentType: partHTML, Data: []byte(r.html)},
	}
	if r.brand.Logo != nil {
		out = append(out, control.EmailAttachment{Filename: r.brand.logoFilename(), ContentType: partInline + r.brand.LogoType, Data: r.brand.Logo})
	}
	return out, nil
}

// outgoing is an email as send needs it: the stored parts split off the
// files attached.
type outgoing struct {
	html    string
	headers headers
	inline  []control.EmailAttachment // ContentType: the image's own
	files   []control.EmailAttachment
}

// splitParts sorts an outbox email's rows into its parts and its files.
// An email queued before HTML mail has no parts: it goes out as text.
func splitParts(atts []control.EmailAttachment) (outgoing, error) {
	var o outgoing
	for _, a := range atts {
		switch {
		case a.ContentType == partHTML:
			o.html = string(a.Data)
		case a.ContentType == partHeaders:
			if err := json.Unmarshal(a.Data, &o.headers); err != nil {
				return o, fmt.Errorf("stored headers: %w", err)
			}
		case strings.HasPrefix(a.ContentType, partInline):
			a.ContentType = strings.TrimPrefix(a.ContentType, partInline)
			o.inline = append(o.inline, a)
		default:
			o.files = append(o.files, a)
		}
	}
	return o, nil
}

// UnsubscribeSecret returns the installation's secret, which signs the
// one-click opt-out links of the notifications it sends (app.Notify).
func (m *Mailer) UnsubscribeSecret(ctx context.Context) ([]byte, error) {
	return m.ctl.SecretKey(ctx)
}
