package files

import (
	"bytes"
)

// Content types the store accepts, decided from a file's first bytes and
// never from its name.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypeHEIC = "image/heic"
	TypeHEIF = "image/heif"
)

// sniffLen is how many leading bytes Sniff looks at.
const sniffLen = 512

// Sniff returns the accepted content type of a file that starts with head,
// or "" and a short description of what the bytes look like instead
// ("HTML", "an SVG drawing", "a Windows program", …) for the message.
func Sniff(head []byte) (contentType, looksLike string) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, ""
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, ""
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, ""
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return TypeWebP, ""
	}
	if t := sniffHEIF(head); t != "" {
		return t, ""
	}
	return "", describe(head)
}

// heicBrands are ISO BMFF brands of HEVC-coded HEIF images (HEIC), and
// heifBrands those of HEIF in general. AVIF shares the container but not
// the brands, and is not accepted.
var (
	heicBrands = map[string]bool{"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true, "hevm": true, "hevs": true}
	heifBrands = map[string]bool{"mif1": true, "msf1": true}
)

// sniffHEIF reads the ftyp box that opens an ISO BMFF file: its size (4
// bytes), "ftyp", the major brand and, after a version, the compatible
// brands. HEIC is told by its brand; a generic HEIF brand counts unless an
// AVIF brand says the pictures inside are AV1. The major brand counts as
// one of the brands, and their order does not matter.
func sniffHEIF(head []byte) string {
	if len(head) < 16 || !bytes.Equal(head[4:8], []byte("ftyp")) {
		return ""
	}
	size := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if size < 16 || size > len(head) {
		size = min(len(head), 256)
	}
	brands := []string{string(head[8:12])}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(head[i:i+4]))
	}
	var heic, heif, avif bool
	for _, b := range brands {
		heic = heic || heicBrands[b]
		heif = heif || heifBrands[b]
		avif = avif || b == "avif" || b == "avis"
	}
	switch {
	case heic:
		return TypeHEIC
	case heif && !avif:
		return TypeHEIF
	}
	return ""
}

// describe names what a refused file looks like, so that the message can
// say more than "not accepted".
func describe(head []byte) string {
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), sniffLen)])
	switch {
	case len(head) == 0:
		return "an empty file"
	case bytes.HasPrefix(head, []byte("MZ")):
		return "a Windows program"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "a Linux program"
	case bytes.HasPrefix(head, []byte{0xCF, 0xFA, 0xED, 0xFE}), bytes.HasPrefix(head, []byte{0xCA, 0xFE, 0xBA, 0xBE}):
		return "a macOS program"
	case bytes.HasPrefix(head, []byte("#!")):
		return "a script"
	case bytes.Contains(lower, []byte("<svg")):
		return "an SVG drawing (which can hold scripts)"
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")), bytes.Contains(lower, []byte("<script")),
		bytes.Contains(lower, []byte("<body")), bytes.Contains(lower, []byte("<head")):
		return "a web page (HTML)"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return "an XML file"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive or office document"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "a GIF image"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "an old-style office document"
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")):
		return "a video or an image format we don't take"
	}
	return "a file of another kind"
}
