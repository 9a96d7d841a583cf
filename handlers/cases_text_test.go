package handlers

import (
	"testing"
)

func TestLinkedTextRendersAddressesAsLinksAndEscapesTheRest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "hello\nworld", "hello\nworld"},
		{"markup is escaped", `<script>alert("x")</script> & 'q'`, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;`},
		{"an https address becomes a link", "see https://example.test/a?b=1&c=2 now",
			`see <a href="https://example.test/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">https://example.test/a?b=1&amp;c=2</a> now`},
		{"an http address in capitals becomes a link", "HTTP://Example.test",
			`<a href="HTTP://Example.test" rel="noopener noreferrer nofollow" target="_blank">HTTP://Example.test</a>`},
		{"a javascript address stays text", `javascript:alert(1)`, `javascript:alert(1)`},
		{"a javascript address hidden after http stays text", `http:javascript:alert(1)`, `http:javascript:alert(1)`},
		{"an address ends at a double quote", `https://x.test/"onmouseover="alert(1)`,
			`<a href="https://x.test/" rel="noopener noreferrer nofollow" target="_blank">https://x.test/</a>&#34;onmouseover=&#34;alert(1)`},
		{"an address ends at an angle bracket", `https://x.test/<script>alert(1)</script>`,
			`<a href="https://x.test/" rel="noopener noreferrer nofollow" target="_blank">https://x.test/</a>&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"trailing punctuation is not part of the address", "Read https://x.test/a. Then (https://x.test/b).",
			`Read <a href="https://x.test/a" rel="noopener noreferrer nofollow" target="_blank">https://x.test/a</a>. Then (<a href="https://x.test/b" rel="noopener noreferrer nofollow" target="_blank">https://x.test/b</a>).`},
		{"balanced parentheses stay in the address", "https://x.test/wiki/A_(b)",
			`<a href="https://x.test/wiki/A_%28b%29" rel="noopener noreferrer nofollow" target="_blank">https://x.test/wiki/A_(b)</a>`},
		{"an address without a host stays text", "https:///path", "https:///path"},
		{"a data address stays text", "data:text/html,<b>x</b>", "data:text/html,&lt;b&gt;x&lt;/b&gt;"},
	}
	set := mustLoadViews(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := set.Render("partials/text/linked", linked(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("linked(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}
