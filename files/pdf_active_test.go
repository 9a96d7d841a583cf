package files_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"mintedmind/files"
	"mintedmind/files/filestest"
)

func TestStageFindsActiveContentInPDFs(t *testing.T) {
	s := files.NewStore(files.Config{})
	js, launch, embedded := files.PDFJavaScript, files.PDFLaunch, files.PDFEmbeddedFiles
	for _, tc := range []struct {
		name string
		data []byte
		want files.ActiveContent
	}{
		{"a plain PDF", filestest.PDF(2, 5000), 0},
		{"JavaScript", filestest.PDFWith(filestest.JavaScriptAction), js},
		{"a launch action", filestest.PDFWith(filestest.LaunchAction), launch},
		{"an embedded file", filestest.PDFWith(filestest.EmbeddedFile), embedded},
		{"all three", filestest.PDFWith(filestest.EmbeddedFile, filestest.LaunchAction, filestest.JavaScriptAction), js | launch | embedded},
		{"JavaScript spelled with #xx escapes", filestest.PDFWith(filestest.EscapedJavaScript), js},
		{"JavaScript in a compressed object stream", filestest.PDFObjectStream(true, filestest.JavaScriptAction), js},
		{"a launch action in a plain object stream", filestest.PDFObjectStream(false, filestest.LaunchAction), launch},
		{"a compressed object stream without active content", filestest.PDFObjectStream(true, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"), 0},
		{"an object stream that does not inflate", filestest.PDFWith("80 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /N 1 /First 0 >>\nstream\n\x01\x02garbage\x99\nendstream\nendobj\n"), files.PDFUnchecked},
		{"an object stream in a filter not checked", filestest.PDFWith("80 0 obj\n<< /Type /ObjStm /Filter [/ASCII85Decode /FlateDecode] /N 1 /First 0 >>\nstream\n9jqo^\nendstream\nendobj\n"), files.PDFUnchecked},
		{"JavaScript hidden after a string that never closes", filestest.PDFWith("89 0 obj\n<< /Title (open >>\nendobj\n" + filestest.JavaScriptAction), js},
		{"a compressed object stream after a string left open", append(filestest.PDFWith("89 0 obj\n<< /Title (open >>\nendobj\n"), filestest.PDFObjectStream(true, filestest.JavaScriptAction)...), js},
		{"a compressed object stream whose /Type is escaped", bytes.Replace(filestest.PDFObjectStream(true, filestest.LaunchAction), []byte("/ObjStm"), []byte("/Obj#53tm"), 1), launch},
		{"a stream whose dictionary is too long to see", filestest.PDFWith("70 0 obj\n<< /Junk [" + strings.Repeat("0 ", 20<<10) + "] >>\nstream\n\x01\x02\xff\nendstream\nendobj\n"), files.PDFUnchecked},
		{"the words in a string only", filestest.PDFWith("89 0 obj\n<< /Title (JavaScript and Launch) >>\nendobj\n"), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := s.Stage(context.Background(), t.TempDir(), "a.pdf", bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Discard()
			if st.Active != tc.want {
				t.Fatalf("found %q, want %q", st.Active, tc.want)
			}
			if got, err := files.ScanPDF(bytes.NewReader(tc.data)); err != nil || got != tc.want {
				t.Fatalf("ScanPDF: %q (%v), want %q", got, err, tc.want)
			}
		})
	}
	t.Run("photos are not PDFs", func(t *testing.T) {
		photo := append(filestest.Photo(20, 20, 0), []byte("/JavaScript /Launch")...)
		st, err := s.Stage(context.Background(), t.TempDir(), "a.jpg", bytes.NewReader(photo))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Discard()
		if st.Active != 0 {
			t.Fatalf("a JPEG found %q", st.Active)
		}
	})
}

func TestActiveContentWords(t *testing.T) {
	all := files.PDFJavaScript | files.PDFLaunch | files.PDFEmbeddedFiles | files.PDFUnchecked
	if got := all.String(); got != "javascript,launch,embedded-files,unchecked" {
		t.Fatalf("String %q", got)
	}
	for a := files.ActiveContent(0); a <= all; a++ {
		if got := files.ParseActiveContent(a.String()); got != a {
			t.Fatalf("%q read back as %q", a, got)
		}
		if len(a.Labels()) != strings.Count(a.String(), ",")+min(1, len(a.String())) {
			t.Fatalf("%q has labels %q", a, a.Labels())
		}
	}
	if got := files.ParseActiveContent("javascript,something-new"); got != files.PDFJavaScript|files.PDFUnchecked {
		t.Fatalf("an unknown word read as %q", got)
	}
}

func TestNameFor(t *testing.T) {
	for _, tc := range []struct{ in, ct, want string }{
		{"invoice\u202egnp.exe", files.TypePDF, "invoicegnp.exe.pdf"},
		{"\u202egnp.exe", files.TypePDF, "gnp.exe.pdf"},
		{"report\u2067fdp.scr\u2069.pdf", files.TypePDF, "reportfdp.scr.pdf"},
		{"\u200fscan\u200e.PDF", files.TypePDF, "scan.PDF"},
		{"photo.png", files.TypeJPEG, "photo.png"},
		{"IMG_0001.HEIC", files.TypeHEIC, "IMG_0001.HEIC"},
		{"scan", files.TypePDF, "scan.pdf"},
		{"contract.docx", files.TypePDF, "contract.docx.pdf"},
		{"", files.TypePNG, "document.png"},
		{strings.Repeat("a", 200) + ".exe", files.TypePDF, strings.Repeat("a", files.MaxNameRunes-5) + "….pdf"},
		{"notes.txt", "", "notes.txt"},
	} {
		if got := files.NameFor(tc.in, tc.ct); got != tc.want {
			t.Errorf("NameFor(%q, %q) = %q, want %q", tc.in, tc.ct, got, tc.want)
		}
	}
	st, err := files.NewStore(files.Config{}).Stage(context.Background(), t.TempDir(), "invoice\u202egnp.exe", bytes.NewReader(filestest.PDF(1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Discard()
	if st.Name != "invoicegnp.exe.pdf" {
		t.Fatalf("a checked PDF named with a right-to-left override is stored as %q", st.Name)
	}
}

// BenchmarkScanPDF measures the active content check on a 20 MiB PDF,
// the cost it adds to every PDF upload.
func BenchmarkScanPDF(b *testing.B) {
	data := filestest.PDFObjectStream(true, strings.Repeat("<< /Type /Font /BaseFont /Helvetica >>\n", 1000))
	data = append(filestest.PDF(3, 20<<20), data...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := files.ScanPDF(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
