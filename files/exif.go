package files

import (
	"bytes"
	"encoding/binary"
)

// Orientation returns the EXIF orientation (1–8) found in the first bytes
// of a JPEG, PNG or WebP image, or 1 (upright) when there is none. Only the
// one tag is read: a camera's photo is stored as the sensor saw it, and
// this says how to turn it to look right.
func Orientation(head []byte, contentType string) int {
	var tiff []byte
	switch contentType {
	case TypeJPEG:
		tiff = jpegEXIF(head)
	case TypePNG:
		tiff = pngEXIF(head)
	case TypeWebP:
		tiff = webpEXIF(head)
	}
	o := tiffOrientation(bytes.TrimPrefix(tiff, []byte("Exif\x00\x00")))
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

// jpegEXIF finds the APP1 "Exif" segment among the markers before the image data.
func jpegEXIF(b []byte) []byte {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg
		}
		i += 2 + n
	}
	return nil
}

// pngEXIF finds the eXIf chunk before the image data.
func pngEXIF(b []byte) []byte {
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		kind := string(b[i+4 : i+8])
		if n < 0 || i+8+n > len(b) || kind == "IDAT" {
			return nil
		}
		if kind == "eXIf" {
			return b[i+8 : i+8+n]
		}
		i += 12 + n
	}
	return nil
}

// webpEXIF finds the EXIF chunk of an extended WebP file.
func webpEXIF(b []byte) []byte {
	for i := 12; i+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || i+8+n > len(b) {
			return nil
		}
		if string(b[i:i+4]) == "EXIF" {
			return b[i+8 : i+8+n]
		}
		i += 8 + n + n%2
	}
	return nil
}

// tiffOrientation reads tag 0x0112 of a TIFF header's first directory.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}
