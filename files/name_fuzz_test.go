package files_test

import (
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"mintedmind/files"
)

var nameTypes = []string{files.TypePDF, files.TypeJPEG, files.TypePNG, files.TypeWebP, files.TypeHEIC, files.TypeHEIF, ""}

// checkCleanName asserts what CleanName documents of every result: valid
// UTF-8 of 1 to MaxNameRunes characters, no directory part (neither
// slash), no NUL, control or format characters, no U+FFFD left from bad
// bytes, no leading dot or space (so never "." or ".."), no trailing
// space, and no white space but the plain space; and that cleaning again
// changes nothing.
func checkCleanName(t *testing.T, in, ct, got string) {
	t.Helper()
	fail := func(why string) { t.Helper(); t.Fatalf("CleanName(%q, %q) = %q: %s", in, ct, got, why) }
	switch {
	case !utf8.ValidString(got):
		fail("not valid UTF-8")
	case got == "":
		fail("empty")
	case utf8.RuneCountInString(got) > files.MaxNameRunes:
		fail("longer than MaxNameRunes")
	case strings.ContainsAny(got, "/\\\x00"):
		fail("has a slash or NUL")
	case strings.HasPrefix(got, ".") || strings.HasPrefix(got, " "):
		fail("starts with a dot or a space")
	case strings.HasSuffix(got, " "):
		fail("ends with a space")
	case got == "." || got == "..":
		fail("is a dot name")
	}
	for _, r := range got {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			fail("has a control or format character")
		case r == utf8.RuneError:
			fail("has U+FFFD")
		case unicode.IsSpace(r) && r != ' ':
			fail("has white space other than a space")
		}
	}
	if again := files.CleanName(got, ct); again != got {
		t.Fatalf("CleanName is not idempotent: %q → %q → %q", in, got, again)
	}
}

// FuzzCleanName checks every cleaned name for the properties above, and
// that a name with nothing usable becomes "document" with the type's
// extension. Then it gives CleanName the fuzzed name with a letter and a
// short extension (1 to 12 ASCII letters and digits from ext) after it,
// and checks that the extension survives, also when the name is cut to
// MaxNameRunes (the cut is then marked with "…" just before the
// extension), and that a name already short and clean is kept as it is.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{
		"../../etc/passwd.pdf", `..\..\windows\evil.pdf`, "re\x00port\x01.pdf", "  .hidden.pdf ", "..", "", ".",
		"bad\xffutf8.pdf", "a\u202egnp.pdf", "tab\tand\nnewline.pdf", "Résumé (final) v2.pdf", "\u2028\u00a0x.jpg",
		strings.Repeat("é", 300) + ".pdf", strings.Repeat("a", 119) + ".pdf", strings.Repeat("a ", 100) + ".verylongextension1",
		strings.Repeat("x", 200) + "." + strings.Repeat("y", 16), "C:\\fakepath\\scan.png", ". . .", "\ufeffbom.pdf",
		// Bidirectional controls: override, embeddings, isolates, marks.
		"invoice\u202egnp.exe", "\u202egnp.exe", "a\u202a\u202b\u202c\u202db.pdf", "x\u2066\u2067\u2068y\u2069.pdf", "\u200fscan\u200e.pdf", "\u061cname.pdf",
	} {
		f.Add(s, uint8(0), "pdf")
	}
	f.Add("dir/report", uint8(1), "jpeg")
	f.Add(strings.Repeat("ą", 200), uint8(2), "png")
	f.Add("..\\\x00\x01 ", uint8(3), "")
	f.Add(strings.Repeat("a", 150)+" ", uint8(4), "tar.gz")
	f.Fuzz(func(t *testing.T, name string, kind uint8, ext string) {
		ct := nameTypes[int(kind)%len(nameTypes)]
		got := files.CleanName(name, ct)
		checkCleanName(t, name, ct, got)
		if got2 := files.CleanName(name, ct); got2 != got {
			t.Fatalf("not deterministic: %q then %q", got, got2)
		}
		// A name with nothing usable after its last slash becomes
		// "document" with the type's extension.
		if base := name[strings.LastIndexAny(name, `/\`)+1:]; strings.Trim(base, ". \t\r\n\x00\x01") == "" && got != "document"+extOf(ct) {
			t.Fatalf("CleanName(%q, %q) = %q, want document%s", name, ct, got, extOf(ct))
		}

		// The extension: 1 to 12 ASCII letters and digits.
		ext = strings.Map(func(r rune) rune {
			if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return r
			}
			return -1
		}, ext)
		if ext == "" {
			ext = "pdf"
		}
		ext = "." + ext[:min(len(ext), 12)]
		withExt := name + "x" + ext
		got = files.CleanName(withExt, files.TypePDF)
		checkCleanName(t, withExt, files.TypePDF, got)
		if path.Ext(got) != ext {
			t.Fatalf("CleanName(%q) = %q lost the extension %q", withExt, got, ext)
		}
		// Clean already: no slash, and nothing CleanName drops or trims.
		clean := !strings.ContainsAny(name, `/\`)
		for i, r := range name {
			if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) || (i == 0 && r == '.') {
				clean = false
			}
		}
		if n := utf8.RuneCountInString(withExt); clean && n <= files.MaxNameRunes && got != withExt {
			t.Fatalf("the clean name %q became %q", withExt, got)
		}
		if n := utf8.RuneCountInString(withExt); clean && n > files.MaxNameRunes && !strings.HasSuffix(got, "…"+ext) {
			t.Fatalf("the long name %q became %q, not cut before the extension", withExt, got)
		}
	})
}

func extOf(ct string) string {
	return map[string]string{files.TypePDF: ".pdf", files.TypeJPEG: ".jpg", files.TypePNG: ".png", files.TypeWebP: ".webp", files.TypeHEIC: ".heic", files.TypeHEIF: ".heif"}[ct]
}

// FuzzNameFor checks NameFor's names: everything CleanName promises, an
// extension of the checked type's (or one of the accepted types') at the
// end, and nothing changed by a second NameFor.
func FuzzNameFor(f *testing.F) {
	for _, s := range []string{"invoice\u202egnp.exe", "\u202egnp.exe", "photo.png", "scan", "", "..", strings.Repeat("a", 200) + ".exe", "x.PDF", "a.tar.gz", "IMG.HEIC"} {
		f.Add(s, uint8(0))
	}
	f.Add("pic.jpeg", uint8(1))
	f.Add("\u2067gpj.exe\u2069", uint8(1))
	f.Fuzz(func(t *testing.T, name string, kind uint8) {
		ct := nameTypes[int(kind)%len(nameTypes)]
		got := files.NameFor(name, ct)
		checkCleanName(t, name, ct, got)
		if again := files.NameFor(got, ct); again != got {
			t.Fatalf("NameFor is not idempotent: %q → %q → %q", name, got, again)
		}
		ext := strings.ToLower(path.Ext(got))
		if ct != "" && !slices.Contains([]string{".pdf", ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif"}, ext) {
			t.Fatalf("NameFor(%q, %q) = %q ends in %q, no accepted type's extension", name, ct, got, ext)
		}
		if ct == "" && got != files.CleanName(name, ct) {
			t.Fatalf("NameFor(%q) without a type = %q, not CleanName's", name, got)
		}
	})
}
