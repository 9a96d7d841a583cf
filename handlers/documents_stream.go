package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
)

// Request bodies. The server is configured to stream bodies (StreamRequestBody,
// see New) so that a document upload goes from the connection to disk
// without being held in memory. Every other route expects its body in
// memory, as fasthttp gave it before: readBody reads it there, within the
// BodyLimit, before any handler runs.

// uploadFieldLimit bounds each ordinary field that precedes the files of a
// streamed upload, and uploadFieldCount their number.
const (
	uploadFieldLimit = 4 << 10
	uploadFieldCount = 8
)

// idleTimeout is how long a streamed upload or download may stall before
// the connection is dropped; the server's read and write timeouts would
// otherwise bound the whole transfer, and a large file on a slow line
// takes longer than that.
const idleTimeout = 30 * time.Second

// uploadStream is a streamed multipart body whose leading fields were read:
// the first file part (if any) waits in next.
type uploadStream struct {
	reader *multipart.Reader
	next   *multipart.Part
	err    error // the body could not be read
	// sum is the hash of the parts as they are read (each part's name,
	// file name and bytes; not the boundary, which a client makes anew for
	// each try): what an Idempotency-Key holds of a streamed upload
	// (apiIdempotentUpload), known once every part was read.
	sum hash.Hash
}

// hashed returns the part's bytes as they are read, each one added to the
// upload's hash after the part's names; its length closes it at its end.
func (u *uploadStream) hashed(part *multipart.Part) io.Reader {
	fmt.Fprintf(u.sum, "part %q %q\n", part.FormName(), part.FileName())
	return &hashedPart{r: part, sum: u.sum}
}

// hashedPart adds what is read of a part to the upload's hash.
type hashedPart struct {
	r    io.Reader
	sum  hash.Hash
	n    int64
	done bool
}

func (p *hashedPart) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.sum.Write(b[:n])
	p.n += int64(n)
	if errors.Is(err, io.EOF) && !p.done {
		p.done = true
		fmt.Fprintf(p.sum, "\nend %d\n", p.n)
	}
	return n, err
}

// digest is the hash of the parts read so far, in hex.
func (u *uploadStream) digest() string { return hex.EncodeToString(u.sum.Sum(nil)) }

// readAll reads the rest of the upload's files into its hash, at most
// limit bytes of them: a repeat of an upload is told from another
// request by its whole body, which is read but not kept.
func (u *uploadStream) readAll(limit int64) error {
	for {
		part, err := u.nextFile()
		if err != nil {
			return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again.")
		}
		if part == nil {
			return nil
		}
		n, err := io.Copy(io.Discard, io.LimitReader(u.hashed(part), limit+1))
		if err != nil {
			return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again.")
		}
		if limit -= n; limit < 0 {
			return apperr.New(apperr.TooLarge, "This upload is larger than any upload may be; nothing was saved.")
		}
	}
}

