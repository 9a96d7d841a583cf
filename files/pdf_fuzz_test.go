package files

import (
	"bytes"
	"testing"

	"mintedmind/files/filestest"
)

// countStreamed counts pages as the store does, writing data in pieces
// whose sizes come from cuts (each byte one piece's size, 0 read as 1,
// the last size repeating), the way reads of an upload arrive.
func countStreamed(data, cuts []byte) int {
	var p pageCounter
	for i, c := 0, 0; i < len(data); c++ {
		n := 1
		if len(cuts) > 0 {
			n = max(1, int(cuts[min(c, len(cuts)-1)]))
		}
		n = min(n, len(data)-i)
		p.write(data[i : i+n])
		i += n
	}
	return p.finish()
}

func countWhole(data []byte) int {
	var p pageCounter
	p.write(data)
	return p.finish()
}

// FuzzPageCount checks the streaming page counter on arbitrary bytes: the
// count is never negative, never more than the "/Type" keys (nor "/Page"
// names) in the file, the same however the bytes are cut into writes (one
// write, one byte at a time, or fuzzed pieces), and the counter starts
// over after finish. A generated sample PDF with a fuzzed number of pages
// and padding, cut into the same pieces, counts exactly its pages.
func FuzzPageCount(f *testing.F) {
	for _, pages := range []int{0, 1, 2, 7} {
		f.Add(filestest.PDF(pages, 0), []byte{}, uint8(pages), uint16(0))
		f.Add(filestest.PDF(pages, 300), []byte{1, 5, 31, 32, 33}, uint8(pages+1), uint16(5000))
	}
	f.Add([]byte("%PDF-1.7\n<</Type/Page>><</Type/Pages>><</Type /Page/Parent 1 0 R>>"), []byte{3}, uint8(12), uint16(1))
	f.Add([]byte("<< /Type\r\n\t/Page\x00>> /Type /PageLabel /Type/Page"), []byte{9, 2}, uint8(255), uint16(65535))
	f.Fuzz(func(t *testing.T, data, cuts []byte, pages uint8, pad uint16) {
		whole := countWhole(data)
		if whole < 0 {
			t.Fatalf("count %d", whole)
		}
		if types := bytes.Count(data, []byte("/Type")); whole > types {
			t.Fatalf("%d pages from %d /Type keys", whole, types)
		}
		if names := bytes.Count(data, []byte("/Page")); whole > names {
			t.Fatalf("%d pages from %d /Page names", whole, names)
		}
		if got := countStreamed(data, cuts); got != whole {
			t.Fatalf("%d pages when written in pieces %v, %d in one write", got, cuts, whole)
		}
		if got := countStreamed(data, nil); got != whole {
			t.Fatalf("%d pages when written a byte at a time, %d in one write", got, whole)
		}
		var p pageCounter
		p.write(data)
		p.finish()
		p.write(data)
		if again := p.finish(); again != whole {
			t.Fatalf("a reused counter counted %d, a new one %d", again, whole)
		}

		sample := filestest.PDF(int(pages), int(pad))
		if got := countStreamed(sample, cuts); got != int(pages) {
			t.Fatalf("%d pages counted in a %d-page PDF", got, pages)
		}
	})
}
