package files

import (
	"bytes"
	"testing"

	"mintedmind/files/filestest"
)

// scanStreamed scans data as the store does, in pieces whose sizes come
// from cuts (as countStreamed cuts them).
func scanStreamed(s *activeScanner, data, cuts []byte) ActiveContent {
	for i, c := 0, 0; i < len(data); c++ {
		n := 1
		if len(cuts) > 0 {
			n = max(1, int(cuts[min(c, len(cuts)-1)]))
		}
		n = min(n, len(data)-i)
		s.write(data[i : i+n])
		i += n
	}
	return s.finish()
}

// FuzzActiveContent checks the active content scanner on arbitrary bytes:
// the same answer however the bytes are cut into writes (one write, a byte
// at a time, fuzzed pieces), from ScanPDF, and from a scanner used before;
// and a sample PDF with a fuzzed choice of active objects (JavaScript,
// launch, embedded file, escaped JavaScript), loose or in an object stream
// (compressed or not), with fuzzed bytes before its trailer, is found to
// carry at least those, however it is cut.
func FuzzActiveContent(f *testing.F) {
	f.Add(filestest.PDF(1, 0), []byte{}, uint8(0), []byte{})
	f.Add(filestest.PDFWith(filestest.JavaScriptAction), []byte{1, 7, 64}, uint8(1), []byte("(unclosed"))
	f.Add(filestest.PDFObjectStream(true, filestest.LaunchAction), []byte{9}, uint8(2|16|32), []byte("stream\n"))
	f.Add(filestest.PDFObjectStream(false, filestest.EmbeddedFile), []byte{3, 200}, uint8(4|16), []byte("%comment /JS"))
	f.Add([]byte("%PDF-1.7\n<</S/J#61vaScript>>stream\r\nx/Launch endstream /E#46"), []byte{2}, uint8(8), []byte("endstream"))
	f.Fuzz(func(t *testing.T, data, cuts []byte, pick uint8, junk []byte) {
		var s activeScanner
		s.write(data)
		whole := s.finish()
		if got := scanStreamed(&s, data, cuts); got != whole {
			t.Fatalf("%q in pieces %v, %q in one write", got, cuts, whole)
		}
		if got := scanStreamed(&activeScanner{}, data, nil); got != whole {
			t.Fatalf("%q a byte at a time, %q in one write", got, whole)
		}
		if got, err := ScanPDF(bytes.NewReader(data)); err != nil || got != whole {
			t.Fatalf("ScanPDF %q (%v), the scanner %q", got, err, whole)
		}

		var objs []string
		var want ActiveContent
		for i, o := range []struct {
			obj  string
			kind ActiveContent
		}{
			{filestest.JavaScriptAction, PDFJavaScript}, {filestest.LaunchAction, PDFLaunch},
			{filestest.EmbeddedFile, PDFEmbeddedFiles}, {filestest.EscapedJavaScript, PDFJavaScript},
		} {
			if pick&(1<<i) != 0 {
				objs, want = append(objs, o.obj), want|o.kind
			}
		}
		var sample []byte
		switch {
		case pick&16 != 0 && len(objs) > 0:
			sample = filestest.PDFObjectStream(pick&32 != 0, objs...)
		default:
			sample = filestest.PDFWith(objs...)
		}
		// Junk before the trailer may open a string or a stream that never
		// ends; what came before it is found all the same.
		i := bytes.LastIndex(sample, []byte("trailer"))
		sample = append(append(append([]byte{}, sample[:i]...), junk...), sample[i:]...)
		if got := scanStreamed(&activeScanner{}, sample, cuts); got&want != want {
			t.Fatalf("a sample with %q found only %q", want, got)
		}
	})
}
