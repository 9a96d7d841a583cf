package handlers

import (
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// previewable reports whether a browser may show a document inline: images
// it can draw and PDFs without active content (a PDF viewer would run its
// scripts or open what it launches or embeds). Everything else is only
// ever an attachment.
func previewable(d *tenant.Document) bool {
	switch d.ContentType {
	case files.TypeJPEG, files.TypePNG, files.TypeWebP:
		return true
	case files.TypePDF:
		return activeContent(d) == 0
	}
	return false
}

// activeContent is what the document carries that a viewer may run or
// open on its own (PDFs only).
// A PDF stored before uploads were checked counts as carrying none until it
// is asked for inline, when scanDocument checks it.
func activeContent(d *tenant.Document) files.ActiveContent {
	if d.Active == "" || d.Active == tenant.DocumentUnscanned {
		return 0
	}
	return files.ParseActiveContent(d.Active)
}

// scanDocument checks a PDF stored before uploads were checked for active
// content, and records what it carries; on any failure it counts as
// carrying something.
func (h *Handlers) scanDocument(c *fiber.Ctx, t *tenant.Store, d *tenant.Document) {
	found := files.PDFUnchecked
	if f, err := files.Open(t.FilesDir(), d.StorageKey); err == nil {
		if a, err := files.ScanPDF(f); err == nil {
			found = a
		}
		f.Close()
	}
	d.Active = found.String()
	h.logFailed(c, "record a document's active content", t.SetDocumentActive(c.UserContext(), d.ID, d.Active))
}

// staffDocument loads the document of the URL for the signed-in staff
// member; every download and preview checks access again this way.
func (h *Handlers) staffDocument(c *fiber.Ctx, r *Request) (*tenant.Document, error) {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return nil, err
	}
	return r.Tenant.Document(c.UserContext(), tenant.StaffDocumentAccess(v), c.Params("id"), c.Params("doc"))
}

// DocumentDownload sends a document as an attachment.
func (h *Handlers) DocumentDownload(c *fiber.Ctx, r *Request) error {
	d, err := h.staffDocument(c, r)
	if err != nil {
		return err
	}
	return h.sendDocument(c, r.Tenant, d, false)
}

// DocumentPreview shows an image or PDF in the browser, sandboxed; other
// types, and PDFs with active content, are sent as attachments.
func (h *Handlers) DocumentPreview(c *fiber.Ctx, r *Request) error {
	d, err := h.staffDocument(c, r)
	if err != nil {
		return err
	}
	return h.sendDocument(c, r.Tenant, d, true)
}

// DocumentThumb sends a photo's thumbnail.
func (h *Handlers) DocumentThumb(c *fiber.Ctx, r *Request) error {
	d, err := h.staffDocument(c, r)
	if err != nil {
		return err
	}
	return sendThumb(c, r.Tenant, d)
}

// sendThumb answers with a document's thumbnail (staff and portal alike).
func sendThumb(c *fiber.Ctx, t *tenant.Store, d *tenant.Document) error {
	if d.ThumbKey == "" || activeContent(d) != 0 {
		return apperr.New(apperr.NotFound, "This document has no thumbnail.")
	}
	f, err := files.Open(t.FilesDir(), d.ThumbKey)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	setDocumentHeaders(c, "image/jpeg", "inline", d.Name+".jpg")
	c.Context().SetBodyStream(&fileBody{r: f, f: f, conn: c.Context().Conn()}, int(info.Size()))
	return nil
}

// sendDocument answers with a stored document's bytes: an attachment with
// its name encoded for every browser (RFC 6266 and 5987), or inline for
// images and PDFs without active content; sandboxed by CSP so that a PDF's or image's content can
// never run as the application's page, never sniffed into another type,
// and with single byte ranges served (206) for large files and players
// that resume. The client portal sends its documents through here too.
func (h *Handlers) sendDocument(c *fiber.Ctx, t *tenant.Store, d *tenant.Document, inline bool) error {
	f, err := files.Open(t.FilesDir(), d.StorageKey)
	if err != nil {
		if os.IsNotExist(err) {
			h.logger(c).Error("document file missing", "document", d.ID, "key", d.StorageKey)
		}
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	size := info.Size()
	if inline && d.Active == tenant.DocumentUnscanned {
		h.scanDocument(c, t, d)
	}
	disposition := "attachment"
	if inline && previewable(d) {
		disposition = "inline"
	}
	setDocumentHeaders(c, d.ContentType, disposition, d.Name)
	etag := `"` + d.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	start, length, status := byteRange(c.Get(fiber.HeaderRange), c.Get(fiber.HeaderIfRange), etag, size)
	switch status {
	case fiber.StatusRequestedRangeNotSatisfiable:
		f.Close()
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(size, 10))
		return c.SendStatus(status)
	case fiber.StatusPartialContent:
		c.Set(fiber.HeaderContentRange, "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+length-1, 10)+"/"+strconv.FormatInt(size, 10))
	}
	c.Status(status)
	c.Context().SetBodyStream(&fileBody{r: io.NewSectionReader(f, start, length), f: f, conn: c.Context().Conn()}, int(length))
	return nil
}

// setDocumentHeaders sets the headers every file response carries.
func setDocumentHeaders(c *fiber.Ctx, contentType, disposition, name string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
}

// byteRange reads a Range header against a file of size bytes and returns
// the part to send and the status: 200 for the whole file (no Range, a
// Range we don't serve such as several ranges, or an If-Range that no
// longer matches), 206 for one satisfiable range, 416 for a range that
// starts past the end.
func byteRange(header, ifRange, etag string, size int64) (start, length int64, status int) {
	whole := func() (int64, int64, int) { return 0, size, fiber.StatusOK }
	if header == "" || (ifRange != "" && ifRange != etag) {
		return whole()
	}
	spec, ok := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return whole()
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return whole()
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "" && last == "":
		return whole()
	case first == "": // the last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return whole()
		}
		if n == 0 || size == 0 {
			return 0, 0, fiber.StatusRequestedRangeNotSatisfiable
		}
		n = min(n, size)
		return size - n, n, fiber.StatusPartialContent
	}
	s, err := strconv.ParseInt(first, 10, 64)
	if err != nil || s < 0 {
		return whole()
	}
	e := size - 1
	if last != "" {
		if e, err = strconv.ParseInt(last, 10, 64); err != nil || e < s {
			return whole()
		}
		e = min(e, size-1)
	}
	if s >= size {
		return 0, 0, fiber.StatusRequestedRangeNotSatisfiable
	}
	return s, e - s + 1, fiber.StatusPartialContent
}

// contentDisposition builds an RFC 6266 header value: a plain ASCII
// filename for old clients and the exact name in filename* (RFC 5987).
func contentDisposition(disposition, name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' || r == ';' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	const attrChars = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || strings.IndexByte(attrChars, b) >= 0 {
			ext.WriteByte(b)
		} else {
			ext.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(b)|0x100, 16)[1:]))
		}
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// fileBody streams a file (or part of one) as a response body and closes
// the file after; it pushes the connection's write deadline forward as it
// goes, so that a large download is limited by stalls, not by its length.
type fileBody struct {
	r        io.Reader
	f        *os.File
	conn     net.Conn
	extended time.Time
}

func (b *fileBody) Read(p []byte) (int, error) {
	if b.conn != nil {
		if now := time.Now(); now.Sub(b.extended) > time.Second {
			b.conn.SetWriteDeadline(now.Add(idleTimeout))
			b.extended = now
		}
	}
	return b.r.Read(p)
}

// Close closes the file; fasthttp calls it when the response is sent.
func (b *fileBody) Close() error { return b.f.Close() }
