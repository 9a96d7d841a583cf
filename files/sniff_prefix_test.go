package files_test

import (
	"testing"

	"mintedmind/files"
)

// A type is told by the bytes a file opens with: a signature further in
// (an HTML page quoting "%PDF-", a polyglot with a PDF header after a
// script) does not make the file that type.
func TestSniffWantsTheSignatureFirst(t *testing.T) {
	for _, tc := range []struct{ name, head string }{
		{"HTML quoting a PDF header", "<html><body>%PDF-1.7 is how a PDF starts</body></html>"},
		{"a script before a PDF header", "#!/bin/sh\necho hi\n%PDF-1.4\n"},
		{"a space before a PDF header", " %PDF-1.4\n"},
		{"text before a JPEG signature", "x\xFF\xD8\xFF\xE0"},
		{"text before a PNG signature", "x\x89PNG\r\n\x1a\n"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			if ct, _ := files.Sniff([]byte(tc.head)); ct != "" {
				t.Errorf("sniffed as %s", ct)
			}
		})
	}
	t.Run("a PDF header that opens the file is a PDF", func(t *testing.T) {
		if ct, _ := files.Sniff([]byte("%PDF-1.4\n")); ct != files.TypePDF {
			t.Errorf("sniffed as %q", ct)
		}
	})
}
