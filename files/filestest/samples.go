// Package filestest makes sample files for the documents tests: real PDFs,
// photos with EXIF orientation, and the bad inputs uploads must refuse.
package filestest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
)

// PDF returns a small valid PDF with the given number of pages; pad adds
// that many bytes of comment to make it larger.
func PDF(pages, pad int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", i+3)
	}
	fmt.Fprintf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", strings.Join(kids, " "), pages)
	for i := 0; i < pages; i++ {
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n", i+3)
	}
	for pad > 0 {
		n := min(pad, 4000)
		b.WriteString("%" + strings.Repeat("x", n) + "\n")
		pad -= n
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// Photo returns a w × h JPEG, wider than tall when w > h, whose left half is
// red and right half blue, with an EXIF orientation tag when orientation > 0.
func Photo(w, h, orientation int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 30, 30, 255}
			if x >= w/2 {
				c = color.RGBA{30, 30, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	out := b.Bytes()
	if orientation == 0 {
		return out
	}
	// An APP1 segment right after SOI: "Exif\0\0", a little-endian TIFF
	// header and one directory with the orientation tag.
	var tiff bytes.Buffer
	tiff.WriteString("II")
	binary.Write(&tiff, binary.LittleEndian, uint16(42))
	binary.Write(&tiff, binary.LittleEndian, uint32(8))
	binary.Write(&tiff, binary.LittleEndian, uint16(1))
	binary.Write(&tiff, binary.LittleEndian, uint16(0x0112))
	binary.Write(&tiff, binary.LittleEndian, uint16(3))
	binary.Write(&tiff, binary.LittleEndian, uint32(1))
	binary.Write(&tiff, binary.LittleEndian, uint16(orientation))
	binary.Write(&tiff, binary.LittleEndian, uint16(0))
	binary.Write(&tiff, binary.LittleEndian, uint32(0))
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, out[:2]...), seg...), out[2:]...)
}

// PNG returns a w × h PNG with transparency.
func PNG(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 120, uint8(128 + x%128)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNGHeader returns only the start of a PNG that claims to be w × h pixels:
// the signature and a valid IHDR chunk, enough for image.DecodeConfig.
func PNGHeader(w, h int) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := make([]byte, 8, 8+13+4)
	binary.BigEndian.PutUint32(chunk, 13)
	copy(chunk[4:], "IHDR")
	chunk = append(chunk, ihdr...)
	crc := crc32.ChecksumIEEE(chunk[4:])
	chunk = binary.BigEndian.AppendUint32(chunk, crc)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk...)
	// Some image data follows in a real file; a little zlib-looking noise
	// keeps the sample plausible without making it large.
	idat := []byte{0, 0, 0, 4, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x03, 0x00}
	idat = binary.BigEndian.AppendUint32(idat, crc32.ChecksumIEEE(idat[4:]))
	return append(out, idat...)
}

// WebP is a valid 1 × 1 lossless WebP image.
var WebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// HEIC is the start of an iPhone photo: its ftyp box (brand heic).
var HEIC = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), bytes.Repeat([]byte{0x11}, 200)...)

// Bad inputs that uploads must refuse.
var (
	HTMLAsPDF  = []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	ExeAsPDF   = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	SVGScript  = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script><rect width="10" height="10"/></svg>`)
	ZeroBytes  = []byte{}
	HugeHeader = PNGHeader(40000, 40000)
)

// Truncated returns the first half of b.
func Truncated(b []byte) []byte { return b[:len(b)/2] }

// Active content in PDFs: objects a viewer may run or open, to add with
// PDFWith. Each is an object numbered 90 and up, with whatever names it
// needs (the catalog does not point at them, which the check ignores: a
// reader may still find them).
const (
	JavaScriptAction = "90 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n"
	LaunchAction     = "91 0 obj\n<< /Type /Action /S /Launch /F (calc.exe) >>\nendobj\n"
	EmbeddedFile     = "92 0 obj\n<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream\nendobj\n"
	// EscapedJavaScript spells /JavaScript with #xx escapes, as a reader
	// reads it all the same.
	EscapedJavaScript = "93 0 obj\n<< /S /J#61v#61Script /JS (1) >>\nendobj\n"
)

// PDFWith returns a one-page PDF with the objects objs added before its
// trailer.
func PDFWith(objs ...string) []byte {
	b := PDF(1, 0)
	i := bytes.LastIndex(b, []byte("trailer"))
	return append(append(append([]byte{}, b[:i]...), strings.Join(objs, "")...), b[i:]...)
}

// PDFObjectStream returns a one-page PDF whose objs sit in a compressed
// object stream (/Type /ObjStm, FlateDecode), as PDF 1.5 writers keep
// them; compress false leaves the stream's filter out and its bytes plain.
func PDFObjectStream(compress bool, objs ...string) []byte {
	var body bytes.Buffer
	for _, o := range objs {
		body.WriteString(o)
	}
	data := body.Bytes()
	filter := ""
	if compress {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data, filter = z.Bytes(), " /Filter /FlateDecode"
	}
	obj := fmt.Sprintf("80 0 obj\n<< /Type /ObjStm /N %d /First 0%s /Length %d >>\nstream\r\n%s\r\nendstream\nendobj\n", len(objs), filter, len(data), data)
	return PDFWith(obj)
}
