package files

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strings"
)

// ActiveContent is what a PDF carries that a viewer may run or open on its
// own: a browser's PDF viewer shown inline would be the one to do it, so a
// PDF with any of these is stored (it is the client's document) but only
// ever downloaded, and staff are warned.
type ActiveContent uint8

// The kinds of active content; PDFUnchecked marks a PDF with compressed
// objects that could not be read (encrypted, damaged, or in a filter the
// check does not decode), which is treated as if it carried something.
const (
	PDFJavaScript    ActiveContent = 1 << iota // scripts: /JavaScript actions and name trees, /JS
	PDFLaunch                                  // launch actions: open another file or program
	PDFEmbeddedFiles                           // attached files: /EmbeddedFile(s), /EF, file attachments, rich media
	PDFUnchecked                               // compressed objects that could not be checked
)

// activeWords are the kinds' names in the database, in bit order.
var activeWords = []string{"javascript", "launch", "embedded-files", "unchecked"}

// activeLabels are the kinds as a sentence names them, in bit order.
var activeLabels = []string{"JavaScript", "a launch action (it can open other files or programs)", "embedded files", "compressed parts that could not be checked"}

// String is the kinds' database form: their words joined by commas, "" for
// none.
func (a ActiveContent) String() string {
	var words []string
	for i, w := range activeWords {
		if a&(1<<i) != 0 {
			words = append(words, w)
		}
	}
	return strings.Join(words, ",")
}

// Labels names the kinds for people ("JavaScript", "embedded files", …).
func (a ActiveContent) Labels() []string {
	var out []string
	for i, l := range activeLabels {
		if a&(1<<i) != 0 {
			out = append(out, l)
		}
	}
	return out
}

