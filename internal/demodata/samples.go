package demodata

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
)

// The demo's document files, made in code from a seeded source: PDFs with
// text on their pages, photos (JPEG) and charts (PNG). Small, valid, and
// the same bytes for the same seed.

// textPDF is an A4 PDF with a title on its first page and pages' lines of
// text in Helvetica, with a cross-reference table, as a viewer expects.
func textPDF(title string, pages [][]string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, lines := range pages {
		var c bytes.Buffer
		top := 780
		if i == 0 {
			fmt.Fprintf(&c, "BT /F2 18 Tf 56 780 Td (%s) Tj ET\n", pdfString(title))
			top = 744
		}
		fmt.Fprintf(&c, "BT /F1 11 Tf 15 TL 56 %d Td\n", top)
		for _, l := range lines {
			for _, part := range wrap(l, 95) {
				fmt.Fprintf(&c, "(%s) Tj T*\n", pdfString(part))
			}
		}
		c.WriteString("ET\n")
		fmt.Fprintf(&c, "BT /F1 9 Tf 270 40 Td (Page %d of %d) Tj ET\n", i+1, len(pages))
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// pdfString is s as the bytes of a PDF string in WinAnsi encoding:
// parentheses and backslashes escaped, Latin-1 letters kept, the rest "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '—' || r == '–':
			b.WriteByte(0x97)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			b.WriteByte(byte(r))
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// wrap cuts a line at spaces into pieces of at most width characters.
func wrap(line string, width int) []string {
	if line == "" {
		return []string{""}
	}
	var out []string
	for len(line) > width {
		cut := strings.LastIndexByte(line[:width], ' ')
		if cut <= 0 {
			cut = width
		}
		out = append(out, line[:cut])
		line = strings.TrimLeft(line[cut:], " ")
	}
	return append(out, line)
}

// photoJPEG is a w × h landscape: a sky fading to the horizon, a sun,
// two ranges of hills and a little grain.
func photoJPEG(rng *rand.Rand, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky := color.RGBA{uint8(60 + rng.IntN(80)), uint8(110 + rng.IntN(80)), uint8(190 + rng.IntN(60)), 255}
	glow := color.RGBA{250, uint8(200 + rng.IntN(50)), uint8(150 + rng.IntN(60)), 255}
	far := color.RGBA{uint8(70 + rng.IntN(40)), uint8(100 + rng.IntN(50)), uint8(90 + rng.IntN(40)), 255}
	near := color.RGBA{uint8(40 + rng.IntN(40)), uint8(90 + rng.IntN(60)), uint8(40 + rng.IntN(30)), 255}
	sunX, sunY, sunR := float64(w)*(0.2+0.6*rng.Float64()), float64(h)*(0.15+0.2*rng.Float64()), float64(h)*(0.05+0.04*rng.Float64())
	p1, p2 := rng.Float64()*6, rng.Float64()*6
	// Where the far and the near hills begin, column by column.
	farTop, nearTop := make([]int, w), make([]int, w)
	for x := range w {
		fx := float64(x) / float64(w)
		farTop[x] = int(float64(h) * (0.55 + 0.08*math.Sin(fx*5+p1) + 0.03*math.Sin(fx*17+p2)))
		nearTop[x] = int(float64(h) * (0.72 + 0.06*math.Sin(fx*3+p2) + 0.02*math.Sin(fx*23+p1)))
	}
	farColor := blend(far, sky, 0.2)
	for y := range h {
		t := float64(y) / float64(h)
		row := blend(sky, glow, t*t)
		nearColor := blend(near, color.RGBA{0, 0, 0, 255}, 0.4*(t-0.7))
		dy := float64(y) - sunY
		for x := range w {
			c := row
			dx := float64(x) - sunX
			switch {
			case y > nearTop[x]:
				c = nearColor
			case y > farTop[x]:
				c = farColor
			case dx*dx+dy*dy < sunR*sunR:
				c = color.RGBA{255, 245, 210, 255}
			}
			n := int(rng.Uint32()%17) - 8
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clamp8(int(c.R)+n), clamp8(int(c.G)+n), clamp8(int(c.B)+n), 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 82}); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return b.Bytes()
}

// chartPNG is a w × h bar chart on white with grid lines: a few periods
// of two series.
func chartPNG(rng *rand.Rand, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(0, y0); y < min(h, y1); y++ {
			for x := max(0, x0); x < min(w, x1); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, w, h, color.RGBA{255, 255, 255, 255})
	left, bottom, top := 60, h-50, 40
	for i := 0; i <= 5; i++ {
		y := bottom - i*(bottom-top)/5
		fill(left, y, w-30, y+1, color.RGBA{225, 228, 232, 255})
	}
	fill(left, top, left+2, bottom, color.RGBA{90, 95, 105, 255})
	fill(left, bottom, w-30, bottom+2, color.RGBA{90, 95, 105, 255})
	series := []color.RGBA{{37, 99, 235, 255}, {234, 88, 12, 255}}
	groups := 4 + rng.IntN(5)
	span := (w - 30 - left) / groups
	for gi := range groups {
		for si, c := range series {
			v := 0.2 + 0.75*rng.Float64()
			x := left + gi*span + span/6 + si*span/3
			fill(x, bottom-int(v*float64(bottom-top)), x+span/3-4, bottom, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return b.Bytes()
}

func blend(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

func clamp8(v int) uint8 { return uint8(max(0, min(255, v))) }
