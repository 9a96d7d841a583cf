package inbound

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// maxParts bounds the MIME parts of one email, nested ones included, so a
// small email cannot make the parser walk a million empty parts.
const maxParts = 100

// maxDepth bounds how deep multiparts nest.
const maxDepth = 10

// Email is what a reply by email carries, read with the standard library's
// MIME packages (net/mail, mime/multipart, mime/quotedprintable; charsets
// from golang.org/x/text): the first text/plain part that is not an
// attachment as its text, else the first text/html part turned into text,
// and every part with a file name or an attachment disposition as a file.
type Email struct {
	From      string // the From address
	MessageID string
	// Auto is why the email was sent by a program, not a person ("" when
	// it was not): Auto-Submitted other than "no", Precedence bulk, junk,
	// list or auto_reply, the X-Autoreply family (RFC 3834 and the
	// headers out-of-office systems add in its place).
	Auto  string
	Text  string
	Files []File
}

// File is an attached file.
type File struct {
	Name string
	Data []byte
}

// Parse reads an email.
func Parse(r io.Reader) (*Email, error) {
	msg, err := netmail.ReadMessage(r)
	if err != nil {
		return nil, fmt.Errorf("inbound: read the email: %w", err)
	}
	e := &Email{MessageID: strings.TrimSpace(msg.Header.Get("Message-ID")), Auto: autoReason(msg.Header)}
	if from, err := msg.Header.AddressList("From"); err == nil && len(from) == 1 {
		e.From = from[0].Address
	}
	w := &walker{email: e}
	if err := w.part(msg.Header, msg.Body, 0); err != nil {
		return nil, err
	}
	switch {
	case w.plain != nil:
		e.Text = *w.plain
	case w.html != nil:
		e.Text = HTMLText(*w.html)
	}
	return e, nil
}

// autoReason says why the headers h mark an automatic email, or "".
func autoReason(h netmail.Header) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponse"} {
		if h.Get(k) != "" {
			return k
		}
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return "Return-Path: <>"
	}
	return ""
}

// header is what the walker reads of a MIME header (net/mail's and
// mime/multipart's both).
type header interface{ Get(string) string }

// walker collects an email's text and files as it walks its parts.
type walker struct {
	email       *Email
	plain, html *string
	parts       int
}

// part reads one MIME entity with header h and body.
func (w *walker) part(h header, body io.Reader, depth int) error {
	if w.parts++; w.parts > maxParts || depth > maxDepth {
		return errors.New("inbound: the email has too many parts")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mediaType, params = "application/octet-stream", nil
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("inbound: read a part: %w", err)
			}
			if err := w.part(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decodeTransfer(h.Get("Content-Transfer-Encoding"), body))
	if err != nil {
		return fmt.Errorf("inbound: decode a part: %w", err)
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := decodeWords(dparams["filename"])
	if name == "" {
		name = decodeWords(params["name"])
	}
	// A named part is a file unless it is text shown inline; an image
	// pasted into the reply is a file too.
	if disposition == "attachment" || (name != "" && (disposition != "inline" || !strings.HasPrefix(mediaType, "text/"))) {
		if name == "" {
			name = "attachment"
		}
		w.email.Files = append(w.email.Files, File{Name: name, Data: data})
		return nil
	}
	switch mediaType {
	case "text/plain":
		if w.plain == nil {
			s := decodeCharset(params["charset"], data)
			w.plain = &s
		}
	case "text/html":
		if w.html == nil {
			s := decodeCharset(params["charset"], data)
			w.html = &s
		}
	case "message/rfc822", "message/delivery-status":
		// A forwarded email or a bounce report: not the person's words.
	}
	return nil
}

// decodeTransfer undoes a part's Content-Transfer-Encoding.
func decodeTransfer(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &noSpace{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// noSpace drops the line breaks and spaces of base64 text.
type noSpace struct{ r io.Reader }

func (n *noSpace) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, b := range p[:k] {
			if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// decodeCharset turns text in charset into UTF-8; text in a charset not
// known is kept where it is valid UTF-8 and dropped where it is not.
func decodeCharset(charset string, data []byte) string {
	cs := strings.ToLower(strings.TrimSpace(charset))
	if cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if enc, err := htmlindex.Get(cs); err == nil {
			if out, err := enc.NewDecoder().Bytes(data); err == nil {
				return string(out)
			}
		}
	}
	return strings.ToValidUTF8(string(data), "")
}

// words decodes RFC 2047 encoded words in any charset x/text knows.
var words = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}}

// decodeWords is s with its encoded words decoded (s itself when they
// cannot be).
func decodeWords(s string) string {
	if out, err := words.DecodeHeader(s); err == nil {
		return out
	}
	return s
}

var (
	htmlDrop  = regexp.MustCompile(`(?is)<(head|style|script|title)\b.*?</(head|style|script|title)\s*>`)
	htmlQuote = regexp.MustCompile(`(?is)<blockquote\b.*?</blockquote\s*>|<div[^>]*class="?gmail_quote.*$`)
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|tr|h[1-6]|table)\s*>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// HTMLText is the text of an HTML email body: the head, styles, scripts
// and quoted history (blockquote, Gmail's quote) dropped, a line break
// for each break, paragraph, block, list item and row, every other tag
// dropped, entities decoded.
func HTMLText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlQuote.ReplaceAllString(s, "")
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(strings.ReplaceAll(l, "\u00a0", " ")), " ")
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
