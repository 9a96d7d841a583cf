package app

// A quote's drawn signature (issue 18 point 3): the portal's canvas
// (assets/js/signature.js) posts it as a PNG data URL; it is checked here
// (size, a real PNG, its dimensions, some ink) and drawn again on white
// as a plain 8-bit PNG, which is what is stored and printed on the signed
// PDF. The typed alternative needs no image: the PDF prints the name.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// Limits of a drawn signature.
const (
	SignatureMaxBytes  = 256 << 10 // the PNG, decoded from base64
	SignatureMinWidth  = 100
	SignatureMinHeight = 40
	SignatureMaxWidth  = 2000
	SignatureMaxHeight = 1000
	signatureMinInk    = 30 // pixels that are not background
)

// Messages of a refused signature, also the ids of their translations.
const (
	msgSignatureMissing = "Draw your signature, or choose the typed one."
	msgSignatureTooBig  = "The drawn signature is too large. Clear it and draw it again."
	msgSignatureBad     = "The drawn signature is not a PNG image we can read. Clear it and draw it again."
	msgSignatureSize    = "The drawn signature has the wrong size. Clear it and draw it again."
	msgSignatureBlank   = "The drawn signature is empty. Draw it, or choose the typed one."
)

const pngDataURL = "data:image/png;base64,"

func signatureError(msg string) error {
	return apperr.FieldErrors(map[string]string{"signature": msg})
}

// ParseSignature is the signature a contact chose: kind "drawn" with
// dataURL the canvas's PNG, or "typed" (the default, also without
// script). A drawn one comes back as the PNG to store; a bad one is an
// invalid-input error on the field "signature".
func ParseSignature(kind, dataURL string) (string, []byte, error) {
	if kind != tenant.SignatureDrawn {
		return tenant.SignatureTyped, nil, nil
	}
	if dataURL == "" {
		return "", nil, signatureError(msgSignatureMissing)
	}
	if !strings.HasPrefix(dataURL, pngDataURL) {
		return "", nil, signatureError(msgSignatureBad)
	}
	encoded := dataURL[len(pngDataURL):]
	if base64.StdEncoding.DecodedLen(len(encoded)) > SignatureMaxBytes+3 {
		return "", nil, signatureError(msgSignatureTooBig)
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", nil, signatureError(msgSignatureBad)
	}
	if len(raw) > SignatureMaxBytes {
		return "", nil, signatureError(msgSignatureTooBig)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return "", nil, signatureError(msgSignatureBad)
	}
	if cfg.Width < SignatureMinWidth || cfg.Height < SignatureMinHeight || cfg.Width > SignatureMaxWidth || cfg.Height > SignatureMaxHeight {
		return "", nil, signatureError(msgSignatureSize)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return "", nil, signatureError(msgSignatureBad)
	}
	flat := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	ink := 0
	for i := 0; i+3 < len(flat.Pix) && ink < signatureMinInk; i += 4 {
		if int(flat.Pix[i])+int(flat.Pix[i+1])+int(flat.Pix[i+2]) < 3*200 {
			ink++
		}
	}
	if ink < signatureMinInk {
		return "", nil, signatureError(msgSignatureBlank)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, flat); err != nil {
		return "", nil, fmt.Errorf("app: encode a signature: %w", err)
	}
	return tenant.SignatureDrawn, out.Bytes(), nil
}

// SignatureDataURL is a checked drawn signature (ParseSignature's PNG) as
// the data URL the portal's form posts, for the form shown again after an
// error; "" for none.
func SignatureDataURL(png []byte) string {
	if len(png) == 0 {
		return ""
	}
	return pngDataURL + base64.StdEncoding.EncodeToString(png)
}
