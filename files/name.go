package files

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameRunes is the longest display name kept; longer names are cut in the
// middle of the stem so that the extension survives.
const MaxNameRunes = 120

// extensions are the names given to files that arrive without a usable name.
var extensions = map[string]string{
	TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png", TypeWebP: ".webp", TypeHEIC: ".heic", TypeHEIF: ".heif",
}

// typeExtensions are the extensions a file of each accepted type may
// keep, lower case.
var typeExtensions = map[string][]string{
	TypePDF: {".pdf"}, TypeJPEG: {".jpg", ".jpeg", ".jpe", ".jfif"}, TypePNG: {".png"}, TypeWebP: {".webp"},
	TypeHEIC: {".heic", ".heif"}, TypeHEIF: {".heif", ".heic"},
}

// acceptedExtensions are the extensions of every accepted type: a name
// with one of them keeps it whatever the bytes turn out to be (a JPEG
// named .png is a photo all the same).
var acceptedExtensions = map[string]bool{}

func init() {
	for _, exts := range typeExtensions {
		for _, e := range exts {
			acceptedExtensions[e] = true
		}
	}
}

// NameFor is the display name of a file whose bytes were checked to be of
// contentType: CleanName's, with the type's extension added when the name
// ends in none of the accepted types' (a PDF sent as "invoice\u202Egnp.exe",
// which the override showed as "invoiceexe.png", becomes
// "invoicegnp.exe.pdf", so that neither the name on the page nor the file
// saved from a download claims to be a program).
func NameFor(name, contentType string) string {
	clean := CleanName(name, contentType)
	ext := extensions[contentType]
	if ext == "" || acceptedExtensions[strings.ToLower(path.Ext(clean))] {
		return clean
	}
	return CleanName(clean+ext, contentType)
}

// CleanName turns the file name a browser sent into one fit for display: no
// directory parts (either slash), no NUL or other control or format
// characters (among them every Unicode bidirectional control: embeddings,
// overrides, isolates and marks, which could show "exe.pdf" for a name
// that ends in .exe), valid UTF-8, no leading dots or spaces, at most MaxNameRunes
// characters. The name is only ever shown and put in a download's
// Content-Disposition; files are stored under server-made names. An empty
// result becomes "document" with the extension of contentType.
func CleanName(name, contentType string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	if name == "" || name == ".." {
		return "document" + extensions[contentType]
	}
	if utf8.RuneCountInString(name) <= MaxNameRunes {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 16 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	keep := MaxNameRunes - utf8.RuneCountInString(ext) - 1
	return strings.TrimSpace(string(stem[:keep])) + "…" + ext
}
