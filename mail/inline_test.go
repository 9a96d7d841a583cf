package mail

import (
	"strings"
	"testing"
)

func TestInlineCSS(t *testing.T) {
	t.Parallel()
	layout := `<html><head><style>
/* a comment { } */
p { margin: 0; font-family: "Segoe UI", sans-serif; }
.small, td.footer { color: #555; }
p.small { font-size: 13px; }
a { color: var(--accent); }
@media (prefers-color-scheme: dark) { .small { color: #aaa !important; } a { color: var(--accent) !important; } }
</style></head><body><p class="small" style="color: red">x</p><p>y</p><td class="footer">z</td><br/><a href="{{.Link}}">l</a></body></html>`
	out, rules, err := inlineLayout(layout, map[string]string{"--accent": "{{accent}}"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// tag first, then class, then tag.class; the element's own style last.
		`<p class="small" style="margin: 0; font-family: 'Segoe UI', sans-serif; color: #555; font-size: 13px; color: red">`,
		`<p style="margin: 0; font-family: 'Segoe UI', sans-serif">`,
		`<td class="footer" style="color: #555">`,
		`<br/>`,
		`<a href="{{.Link}}" style="color: {{accent}}">`,
		// @media stays in the block, custom properties replaced there too.
		`<style>
@media (prefers-color-scheme: dark) { .small { color: #aaa !important; } a { color: {{accent}} !important; } }
</style>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inlined layout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "margin: 0; }") || strings.Contains(out, "comment") {
		t.Errorf("inlined rules or comments stay in the style block:\n%s", out)
	}
	if got := inlineCSS(`<p class="small">`, rules); got != `<p class="small" style="margin: 0; font-family: 'Segoe UI', sans-serif; color: #555; font-size: 13px">` {
		t.Errorf("content template inlined to %q", got)
	}

	t.Run("a selector that cannot be inlined is refused at load", func(t *testing.T) {
		for _, css := range []string{"td p { color: red; }", "a:hover { color: red; }", "#id { x: y; }", "p { color: red;"} {
			if _, _, err := inlineLayout("<style>"+css+"</style>", nil); err == nil {
				t.Errorf("%q was accepted", css)
			}
		}
	})
}
