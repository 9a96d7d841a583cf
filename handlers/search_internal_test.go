package handlers

import (
	"reflect"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// TestMarkedParts checks how a hit's text with the index's match markers
// becomes parts, and that partials/search/marked renders them escaped with
// every <mark> closed, whatever markers a person typed themselves.
func TestMarkedParts(t *testing.T) {
	t.Parallel()
	s, e := tenant.MatchStart, tenant.MatchEnd
	cases := []struct {
		name, in string
		want     []markedPart
		html     string
	}{
		{"plain text", "Annual tax return", []markedPart{{Text: "Annual tax return"}}, "Annual tax return"},
		{"a match in the middle", "Annual " + s + "tax" + e + " return",
			[]markedPart{{Text: "Annual "}, {Text: "tax", Match: true}, {Text: " return"}}, "Annual <mark>tax</mark> return"},
		{"markup is text", "<" + s + "script" + e + ">&\"",
			[]markedPart{{Text: "<"}, {Text: "script", Match: true}, {Text: ">&\""}}, "&lt;<mark>script</mark>&gt;&amp;&#34;"},
		{"an unclosed match ends with the text", "a" + s + "bc",
			[]markedPart{{Text: "a"}, {Text: "bc", Match: true}}, "a<mark>bc</mark>"},
		{"a stray end is dropped", "a" + e + "b", []markedPart{{Text: "ab"}}, "ab"},
		{"a start inside a match does not nest", s + "a" + s + "b" + e + "c",
			[]markedPart{{Text: "ab", Match: true}, {Text: "c"}}, "<mark>ab</mark>c"},
		{"an empty match shows nothing", "a" + s + e + "b", []markedPart{{Text: "ab"}}, "ab"},
		{"empty text has no parts", "", nil, ""},
	}
	views := mustLoadViews(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := markedParts(c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("parts %#v, want %#v", got, c.want)
			}
			var b strings.Builder
			if err := views.Execute(&b, "partials/search/marked", got); err != nil {
				t.Fatal(err)
			}
			if b.String() != c.html {
				t.Fatalf("rendered %q, want %q", b.String(), c.html)
			}
		})
	}
}
