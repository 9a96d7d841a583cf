package files

import "bytes"

// pageCounter counts a PDF's pages while it streams past, by the page
// objects' "/Type /Page" entries (not "/Pages", the tree's inner nodes).
// Cheap and usually right; a PDF that keeps its objects in compressed
// object streams hides them, and then the count is 0 (unknown).
type pageCounter struct {
	buf   []byte
	pages int
}

// pageLookahead is how many bytes after the start of "/Type" a match needs
// to be judged. "/Type", white space and "/Page" must fit in it: write
// judges only matches with more bytes than that after their start, so the
// byte after "/Page" is there too, and a match counts the same however the
// bytes were cut into writes.
const pageLookahead = 32

var typeKey = []byte("/Type")

func (p *pageCounter) write(b []byte) {
	p.buf = append(p.buf, b...)
	judged := len(p.buf) - pageLookahead
	if judged <= 0 {
		return
	}
	p.pages += countPageObjects(p.buf, judged)
	p.buf = append(p.buf[:0], p.buf[judged:]...)
}

func (p *pageCounter) finish() int {
	n := p.pages + countPageObjects(p.buf, len(p.buf))
	p.buf, p.pages = nil, 0
	return n
}

// countPageObjects counts "/Type /Page" entries starting before limit.
func countPageObjects(b []byte, limit int) int {
	n := 0
	for i := 0; i < limit; {
		j := bytes.Index(b[i:], typeKey)
		if j < 0 || i+j >= limit {
			break
		}
		start := i + j
		k := start + len(typeKey)
		for k < len(b) && k-start <= pageLookahead && isPDFSpace(b[k]) {
			k++
		}
		if end := k + len("/Page"); end-start <= pageLookahead && bytes.HasPrefix(b[k:], []byte("/Page")) {
			if end == len(b) || isPDFDelimiter(b[end]) || isPDFSpace(b[end]) {
				n++
			}
		}
		i = i + j + len(typeKey)
	}
	return n
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelimiter(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}
