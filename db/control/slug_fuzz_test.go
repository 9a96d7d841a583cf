package control_test

import (
	"net/url"
	"path"
	"strings"
	"testing"

	"mintedmind/db/control"
)

// slugShaped is the documented slug rule written out by hand: 3 to 40
// bytes of lowercase ASCII letters, digits and single dashes, not at the
// start or end (the pattern ^[a-z0-9]+(-[a-z0-9]+)*$).
func slugShaped(s string) bool {
	if len(s) < 3 || len(s) > 40 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// FuzzValidateSlug checks ValidateSlug against the rule: it accepts only
// slug-shaped strings, refuses a slug-shaped one only as reserved, and
// says why whenever it refuses. An accepted slug round-trips through the
// places it is used: a URL path segment needs no escaping, path cleaning
// and splitting "/a/<slug>/login" give it back, lowercasing and trimming
// leave it alone.
func FuzzValidateSlug(f *testing.F) {
	for _, s := range []string{
		"acme", "acme-studio", "a1-b2-c3", "abc", strings.Repeat("a", 40), strings.Repeat("a", 41), "ab",
		"-acme", "acme-", "ac--me", "Acme", "acme_studio", "acme.studio", "ącme", "admin", "api", "www",
		"acme\n", " acme", "acme/../x", "%61cme", "acme\x00", "new", "null", "0-0",
	} {
		f.Add(s)
	}
	reserved := control.ValidateSlug("admin")
	f.Fuzz(func(t *testing.T, s string) {
		msg := control.ValidateSlug(s)
		if msg != control.ValidateSlug(s) {
			t.Fatalf("ValidateSlug(%q) not deterministic", s)
		}
		shaped := slugShaped(s)
		switch {
		case msg == "" && !shaped:
			t.Fatalf("ValidateSlug accepted %q, which does not match the slug pattern", s)
		case msg != "" && shaped && msg != reserved:
			t.Fatalf("ValidateSlug refused the slug-shaped %q with %q, not as reserved", s, msg)
		case msg != "" && strings.TrimSpace(msg) == "":
			t.Fatalf("ValidateSlug refused %q without saying why", s)
		}
		if msg != "" {
			return
		}
		if url.PathEscape(s) != s || url.QueryEscape(s) != s {
			t.Fatalf("accepted slug %q needs escaping in a URL", s)
		}
		if p := "/a/" + s + "/login"; path.Clean(p) != p || strings.Split(p, "/")[2] != s {
			t.Fatalf("accepted slug %q does not survive the path %q", s, p)
		}
		if strings.ToLower(s) != s || strings.TrimSpace(s) != s {
			t.Fatalf("accepted slug %q changes when lowercased or trimmed", s)
		}
		u, err := url.Parse("https://example.test/a/" + s + "/login")
		if err != nil || strings.TrimSuffix(strings.TrimPrefix(u.Path, "/a/"), "/login") != s {
			t.Fatalf("accepted slug %q does not parse back from a URL (%v)", s, err)
		}
	})
}
