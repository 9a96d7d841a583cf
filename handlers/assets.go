package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// assetStore holds the embedded assets in memory, each with a content hash
// that versions its URL, so browsers may cache them for a year.
type assetStore struct {
	files map[string]*asset // by path under assets/, e.g. "css/app.css"
}

type asset struct {
	body, gzipped []byte
	contentType   string
	hash          string
}

func loadAssets(fsys fs.FS) (*assetStore, error) {
	s := &assetStore{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a := &asset{body: body, contentType: ct, hash: hex.EncodeToString(sum[:])[:12]}
		if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "svg") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			a.gzipped = buf.Bytes()
		}
		s.files[strings.TrimPrefix(p, "assets/")] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("handlers: load assets: %w", err)
	}
	return s, nil
}

// url returns the versioned URL of an asset; templates call it as {{asset "css/app.css"}}.
func (s *assetStore) url(p string) (string, error) {
	a, ok := s.files[p]
	if !ok {
		return "", fmt.Errorf("asset %q does not exist", p)
	}
	return "/assets/" + p + "?v=" + a.hash, nil
}

// serveAsset answers /assets/*: immutable for a year when the URL carries
// the current version, revalidated by ETag otherwise.
func (h *Handlers) serveAsset(c *fiber.Ctx) error {
	a, ok := h.assets.files[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	etag := `"` + a.hash + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Query("v") == a.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300, must-revalidate")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	if a.gzipped != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gzipped)
	}
	return c.Send(a.body)
}
