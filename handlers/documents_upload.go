package handlers

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// Uploads: the form's file field, how many files one request may carry, and
// what a multipart body adds around its files (boundaries, part headers,
// the leading fields) at most, for the checks made from Content-Length.
const (
	uploadFileField   = "file"
	maxUploadFiles    = 20
	multipartOverhead = 64 << 10
	// uploadCountHeader says how many files a request carries; the page's
	// script sends one file per request and says so, which lets a file
	// over the limit be refused from its Content-Length before any of it
	// is read.
	uploadCountHeader = "X-Upload-Files"
)

var errNoFile = apperr.New(apperr.Invalid, "Choose at least one file to upload.")

// storageQuota is an agency's document storage limit in bytes: its plan's
// limit, else the installation's -storage-quota.
func (h *Handlers) storageQuota(ctx context.Context, a *control.Agency) (int64, error) {
	return h.planStorageQuota(ctx, a) // the plan's limit, else -storage-quota (handlers/plan_limits.go)
}

// storeUploads streams the files of the request's upload to the agency's
// files directory and records them as documents of the case, for whoever
// access and actor say (staff here; the client portal calls it with a
// client contact's access). It is all or nothing: a bad file, the quota,
// or a request cut off leaves no file and no row. Limits known from the
// request's Content-Length are checked before any file is read.
func (h *Handlers) storeUploads(c *fiber.Ctx, r *Request, access tenant.DocumentAccess, actor tenant.Actor, caseID string, shared bool) (docs []*tenant.Document, err error) {
	ctx := c.UserContext()
	t := r.Tenant
	defer func() {
		if err != nil {
			// The rest of the body is not read: the connection cannot
			// carry another request.
			c.Context().SetConnectionClose()
		}
	}()
	if err := t.CheckDocumentCase(ctx, access, caseID); err != nil {
		return nil, err
	}
	quota, err := h.storageQuota(ctx, r.Agency)
	if err != nil {
		return nil, err
	}
	usage, err := t.StorageUsage(ctx)
	if err != nil {
		return nil, err
	}
	left := quota - usage.Used
	limit := h.files.MaxSize()
	count, _ := strconv.Atoi(c.Get(uploadCountHeader))
	if count <= 0 || count > maxUploadFiles {
		count = maxUploadFiles
	}
	if length := int64(c.Request().Header.ContentLength()); length > 0 {
		if length-multipartOverhead > left {
			return nil, tenant.QuotaError(length-multipartOverhead, usage.Used, quota, files.ByteSize)
		}
		if length > int64(count)*limit+multipartOverhead {
			if count == 1 {
				return nil, apperr.New(apperr.TooLarge, "This file is larger than the %s a file may be; nothing was saved.", files.ByteSize(limit))
			}
			return nil, apperr.New(apperr.TooLarge, "This upload is larger than %d files of %s; nothing was saved.", count, files.ByteSize(limit))
		}
	}
	up, err := uploadStreamOf(c)
	if err != nil {
		return nil, err
	}

	var staged []*files.Staged
	defer func() {
		if err != nil {
			for _, st := range staged {
				st.Discard()
			}
		}
	}()
	var total int64
	for {
		part, err := up.nextFile()
		if err != nil {
			return nil, uploadReadError(err)
		}
		if part == nil {
			break
		}
		// A file field left empty arrives as a part without a name or bytes.
		body := bufio.NewReaderSize(part, 16<<10)
		if _, err := body.Peek(1); errors.Is(err, io.EOF) && part.FileName() == "" {
			continue
		}
		if len(staged) == count {
			return nil, apperr.New(apperr.Invalid, "Upload at most %d files at a time; nothing was saved.", count)
		}
		st, err := h.files.Stage(ctx, t.FilesDir(), part.FileName(), body)
		if err != nil {
			var re *files.ReadError
			if errors.As(err, &re) {
				return nil, uploadReadError(err)
			}
			return nil, err
		}
		staged = append(staged, st)
		total += st.Size
		if total > left {
			return nil, tenant.QuotaError(total, usage.Used, quota, files.ByteSize)
		}
	}
	if len(staged) == 0 {
		return nil, errNoFile
	}
	recs := make([]tenant.DocumentFile, 0, len(staged))
	for _, st := range staged {
		if err := st.Commit(); err != nil {
			return nil, err
		}
		recs = append(recs, tenant.DocumentFile{Name: st.Name, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256,
			StorageKey: st.Key, ThumbKey: st.ThumbKey, Width: st.Width, Height: st.Height, Pages: st.Pages})
	}
	docs, err = t.AddDocuments(ctx, access, actor, caseID, shared, quota, recs, files.ByteSize)
	if err != nil {
		return nil, err
	}
	drainBody(c)
	return docs, nil
}

// uploadReadError answers an upload whose body broke off or was malformed
// (a request cancelled by the server's shutdown stays as it is).
func uploadReadError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again; nothing was saved.")
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
