package handlers

import (
	"regexp"
	"testing"
)

// TestBrandFocusRingContrast: the focus ring and the links take the
// agency's colour where it stands out from the page by WCAG 2.2's
// minimums (3:1 for the ring, 4.5:1 for text), and a darker (lighter, on
// the dark theme) shade of it where it does not.
func TestBrandFocusRingContrast(t *testing.T) {
	value := func(t *testing.T, css, name string, dark bool) rgb {
		t.Helper()
		all := regexp.MustCompile(`--`+regexp.QuoteMeta(name)+`: (#[0-9a-f]{6});`).FindAllStringSubmatch(css, -1)
		i := 0
		if dark {
			i = 1
		}
		if len(all) <= i {
			t.Fatalf("no --%s (dark=%v) in:\n%s", name, dark, css)
		}
		return parseHex(all[i][1])
	}
	for _, tt := range []struct {
		name, accent string
		kept         bool // the accent passes on the light theme as it is
	}{
		{"a light yellow is darkened", "#ffe45c", false},
		{"a pale blue is darkened", "#a6d8ff", false},
		{"white is darkened", "#ffffff", false},
		{"a dark blue is kept", "#1d4ed8", true},
		{"black is kept", "#000000", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			css := brandCSS(tt.accent)
			for _, th := range []struct {
				dark bool
				bg   rgb
			}{{false, lightBackground}, {true, darkBackground}} {
				ring := value(t, css, "mm-focus", th.dark)
				if r := contrast(ring, th.bg); r < focusContrast {
					t.Errorf("focus ring %s on %s (dark=%v): %.2f:1, under 3:1", ring.hex(), th.bg.hex(), th.dark, r)
				}
				text := value(t, css, "pico-primary", th.dark)
				if r := contrast(text, th.bg); r < textContrast {
					t.Errorf("link colour %s on %s (dark=%v): %.2f:1, under 4.5:1", text.hex(), th.bg.hex(), th.dark, r)
				}
			}
			ring := value(t, css, "mm-focus", false)
			if tt.kept != (ring.hex() == tt.accent) {
				t.Errorf("focus ring on the light theme is %s for the accent %s; kept=%v wanted", ring.hex(), tt.accent, tt.kept)
			}
			if !tt.kept && contrast(parseHex(tt.accent), lightBackground) >= focusContrast {
				t.Fatalf("test case %s passes 3:1 already", tt.accent)
			}
		})
	}
	t.Run("the shade keeps the hue: a yellow stays more red and green than blue", func(t *testing.T) {
		ring := value(t, brandCSS("#ffe45c"), "mm-focus", false)
		if !(ring.r > ring.b && ring.g > ring.b) {
			t.Errorf("focus ring %s for #ffe45c is not a yellow", ring.hex())
		}
	})
}
