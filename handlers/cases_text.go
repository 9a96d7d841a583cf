package handlers

import (
	"net/url"
	"regexp"
	"strings"
)

// textPart is a piece of typed text as views/partials/text/linked.html
// shows it: plain text, or a web address made a link.
type textPart struct {
	Text string
	Link bool // Text is an http(s) address to link to
}

// urlInText finds web addresses in typed text. It stops at characters that
// cannot end an address in prose: spaces, quotes and angle brackets.
var urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)

// linked cuts typed text into plain parts and http(s) addresses, the
// template function "linked". Nothing else becomes a link, so a
// "javascript:" address or a <script> stays plain text; the template
// escapes every part.
func linked(text string) []textPart {
	if !strings.Contains(text, "://") { // no address: skip the regular expression
		return []textPart{{Text: text}}
	}
	var parts []textPart
	last := 0
	for _, m := range urlInText.FindAllStringIndex(text, -1) {
		start, end := m[0], trimURLEnd(text, m[0], m[1])
		u, err := url.Parse(text[start:end])
		if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
			continue
		}
		if start > last {
			parts = append(parts, textPart{Text: text[last:start]})
		}
		parts = append(parts, textPart{Text: text[start:end], Link: true})
		last = end
	}
	if last < len(text) {
		parts = append(parts, textPart{Text: text[last:]})
	}
	return parts
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
