package files_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"mintedmind/files"
	"mintedmind/files/filestest"
)

var orientationTypes = []string{files.TypeJPEG, files.TypePNG, files.TypeWebP, files.TypePDF, files.TypeHEIC, ""}

// FuzzOrientation reads arbitrary bytes as each content type. The result
// is always an orientation 1–8 (1, upright, when there is none or it
// cannot be read), the same on every call, the input is left alone, a type
// without EXIF support always gives 1, and anything but 1 needs an EXIF
// container and a TIFF header in the bytes.
//
// It also writes an orientation tag into a real JPEG, PNG and WebP (either
// byte order, after other directory entries, after an unrelated segment or
// chunk holding the fuzzed bytes) and reads it back: the value when it is
// 1–8, else 1; any cut of those files reads as 1–8 too.
func FuzzOrientation(f *testing.F) {
	for o := 0; o <= 8; o++ {
		f.Add(filestest.Photo(2, 2, o), uint8(0), uint16(o), o%2 == 0, uint8(o))
	}
	f.Add(filestest.PNG(2, 2), uint8(1), uint16(6), false, uint8(0))
	f.Add(pngWithEXIF(tiffOrientation(binary.BigEndian, 6, 0)), uint8(1), uint16(9), true, uint8(3))
	f.Add(filestest.WebP, uint8(2), uint16(0), false, uint8(1))
	f.Add(webpWithEXIF(tiffOrientation(binary.LittleEndian, 8, 1)), uint8(2), uint16(0xFFFF), false, uint8(20))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, uint8(0), uint16(3), true, uint8(0))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff\xff\xff"), uint8(0), uint16(5), false, uint8(31))
	f.Add([]byte("Exif\x00\x00MM\x00*"), uint8(3), uint16(7), true, uint8(2))
	f.Fuzz(func(t *testing.T, head []byte, kind uint8, value uint16, bigEndian bool, before uint8) {
		ct := orientationTypes[int(kind)%len(orientationTypes)]
		orig := bytes.Clone(head)
		o := files.Orientation(head, ct)
		if !bytes.Equal(head, orig) {
			t.Fatal("Orientation changed its input")
		}
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d outside 1–8", o)
		}
		if o2 := files.Orientation(bytes.Clone(head), ct); o2 != o {
			t.Fatalf("not deterministic: %d then %d", o, o2)
		}
		if o != 1 {
			switch ct {
			case files.TypeJPEG:
				if !bytes.Contains(head, []byte("Exif\x00\x00")) {
					t.Fatalf("JPEG orientation %d without an Exif segment", o)
				}
			case files.TypePNG:
				if !bytes.Contains(head, []byte("eXIf")) {
					t.Fatalf("PNG orientation %d without an eXIf chunk", o)
				}
			case files.TypeWebP:
				if !bytes.Contains(head, []byte("EXIF")) {
					t.Fatalf("WebP orientation %d without an EXIF chunk", o)
				}
			default:
				t.Fatalf("orientation %d for %q, which has no EXIF reader", o, ct)
			}
			if !bytes.Contains(head, []byte("II*\x00")) && !bytes.Contains(head, []byte("MM\x00*")) {
				t.Fatalf("orientation %d without a TIFF header", o)
			}
		}

		var bo byteOrder = binary.LittleEndian
		if bigEndian {
			bo = binary.BigEndian
		}
		other := head[:min(len(head), 60000)]
		want := int(value)
		if want < 1 || want > 8 {
			want = 1
		}
		tiff := tiffOrientation(bo, value, int(before%32))

		// JPEG: SOI, an APP0 segment holding the fuzzed bytes, APP1 Exif,
		// then the rest of a real photo.
		jpg := append([]byte{}, photo[:2]...)
		jpg = append(jpg, segment(0xE0, other)...)
		jpg = append(jpg, segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))...)
		jpg = append(jpg, photo[2:]...)
		checkOrientation(t, "JPEG", jpg, files.TypeJPEG, want)

		// PNG: signature, IHDR, a private chunk of the fuzzed bytes, eXIf.
		checkOrientation(t, "PNG", pngWithChunks(chunk("prIv", other), chunk("eXIf", tiff)), files.TypePNG, want)

		// WebP: an extended file with an unknown chunk before EXIF.
		checkOrientation(t, "WebP", webpWithChunks(riffChunk("XTRA", other), riffChunk("EXIF", tiff)), files.TypeWebP, want)
	})
}

// photo and pngSample are real images to write EXIF into.
var (
	photo     = filestest.Photo(2, 2, 0)
	pngSample = filestest.PNG(2, 2)
)

func checkOrientation(t *testing.T, kind string, b []byte, ct string, want int) {
	t.Helper()
	if got := files.Orientation(b, ct); got != want {
		t.Fatalf("%s: orientation %d, want %d", kind, got, want)
	}
	for _, n := range []int{0, 1, 7, len(b) / 3, len(b) / 2, len(b) - 1} {
		if n < 0 || n > len(b) {
			continue
		}
		if got := files.Orientation(b[:n], ct); got < 1 || got > 8 {
			t.Fatalf("%s cut to %d bytes: orientation %d", kind, n, got)
		}
	}
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffOrientation is a TIFF header and one directory of before unrelated
// SHORT entries followed by the orientation tag (0x0112, SHORT, count 1).
func tiffOrientation(bo byteOrder, value uint16, before int) []byte {
	var b []byte
	if bo == binary.BigEndian {
		b = append(b, "MM"...)
	} else {
		b = append(b, "II"...)
	}
	b = bo.AppendUint16(b, 42)
	b = bo.AppendUint32(b, 8)
	b = bo.AppendUint16(b, uint16(before+1))
	entry := func(tag, v uint16) {
		b = bo.AppendUint16(b, tag)
		b = bo.AppendUint16(b, 3)
		b = bo.AppendUint32(b, 1)
		b = bo.AppendUint16(b, v)
		b = bo.AppendUint16(b, 0)
	}
	for i := 0; i < before; i++ {
		entry(0x8000+uint16(i), 7) // private tags, never 0x0112
	}
	entry(0x0112, value)
	return bo.AppendUint32(b, 0)
}

// segment is a JPEG marker segment; payloads longer than a segment holds
// are cut.
func segment(marker byte, payload []byte) []byte {
	if len(payload) > 0xFFFF-2 {
		payload = payload[:0xFFFF-2]
	}
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func chunk(kind string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, kind...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithChunks puts chunks between a real PNG's IHDR and the rest.
func pngWithChunks(chunks ...[]byte) []byte {
	p := pngSample
	ihdrEnd := 8 + 8 + 13 + 4
	out := append([]byte{}, p[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[ihdrEnd:]...)
}

func pngWithEXIF(tiff []byte) []byte { return pngWithChunks(chunk("eXIf", tiff)) }

func riffChunk(kind string, data []byte) []byte {
	c := append([]byte(kind), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// webpWithChunks is a VP8X WebP with the given chunks after its header
// chunk and before the image data.
func webpWithChunks(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	body = append(body, riffChunk("VP8X", []byte{0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0})...)
	for _, c := range chunks {
		body = append(body, c...)
	}
	body = append(body, filestest.WebP[12:]...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func webpWithEXIF(tiff []byte) []byte { return webpWithChunks(riffChunk("EXIF", tiff)) }
