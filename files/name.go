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

// CleanName turns the file name a browser sent into one fit for display: no
// directory parts (either slash), no NUL or other control or format
// characters, valid UTF-8, no leading dots or spaces, at most MaxNameRunes
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
