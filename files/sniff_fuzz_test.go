package files_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"mintedmind/files"
	"mintedmind/files/filestest"
)

// Magic numbers, written out again here rather than taken from the package,
// so that the properties below check Sniff against the formats and not
// against itself.
var (
	magicPDF  = []byte("%PDF-")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
)

var (
	fuzzHEICBrands = []string{"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"}
	fuzzHEIFBrands = []string{"mif1", "msf1"}
	fuzzAVIFBrands = []string{"avif", "avis"}
)

func isOneOf(b []byte, set []string) bool {
	for _, s := range set {
		if string(b) == s {
			return true
		}
	}
	return false
}

// hasBrand reports whether an ftyp box at the start of head names a brand
// of set: as its major brand (bytes 8–12) or as a compatible brand (4-byte
// aligned from byte 16 on).
func hasBrand(head []byte, set []string) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	if isOneOf(head[8:12], set) {
		return true
	}
	for i := 16; i+4 <= len(head); i += 4 {
		if isOneOf(head[i:i+4], set) {
			return true
		}
	}
	return false
}

func sniffSeeds(f *testing.F) {
	for _, b := range [][]byte{
		filestest.PDF(1, 0), filestest.PDF(3, 100), filestest.Photo(4, 2, 6), filestest.Photo(2, 2, 0),
		filestest.PNG(2, 2), filestest.PNGHeader(40000, 40000), filestest.WebP, filestest.HEIC,
		filestest.HTMLAsPDF, filestest.ExeAsPDF, filestest.SVGScript, filestest.ZeroBytes,
		filestest.Truncated(filestest.PNG(2, 2)),
		[]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"),
		[]byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"),
		[]byte("\x00\x00\x00\x14ftypmsf1\x00\x00\x00\x00hevc"),
		[]byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomavc1"),
		[]byte("\xef\xbb\xbf  <svg onload=alert(1)>"),
		[]byte("PK\x03\x04"), []byte("GIF89a"), []byte("#!/bin/sh\n"), []byte("\x7fELF"),
		[]byte("RIFF\x00\x00\x00\x00WAVEfmt "),
		// As brands for checkFtyp: major, compatible…
		[]byte("heicmif1heic"), []byte("mif1mif1miaf\x00\x00\x00\x08free"), []byte("avifavifmif1miaf"),
		[]byte("msf1hevcjunk"), []byte("isomisomiso2avc1mp41"), []byte("MIF1HEIC"),
	} {
		f.Add(b)
	}
}

// FuzzSniff checks that Sniff is deterministic, leaves its input alone,
// returns exactly one of a type and a description, and never accepts a type
// whose magic bytes are absent (for HEIC and HEIF: an ftyp box naming one
// of the type's brands); and, reading the same bytes as the brands of an
// ftyp box, that HEIC and HEIF are told by the documented rule (checkFtyp).
func FuzzSniff(f *testing.F) {
	sniffSeeds(f)
	f.Fuzz(func(t *testing.T, head []byte) {
		checkFtyp(t, head)
		orig := bytes.Clone(head)
		ct, looks := files.Sniff(head)
		if !bytes.Equal(head, orig) {
			t.Fatal("Sniff changed its input")
		}
		if ct2, looks2 := files.Sniff(bytes.Clone(head)); ct2 != ct || looks2 != looks {
			t.Fatalf("not deterministic: %q/%q then %q/%q", ct, looks, ct2, looks2)
		}
		if (ct == "") == (looks == "") {
			t.Fatalf("want exactly one of a type and a description, got %q and %q", ct, looks)
		}
		if len(head) == 0 && looks != "an empty file" {
			t.Fatalf("empty input described as %q", looks)
		}
		switch ct {
		case "":
			// A file that starts with an accepted magic number is never
			// refused.
			for _, m := range [][]byte{magicPDF, magicJPEG, magicPNG} {
				if bytes.HasPrefix(head, m) {
					t.Fatalf("refused a file starting with %q as %q", m, looks)
				}
			}
			if len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP" {
				t.Fatal("refused a RIFF/WEBP file")
			}
		case files.TypePDF:
			if !bytes.HasPrefix(head, magicPDF) {
				t.Fatal("PDF without %PDF-")
			}
		case files.TypeJPEG:
			if !bytes.HasPrefix(head, magicJPEG) {
				t.Fatal("JPEG without FF D8 FF")
			}
		case files.TypePNG:
			if !bytes.HasPrefix(head, magicPNG) {
				t.Fatal("PNG without its signature")
			}
		case files.TypeWebP:
			if len(head) < 12 || string(head[:4]) != "RIFF" || string(head[8:12]) != "WEBP" {
				t.Fatal("WebP without RIFF....WEBP")
			}
		case files.TypeHEIC:
			if !hasBrand(head, fuzzHEICBrands) {
				t.Fatal("HEIC without an ftyp box naming a HEIC brand")
			}
		case files.TypeHEIF:
			if !hasBrand(head, fuzzHEIFBrands) {
				t.Fatal("HEIF without an ftyp box naming a HEIF brand")
			}
		default:
			t.Fatalf("unknown content type %q", ct)
		}
		// A magic-number type does not depend on what follows the head.
		if ct == files.TypePDF || ct == files.TypeJPEG || ct == files.TypePNG || ct == files.TypeWebP {
			if ct2, _ := files.Sniff(append(bytes.Clone(head), "trailing bytes"...)); ct2 != ct {
				t.Fatalf("%q became %q with more bytes after it", ct, ct2)
			}
		}
	})
}

// checkFtyp builds a well-formed ftyp box (size, "ftyp", major brand,
// minor version, compatible brands) from fuzzed bytes (the first four the
// major brand, up to 60 compatible brands after them, the rest following
// the box) and checks Sniff against the rule its documentation states: a
// HEIC brand anywhere makes HEIC; otherwise a generic HEIF brand makes HEIF
// unless an AVIF brand is present; anything else is refused. The answer
// does not depend on the order of the compatible brands.
func checkFtyp(t *testing.T, b []byte) {
	t.Helper()
	major := append(bytes.Clone(b[:min(len(b), 4)]), "    "...)[:4]
	b = b[min(len(b), 4):]
	n := min(len(b)/4, 60) * 4
	compat, after := b[:n], b[n:]
	brands := [][]byte{major}
	for i := 0; i < len(compat); i += 4 {
		brands = append(brands, compat[i:i+4])
	}
	anyBrand := func(set []string) bool {
		for _, b := range brands {
			if isOneOf(b, set) {
				return true
			}
		}
		return false
	}
	want := ""
	switch {
	case anyBrand(fuzzHEICBrands):
		want = files.TypeHEIC
	case anyBrand(fuzzHEIFBrands) && !anyBrand(fuzzAVIFBrands):
		want = files.TypeHEIF
	}
	box := func(compat []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(16+len(compat)))
		b = append(b, "ftyp"...)
		b = append(b, major...)
		b = append(b, 0, 0, 0, 0)
		b = append(b, compat...)
		return append(b, after...)
	}
	got, looks := files.Sniff(box(compat))
	if got != want {
		t.Fatalf("ftyp brands %q: sniffed %q (%s), want %q", brands, got, looks, want)
	}
	rev := make([]byte, 0, len(compat))
	for i := len(compat) - 4; i >= 0; i -= 4 {
		rev = append(rev, compat[i:i+4]...)
	}
	if got2, _ := files.Sniff(box(rev)); got2 != got {
		t.Fatalf("ftyp brands %q: %q, but %q with the compatible brands reversed", brands, got, got2)
	}
}
