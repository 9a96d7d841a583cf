package handlers

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// urlInText finds web addresses in typed text. It stops at characters that
// cannot end an address in prose: spaces, quotes and angle brackets.
var urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)

// linkify renders typed text as HTML: everything escaped, and http(s)
// addresses made into links. Nothing else becomes markup, so a
// "javascript:" address or a <script> stays plain text.
func linkify(text string) template.HTML {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	writeLinkified(&b, text)
	return template.HTML(b.String())
}

// writeLinkified writes text to b as linkify renders it.
func writeLinkified(b *strings.Builder, text string) {
	if !strings.Contains(text, "://") { // no address: skip the regular expression
		writeEscaped(b, text)
		return
	}
	last := 0
	for _, m := range urlInText.FindAllStringIndex(text, -1) {
		start, end := m[0], trimURLEnd(text, m[0], m[1])
		u, err := url.Parse(text[start:end])
		if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
			continue
		}
		writeEscaped(b, text[last:start])
		b.WriteString(`<a href="`)
		writeEscaped(b, text[start:end])
		b.WriteString(`" rel="noopener noreferrer nofollow" target="_blank">`)
		writeEscaped(b, text[start:end])
		b.WriteString(`</a>`)
		last = end
	}
	writeEscaped(b, text[last:])
}

// trimURLEnd drops punctuation that ends the sentence rather than the
// address ("see https://x.test/a." or "(https://x.test/a)").
func trimURLEnd(text string, start, end int) int {
	for end > start {
		c := text[end-1]
		switch {
		case strings.IndexByte(".,;:!?*", c) >= 0:
			end--
		case c == ')' && strings.Count(text[start:end], "(") < strings.Count(text[start:end], ")"):
			end--
		default:
			return end
		}
	}
	return end
}
