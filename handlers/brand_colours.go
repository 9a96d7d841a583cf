package handlers

import (
	"fmt"
	"math"
	"strconv"
)

// The page backgrounds the accent is shown on: Pico's light and dark
// themes.
var (
	lightBackground = rgb{255, 255, 255}
	darkBackground  = rgb{0x13, 0x17, 0x1f}
)

// WCAG 2.2 contrast minimums: text (1.4.3) and the focus ring, a
// non-text part of the page (1.4.11, 2.4.13).
const (
	textContrast  = 4.5
	focusContrast = 3.0
)

// rgb is a colour of the sRGB space, 0–255 per channel.
type rgb struct{ r, g, b float64 }

// parseHex reads "#rrggbb"; the caller has checked the form.
func parseHex(s string) rgb {
	r, _ := strconv.ParseUint(s[1:3], 16, 8)
	g, _ := strconv.ParseUint(s[3:5], 16, 8)
	b, _ := strconv.ParseUint(s[5:7], 16, 8)
	return rgb{float64(r), float64(g), float64(b)}
}

func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", uint8(math.Round(c.r)), uint8(math.Round(c.g)), uint8(math.Round(c.b)))
}

// luminance is the colour's relative luminance as WCAG defines it.
func (c rgb) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is the WCAG contrast ratio of two colours, 1 to 21.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix is c moved fraction t (0–1) of the way to d.
func (c rgb) mix(d rgb, t float64) rgb {
	return rgb{c.r + (d.r-c.r)*t, c.g + (d.g-c.g)*t, c.b + (d.b-c.b)*t}
}

// readableOn is c, or c darkened (on a light background) or lightened (on
// a dark one) by as little as it takes, so that it stands out from bg by
// at least min: the agency keeps its hue, and everyone can read it.
func readableOn(c, bg rgb, min float64) rgb {
	toward := rgb{0, 0, 0}
	if bg.luminance() < 0.5 {
		toward = rgb{255, 255, 255}
	}
	for i := 0; i <= 20; i++ {
		m := c.mix(toward, float64(i)/20)
		if contrast(m, bg) >= min {
			return m
		}
	}
	return toward
}

// inverseOf is the text colour, black or white, that reads best on c.
func inverseOf(c rgb) string {
	if contrast(c, rgb{0, 0, 0}) > contrast(c, rgb{255, 255, 255}) {
		return "#000"
	}
	return "#fff"
}
