package files_test

import (
	"bytes"
	"testing"

	"mintedmind/files"
	"mintedmind/files/filestest"
)

// A long active name written only with #xx escapes, with no short name
// beside it to give it away, is read as a PDF reader reads it.
func TestScanPDFDecodesEscapedNames(t *testing.T) {
	for _, tc := range []struct {
		name, obj string
		want      files.ActiveContent
	}{
		{"/Launch as /L#61unch", "94 0 obj\n<< /Type /Action /S /L#61unch /F (calc.exe) >>\nendobj\n", files.PDFLaunch},
		{"/JavaScript as /J#61v#61Script", "95 0 obj\n<< /Names << /J#61v#61Script 96 0 R >> >>\nendobj\n", files.PDFJavaScript},
	} {
		t.Run(tc.name+" is found", func(t *testing.T) {
			got, err := files.ScanPDF(bytes.NewReader(filestest.PDFWith(tc.obj)))
			if err != nil {
				t.Fatal(err)
			}
			if got&tc.want == 0 {
				t.Errorf("found %v, want %v", got, tc.want)
			}
		})
	}
}