// readBody reads the request body into memory within BodyLimit, except for
// the multipart body of a route marked Streams, whose leading fields (the CSRF
// token first) it reads and leaves the files for the handler. A body over
// the limit is refused before it is read, from its Content-Length where
// given, and the connection closed.
func (h *Handlers) readBody(c *fiber.Ctx) error {
	req := c.Request()
	stream := c.Context().RequestBodyStream()
	length := req.Header.ContentLength()
	if stream == nil || length == 0 {
		return c.Next()
	}
	if stateOf(c).route.Has(Streams) && c.Method() == fiber.MethodPost && len(req.Header.MultipartFormBoundary()) > 0 {
		// A body that can't be read is the upload handler's to report, after
		// the session and CSRF checks, with the page it belongs to.
		if err := h.startUpload(c, stream); err != nil {
			c.Context().SetConnectionClose()
			c.Locals("uploadStream", &uploadStream{err: err})
		}
		return c.Next()
	}
	limit := h.Config.BodyLimit
	if length > limit {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	var body []byte
	var err error
	if length > 0 {
		body = make([]byte, length)
		_, err = io.ReadFull(stream, body)
	} else { // chunked: length unknown
		body, err = io.ReadAll(io.LimitReader(stream, int64(limit)+1))
		if err == nil && len(body) > limit {
			c.Context().SetConnectionClose()
			return fiber.ErrRequestEntityTooLarge
		}
	}
	if err != nil {
		c.Context().SetConnectionClose()
		return fiber.ErrBadRequest
	}
	req.SetBodyRaw(body)
	return c.Next()
}

// startUpload reads the ordinary fields in front of a streamed upload's
// first file into the request's form values, where the CSRF check and the
// handler find them, and keeps the rest of the stream for the handler.
//
// The CSRF check asks for the form's _csrf field; if it were missing from
// these leading fields, fasthttp would look for it by parsing the whole
// multipart body, files and all. So _csrf is always set here: from the
// form, else from the X-CSRF-Token header (the order the check prefers),
// else to a value no session's token equals, which fails the check.
func (h *Handlers) startUpload(c *fiber.Ctx, stream io.Reader) error {
	req := c.Request()
	r := &idleReader{r: stream, conn: c.Context().Conn()}
	mr := multipart.NewReader(r, string(req.Header.MultipartFormBoundary()))
	args := req.PostArgs() // empty for a multipart body: nothing is parsed
	up := &uploadStream{reader: mr, sum: sha256.New()}
	defer func() {
		if len(args.Peek(csrfField)) == 0 {
			token := c.Get(csrfHeader)
			if token == "" {
				token = "-"
			}
			args.Set(csrfField, token)
		}
	}()
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again.")
		}
		if part.FileName() != "" || part.FormName() == uploadFileField {
			up.next = part
			break
		}
		if part.FormName() == "" {
			return apperr.New(apperr.Invalid, "The upload could not be read: a part of it has no name.")
		}
		if i >= uploadFieldCount {
			return apperr.New(apperr.Invalid, "The upload form has too many fields.")
		}
		var v bytes.Buffer
		n, err := io.Copy(&v, io.LimitReader(part, uploadFieldLimit+1))
		if err != nil {
			return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again.")
		}
		if n > uploadFieldLimit {
			return apperr.New(apperr.Invalid, "A field of the upload form is too long.")
		}
		fmt.Fprintf(up.sum, "field %q %d\n", part.FormName(), v.Len())
		up.sum.Write(v.Bytes())
		args.Add(part.FormName(), v.String())
	}
	c.Locals("uploadStream", up)
	return nil
}

// uploadStreamOf returns the streamed upload startUpload prepared, or one
// over the body in memory when the request took the ordinary path (a body
// that is not multipart/form-data has no files, and the handler says so).
func uploadStreamOf(c *fiber.Ctx) (*uploadStream, error) {
	if up, ok := c.Locals("uploadStream").(*uploadStream); ok {
		if up.err != nil {
			return nil, up.err
		}
		return up, nil
	}
	boundary := string(c.Request().Header.MultipartFormBoundary())
	if boundary == "" {
		return nil, app.ErrNoFile
	}
	return &uploadStream{reader: multipart.NewReader(bytes.NewReader(c.Body()), boundary), sum: sha256.New()}, nil
}

// nextFile returns the next file part of the upload, or nil at the end.
// Ordinary fields after the files are skipped.
func (u *uploadStream) nextFile() (*multipart.Part, error) {
	if p := u.next; p != nil {
		u.next = nil
		return p, nil
	}
	for {
		part, err := u.reader.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if part.FileName() != "" || part.FormName() == uploadFileField {
			return part, nil
		}
		if part.FormName() == "" {
			return nil, errors.New("handlers: upload part without a name")
		}
	}
}

// idleReader pushes the connection's read deadline forward as data
// arrives, so that a long upload is limited by stalls, not by its length.
type idleReader struct {
	r        io.Reader
	conn     net.Conn
	extended time.Time
}

func (ir *idleReader) Read(p []byte) (int, error) {
	if ir.conn != nil {
		if now := time.Now(); now.Sub(ir.extended) > time.Second {
			ir.conn.SetReadDeadline(now.Add(idleTimeout))
			ir.extended = now
		}
	}
	return ir.r.Read(p)
}
