package handlers

import (
	"bufio"
	"errors"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/live"
)

// Uploads: the form's file field, and what a multipart body adds around
// its files (boundaries, part headers, the leading fields) at most, for the
// checks app.Uploads makes from Content-Length.
const (
	uploadFileField   = "file"
	multipartOverhead = 64 << 10
	// uploadCountHeader says how many files a request carries; the page's
	// script sends one file per request and says so, which lets a file
	// over the limit be refused from its Content-Length before any of it
	// is read.
	uploadCountHeader = "X-Upload-Files"
)

// storeUploads hands the files of the request's upload, read from its
// multipart stream as they arrive, to app.Uploads, which stores them as
// documents of the case for whoever access and actor say (staff here; the
// client portal calls it with a client contact's access): all or nothing,
// with the limits known from the request's Content-Length checked before
// any file is read.
func (h *Handlers) storeUploads(c *fiber.Ctx, r *Request, access tenant.DocumentAccess, actor tenant.Actor, caseID string, shared bool) ([]*tenant.Document, error) {
	return h.storeUploadsFor(c, r, access, actor, caseID, shared, "")
}

// storeUploadsFor is storeUploads for the one file a client contact sends
// for document request reqID ("" for none): the document and the
// request's "sent" are one transaction.
func (h *Handlers) storeUploadsFor(c *fiber.Ctx, r *Request, access tenant.DocumentAccess, actor tenant.Actor, caseID string, shared bool, reqID string) ([]*tenant.Document, error) {
	count, _ := strconv.Atoi(c.Get(uploadCountHeader))
	docs, err := h.uploads.Store(c.UserContext(), app.Upload{Agency: r.Agency, Tenant: r.Tenant, Access: access, Actor: actor, CaseID: caseID, Shared: shared,
		Count: count, Length: int64(c.Request().Header.ContentLength()), Envelope: multipartOverhead, ForRequest: reqID}, uploadFiles(c))
	if err != nil {
		// The rest of the body is not read: the connection cannot carry
		// another request.
		c.Context().SetConnectionClose()
		return nil, err
	}
	drainBody(c)
	if len(docs) > 0 {
		h.publish(c, r, caseID, live.KindUpload, shared, false)
	}
	return docs, nil
}

// uploadFiles yields the files of the request's multipart body as they
// arrive; a file field left empty is skipped. The stream is opened at the
// first file asked for, so that what app.Uploads checks before reading
// (the case, the declared length) is answered first.
func uploadFiles(c *fiber.Ctx) iter.Seq2[app.UploadFile, error] {
	return func(yield func(app.UploadFile, error) bool) {
		up, err := uploadStreamOf(c)
		if err != nil {
			yield(app.UploadFile{}, err)
			return
		}
		for {
			part, err := up.nextFile()
			if err != nil {
				yield(app.UploadFile{}, err)
				return
			}
			if part == nil {
				return
			}
			// A file field left empty arrives as a part without a name or bytes.
			body := bufio.NewReaderSize(up.hashed(part), 16<<10)
			if _, err := body.Peek(1); errors.Is(err, io.EOF) && part.FileName() == "" {
				continue
			}
			if !yield(app.UploadFile{Name: part.FileName(), Body: body}, nil) {
				return
			}
		}
	}
}

// drainBody reads what is left of a streamed body (the multipart epilogue)
// so that the connection can carry the next request; if more than a little
// is left, the connection is closed instead.
func drainBody(c *fiber.Ctx) {
	stream := c.Context().RequestBodyStream()
	if stream == nil {
		return
	}
	n, err := io.Copy(io.Discard, io.LimitReader(stream, 64<<10))
	if err != nil || n == 64<<10 {
		c.Context().SetConnectionClose()
	}
}

// DocumentsUpload stores the files posted to a case. The page's script
// sends each file in its own htmx request and shows its progress; it gets
// a line saying how it went and the case's list of documents (out of
// band). Without script the form posts every file at once and the browser
// comes back to the case page.
func (h *Handlers) DocumentsUpload(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	caseID := c.Params("id")
	// The upload's leading fields are in PostArgs (see startUpload); asking
	// c.FormValue for one that is absent would parse the streamed body.
	shared := string(c.Request().PostArgs().Peek("shared")) == "1"
	docs, err := h.storeUploads(c, r, tenant.StaffDocumentAccess(v), caseActor(r), caseID, shared)
	if err == nil && shared {
		h.logFailed(c, "email the client's contacts", h.notifyContacts(c, r, caseID, "case-document", documentNames(docs)))
	}
	if !isHTMX(c) {
		if err != nil {
			return err
		}
		h.flash(c, uploadedMessage(docs))
		return h.redirect(c, caseBase(r)+"/"+caseID+"#documents")
	}
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal || code == apperr.Unavailable {
			return err
		}
		c.Status(statusOf[code])
		return h.fragment(c, "partials/documents/uploaded", &documentsUploadedView{UploadError: apperr.MessageOf(err)})
	}
	view := &documentsUploadedView{UploadDone: uploadedMessage(docs)}
	if view.caseDocumentsView, err = h.caseDocuments(c, r, v, caseID); err != nil {
		return err
	}
	view.DocOOB = true
	return h.fragment(c, "partials/documents/uploaded", view)
}

// documentsUploadedView is an htmx upload's answer: how it went and, after
// a success, the case's list of documents swapped in out of band, from the
// same documents section the case page shows.
type documentsUploadedView struct {
	Page
	UploadError string
	UploadDone  string
	caseDocumentsView
}

// documentNames is the documents' names, one a line, for an email.
func documentNames(docs []*tenant.Document) string {
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	return strings.Join(names, "\n")
}

func uploadedMessage(docs []*tenant.Document) string {
	if len(docs) == 1 {
		return "Uploaded " + docs[0].Name + "."
	}
	return "Uploaded " + strconv.Itoa(len(docs)) + " documents."
}