// ParseActiveContent reads String's form back; unknown words count as
// unchecked, so that a value written by a newer binary never reads as safe.
func ParseActiveContent(s string) ActiveContent {
	var a ActiveContent
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		i := indexOf(activeWords, w)
		if i < 0 {
			a |= PDFUnchecked
			continue
		}
		a |= 1 << i
	}
	return a
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// ScanPDF reads a whole PDF and reports its active content (for documents
// stored before uploads were checked for it).
func ScanPDF(r io.Reader) (ActiveContent, error) {
	var s activeScanner
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		s.write(buf[:n])
		if errors.Is(err, io.EOF) {
			return s.finish(), nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// Names that mark active content. Long names are looked for everywhere,
// in strings, comments and stream data too: a reader finds objects by
// their offsets, so bytes this scanner took for a string or a stream may
// be an object to the reader, and these names do not turn up by chance.
// Short names count only where they are names in the PDF's syntax.
var (
	longActiveNames = map[string]ActiveContent{
		"JavaScript": PDFJavaScript, "Launch": PDFLaunch,
		"EmbeddedFile": PDFEmbeddedFiles, "EmbeddedFiles": PDFEmbeddedFiles, "FileAttachment": PDFEmbeddedFiles,
		"GoToE": PDFEmbeddedFiles, "RichMedia": PDFEmbeddedFiles,
	}
	shortActiveNames = map[string]ActiveContent{"JS": PDFJavaScript, "EF": PDFEmbeddedFiles}
)

// Limits of the object stream check: the compressed bytes of one object
// stream kept to inflate, and the inflated bytes of all of a file's object
// streams together (a small stream may inflate to gigabytes). Past either,
// the PDF is unchecked.
const (
	maxObjStmBytes   = 8 << 20
	maxInflatedBytes = 64 << 20
	maxNameBytes     = 127 // a PDF name's longest
	maxWordBytes     = 16  // longer keywords are none of ours
)

// scanState is where the scanner is in the PDF's syntax.
type scanState uint8

const (
	inObjects scanState = iota // between tokens, in dictionaries and arrays
	inComment                  // % to the end of the line
	inString                   // a literal (string), with nesting
	inStream                   // stream data, up to endstream
)

// activeScanner finds active content in a PDF as its bytes stream past,
// with the same answer however the bytes are cut into writes: every piece
// of state (the name or keyword being read, the string's depth, the last
// bytes seen) carries over from one write to the next.
//
// Objects kept in compressed object streams (/Type /ObjStm, PDF 1.5) are
// collected and inflated at their endstream, then scanned like the file.
// Which streams those are is decided from the bytes alone, not from the
// syntax the scanner followed (a string left open on purpose must not
// hide one): at every "stream" keyword that ends a line, the dictionary
// before it (the bytes since the last endobj or endstream) is read for
// /ObjStm and its filters.
type activeScanner struct {
	found ActiveContent
	state scanState

	inName   bool
	name     []byte // the name being read, without its slash
	nameLong bool   // longer than a name may be: not one of ours

	word     []byte // the keyword being read (obj, stream, …)
	wordLong bool
	depth    int  // of parentheses in a literal string
	escaped  bool // the byte before was a backslash in a string
	skipLF   bool // "stream" ended with CR: an LF after it is part of the end of line
	last     [len("endstream")]byte
	seen     int // stream bytes so far, up to len(last)

	recent   []byte // the last bytes, at least dictLookback of them once there are
	total    int64  // bytes scanned
	collect  bool   // keeping this stream's bytes (an object stream)
	objBytes []byte // the object stream's bytes so far
	flate    bool   // the object stream's dictionary names FlateDecode
	other    bool   // … or a filter not checked (or does not say)
	nested   bool   // scanning an inflated object stream: no further nesting
	inflated int64  // bytes inflated so far, all object streams together
}

// dictLookback is how far before a "stream" keyword its dictionary is
// looked for. A stream whose dictionary starts further back than that
// (nothing but its dictionary since the last object ended) is treated as
// an object stream whose filter is not known.
const dictLookback = 16 << 10

func (s *activeScanner) write(b []byte) {
	for _, c := range b {
		s.step(c)
	}
}

// step reads one byte.
func (s *activeScanner) step(c byte) {
	s.objectStreams(c)
	// Names are read in every state (see longActiveNames).
	if s.inName {
		if isPDFSpace(c) || isPDFDelimiter(c) {
			s.endName()
		} else if len(s.name) < maxNameBytes {
			s.name = append(s.name, c)
		} else {
			s.nameLong = true
		}
	}
	if c == '/' {
		s.inName, s.name, s.nameLong = true, s.name[:0], false
	}

	switch s.state {
	case inStream:
		s.streamByte(c)
	case inComment:
		if c == '\r' || c == '\n' {
			s.state = inObjects
		}
	case inString:
		switch {
		case s.escaped:
			s.escaped = false
		case c == '\\':
			s.escaped = true
		case c == '(':
			s.depth++
		case c == ')':
			if s.depth--; s.depth == 0 {
				s.state = inObjects
			}
		}
	case inObjects:
		if isPDFSpace(c) || isPDFDelimiter(c) {
			s.endWord(c)
			switch c {
			case '%':
				s.state = inComment
			case '(':
				s.state, s.depth, s.escaped = inString, 1, false
			}
			return
		}
		if s.inName {
			return
		}
		if len(s.word) < maxWordBytes {
			s.word = append(s.word, c)
		} else {
			s.wordLong = true
		}
	}
}

// endName judges the name just read: #xx escapes decoded, as a reader does.
func (s *activeScanner) endName() {
	s.inName = false
	if s.nameLong || len(s.name) == 0 {
		return
	}
	name := decodeName(s.name)
	if k, ok := longActiveNames[name]; ok {
		s.found |= k
	}
	if s.state != inObjects {
		return
	}
	if k, ok := shortActiveNames[name]; ok {
		s.found |= k
	}
}

// endWord judges the keyword just read, ended by the byte c.
func (s *activeScanner) endWord(c byte) {
	word, long := s.word, s.wordLong
	s.word, s.wordLong = s.word[:0], false
	if !long && string(word) == "stream" {
		s.state, s.seen, s.skipLF = inStream, 0, c == '\r'
		if c != '\r' && c != '\n' {
			s.streamByte(c)
		}
	}
}

// streamByte reads a byte of stream data, watching for endstream.
func (s *activeScanner) streamByte(c byte) {
	if s.skipLF {
		s.skipLF = false
		if c == '\n' {
			return
		}
	}
	copy(s.last[:], s.last[1:])
	s.last[len(s.last)-1] = c
	s.seen = min(s.seen+1, len(s.last))
	if s.seen == len(s.last) && string(s.last[:]) == "endstream" {
		s.state = inObjects
	}
}

// objectStreams keeps the last bytes and the object stream being
// collected, and starts collecting at the start of one.
func (s *activeScanner) objectStreams(c byte) {
	s.total++
	s.recent = append(s.recent, c)
	if len(s.recent) >= 2*dictLookback {
		s.recent = append(s.recent[:0], s.recent[len(s.recent)-dictLookback:]...)
	}
	if s.collect {
		if len(s.objBytes) >= maxObjStmBytes {
			s.found |= PDFUnchecked
			s.collect, s.objBytes = false, nil
			return
		}
		s.objBytes = append(s.objBytes, c)
		if bytes.HasSuffix(s.objBytes, []byte("endstream")) {
			s.collect = false
			s.checkObjectStream(bytes.TrimRight(s.objBytes[:len(s.objBytes)-len("endstream")], "\r\n"))
			s.objBytes = s.objBytes[:0]
		}
		return
	}
	if c != '\n' || s.nested {
		return
	}
	dict, ok := streamDictionary(s.recent, s.total)
	if !ok {
		return
	}
	objStm, flate, other, known := readStreamDictionary(dict)
	if objStm || !known {
		s.collect, s.flate, s.other = true, flate, other && known
		s.objBytes = s.objBytes[:0]
	}
}

// streamDictionary reports whether recent (the last of total bytes) ends
// with a "stream" keyword and its end of line, and returns the bytes
// before it back to the end of the object before; nil, true when they
// reach past the bytes kept.
func streamDictionary(recent []byte, total int64) ([]byte, bool) {
	b, ok := bytes.CutSuffix(recent, []byte("\n"))
	if !ok {
		return nil, false
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	b, ok = bytes.CutSuffix(b, []byte("stream"))
	if !ok || (len(b) > 0 && !isPDFSpace(b[len(b)-1]) && !isPDFDelimiter(b[len(b)-1])) {
		return nil, false
	}
	from := max(bytes.LastIndex(b, []byte("endobj")), bytes.LastIndex(b, []byte("endstream")))
	switch {
	case from >= 0:
		return b[from:], true
	case total == int64(len(recent)) || len(b) < dictLookback:
		return b, true // the file's start is in view
	}
	return nil, true
}

// readStreamDictionary reads a stream's dictionary for what the object
// stream check needs; known is false for a dictionary not in view.
func readStreamDictionary(dict []byte) (objStm, flate, other, known bool) {
	if dict == nil {
		return false, false, false, false
	}
	for rest := dict; ; {
		i := bytes.IndexByte(rest, '/')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		end := bytes.IndexFunc(rest, func(r rune) bool { return r < 0x80 && (isPDFSpace(byte(r)) || isPDFDelimiter(byte(r))) })
		if end < 0 {
			end = len(rest)
		}
		switch decodeName(rest[:end]) {
		case "ObjStm":
			objStm = true
		case "FlateDecode", "Fl":
			flate = true
		case "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85", "LZWDecode", "LZW", "RunLengthDecode", "RL", "Crypt", "DecodeParms", "DP":
			other = true
		}
		rest = rest[end:]
	}
	return objStm, flate, other, true
}

// checkObjectStream scans an object stream's objects: inflated when its
// dictionary names FlateDecode, and when it names no filter at all (the
// filter may be an indirect object) or was not in view, tried inflated
// and else read as it is, where anything but text means it could not be
// checked.
func (s *activeScanner) checkObjectStream(data []byte) {
	switch {
	case s.other:
		s.found |= PDFUnchecked
	case s.flate:
		if !s.scanInflated(data) {
			s.found |= PDFUnchecked
		}
	default:
		if s.scanInflated(data) {
			return
		}
		if !isText(data) {
			s.found |= PDFUnchecked
			return
		}
		inner := activeScanner{nested: true}
		inner.write(data)
		s.found |= inner.finish()
	}
}

// scanInflated inflates data within what is left of the inflation budget
// and scans the result; false when it does not inflate.
func (s *activeScanner) scanInflated(data []byte) bool {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return false
	}
	defer zr.Close()
	inner := activeScanner{nested: true}
	w := &activeWriter{s: &inner, left: maxInflatedBytes - s.inflated}
	_, err = io.Copy(w, zr)
	s.inflated += w.n
	if errors.Is(err, errInflateBudget) {
		s.found |= PDFUnchecked | inner.finish()
		return true
	}
	if err != nil {
		return false
	}
	s.found |= inner.finish()
	return true
}

var errInflateBudget = errors.New("files: object streams inflate past the limit")

// activeWriter feeds an inner scanner within a byte budget.
type activeWriter struct {
	s       *activeScanner
	left, n int64
}

func (w *activeWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > w.left {
		b = b[:max(w.left, 0)]
	}
	w.s.write(b)
	w.left -= int64(len(b))
	w.n += int64(len(b))
	if w.left <= 0 {
		return len(b), errInflateBudget
	}
	return len(b), nil
}

// finish ends the scan (a name at the very end counts) and returns what it
// found; the scanner starts over.
func (s *activeScanner) finish() ActiveContent {
	if s.inName {
		s.endName()
	}
	if s.collect && len(s.objBytes) > 0 {
		// An object stream without its endstream: a reader may still
		// take its objects.
		s.found |= PDFUnchecked
	}
	found := s.found
	*s = activeScanner{nested: s.nested, name: s.name[:0], word: s.word[:0], recent: s.recent[:0], objBytes: s.objBytes[:0]}
	return found
}

// decodeName turns a name's #xx escapes into their bytes.
func decodeName(raw []byte) string {
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
			out = append(out, unhex(raw[i+1])<<4|unhex(raw[i+2]))
			i += 2
			continue
		}
		out = append(out, raw[i])
	}
	return string(out)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// isText reports whether b is printable ASCII and white space only.
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c >= 0x7f) && !isPDFSpace(c) {
			return false
		}
	}
	return true
}
