package files

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // registers PNG for image.Decode
	"os"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP for image.Decode

	"mintedmind/apperr"
)

// Image limits. An image is decoded whole once, for its thumbnail and to
// be sure it is not cut off; these bound what that may cost.
const (
	MaxPixels      = 50_000_000 // 50 megapixels: more than any phone or most cameras make
	MaxSide        = 30_000     // pixels on either side
	maxDecodeBytes = 256 << 20  // memory one decoded image may take
	ThumbSize      = 320        // a thumbnail's longer side, in pixels
)

// bytesPerPixel estimates what one pixel of a decoded image costs in memory.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.YCbCrModel:
		return 3
	}
	return 4
}

// checkImage reads the image's header for its size, refuses absurd pixel
// dimensions before decoding anything, then decodes it whole (at most
// Decoders at a time) and writes its thumbnail beside the staged file.
func (s *Store) checkImage(ctx context.Context, st *Staged, head []byte) error {
	f, err := os.Open(st.tmp)
	if err != nil {
		return fmt.Errorf("files: reopen %s: %w", st.tmp, err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return apperr.New(apperr.Invalid, "%q could not be read as an image (it may be damaged or cut off); nothing was saved.", st.Name)
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	allowed := min(int64(MaxPixels), maxDecodeBytes/bytesPerPixel(cfg.ColorModel))
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || pixels > allowed {
		return apperr.New(apperr.Invalid, "%q is %d × %d pixels, too large to handle: images up to %d megapixels (%d pixels a side) are accepted; nothing was saved.",
			st.Name, cfg.Width, cfg.Height, allowed/1_000_000, MaxSide)
	}

	select {
	case s.decoders <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.decoders }()
	if _, err := f.Seek(0, 0); err != nil {
		return fmt.Errorf("files: rewind %s: %w", st.tmp, err)
	}
	img, _, err := image.Decode(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return apperr.New(apperr.Invalid, "%q could not be read as an image (it may be damaged or cut off); nothing was saved.", st.Name)
	}
	f.Close()

	orient := Orientation(head, st.ContentType)
	st.Width, st.Height = cfg.Width, cfg.Height
	if orient >= 5 {
		st.Width, st.Height = cfg.Height, cfg.Width
	}
	thumb := Thumbnail(img, orient)
	img = nil
	st.ThumbKey = st.Key + thumbSuffix
	st.thumbTmp = st.tmp + thumbSuffix
	tf, err := os.OpenFile(st.thumbTmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("files: create thumbnail: %w", err)
	}
	w := bufio.NewWriter(tf)
	err = jpeg.Encode(w, thumb, &jpeg.Options{Quality: 80})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tf.Sync()
	}
	if cerr := tf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("files: write thumbnail: %w", err)
	}
	return nil
}

// Thumbnail scales img to fit ThumbSize × ThumbSize on white (for
// transparent images) and turns it upright by its EXIF orientation (1–8).
func Thumbnail(img image.Image, orientation int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbSize || h > ThumbSize {
		if w >= h {
			w, h = ThumbSize, max(1, h*ThumbSize/w)
		} else {
			w, h = max(1, w*ThumbSize/h), ThumbSize
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return orient(dst, orientation)
}

// orient returns img turned by an EXIF orientation: 2 mirrored, 3 turned
// half way, 4 flipped, 5 mirrored and turned left, 6 turned right, 7
// mirrored and turned right, 8 turned left.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			si := img.PixOffset(x, y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], img.Pix[si:si+4])
		}
	}
	return dst
}
