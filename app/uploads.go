package app

import (
	"context"
	"errors"
	"io"
	"iter"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// MaxUploadFiles is the most files one upload may carry.
const MaxUploadFiles = 20

// ErrNoFile refuses an upload that carries no file.
var ErrNoFile = apperr.New(apperr.Invalid, "Choose at least one file to upload.")

// Uploads stores uploaded files as documents of a case: each file streamed
// to a temporary file in the agency's files directory and checked there
// (its type sniffed from its bytes, its size, a thumbnail made), all of
// them within the agency's storage, then put in place and recorded, with
// their events on the case's timeline. The staff's and the client portal's
// uploads both come through here.
type Uploads struct {
	Plans *Plans
	Files *files.Store
}

// Upload is who sends files to which case, and what the sender says of
// them before they are read.
type Upload struct {
	Agency *control.Agency
	Tenant *tenant.Store // the agency's store
	Access tenant.DocumentAccess
	Actor  tenant.Actor
	CaseID string
	Shared bool // shared with the client; a client contact's uploads always are
	// Count is how many files the sender says the upload carries; outside
	// 1 to MaxUploadFiles it is MaxUploadFiles.
	Count int
	// Length is the upload's size in bytes as the sender declares it (0:
	// not known), of which Envelope bytes at most are not the files' own
	// (a multipart body's boundaries and headers). The storage left and
	// the file size limit are checked against it before any file is read.
	Length, Envelope int64
	// ForRequest is the document request (of a client contact) the one
	// file answers: the document and the request's "sent" are recorded in
	// one transaction (tenant.AddRequestedDocument).
	ForRequest string
	// Message, when set, is the message the files are attached to: the
	// documents and the message are one transaction
	// (tenant.AddMessageWithDocuments), and Message.Note is set.
	Message *tenant.MessageDraft
	// Request, when set, is the client's new request the files come with:
	// the case, its first message and the documents are one transaction
	// (tenant.OpenRequestWithDocuments); CaseID is not used, and
	// Request.Opened is set.
	Request *tenant.RequestDraft
	// QuoteMessage, when set, is the message on a quote's thread the files
	// come with (a reply by email): they are the quote's documents, not a
	// case's (CaseID is not used), recorded with the message in one
	// transaction (tenant.AddQuoteMessageWithDocuments), and
	// QuoteMessage.Quote is set.
	QuoteMessage *tenant.QuoteMessageDraft
}

// UploadFile is one file of an upload: the sender's name for it and its
// bytes.
type UploadFile struct {
	Name string
	Body io.Reader
}

// Store stores the upload's files, in the order parts yields them, as
// documents of the case and returns them. It is all or nothing: a file
// refused (its type, its size, too many files, the storage left), an error
// from parts (the request cut off or malformed), or a failed write leaves
// no file and no row. An error parts yields that carries an apperr code is
// returned as it is; any other means the upload could not be read. The
// storage limit is checked before the first file is read (from Length),
// as the files are staged, and again inside the transaction that records
// them, so that concurrent uploads cannot overshoot it together.
func (u *Uploads) Store(ctx context.Context, up Upload, parts iter.Seq2[UploadFile, error]) (_ []*tenant.Document, err error) {
	t := up.Tenant
	switch {
	case up.QuoteMessage != nil:
		if _, err := t.Quote(ctx, up.QuoteMessage.Viewer, up.QuoteMessage.QuoteID); err != nil {
			return nil, err
		}
	case up.Request == nil:
		if err := t.CheckDocumentCase(ctx, up.Access, up.CaseID); err != nil {
			return nil, err
		}
	}
	limits, err := u.Plans.Limits(ctx, up.Agency)
	if err != nil {
		return nil, err
	}
	quota := limits.StorageBytes
	usage, err := t.StorageUsage(ctx)
	if err != nil {
		return nil, err
	}
	left := quota - usage.Used
	limit := u.Files.MaxSize()
	count := up.Count
	if count <= 0 || count > MaxUploadFiles {
		count = MaxUploadFiles
	}
	if up.Length > 0 {
		declared := up.Length - up.Envelope
		if quota > 0 && declared > left {
			return nil, tenant.QuotaError(declared, usage.Used, quota, files.ByteSize)
		}
		if declared > int64(count)*limit {
			if count == 1 {
				return nil, apperr.New(apperr.TooLarge, "This file is larger than the %s a file may be; nothing was saved.", files.ByteSize(limit))
			}
			return nil, apperr.New(apperr.TooLarge, "This upload is larger than %d files of %s; nothing was saved.", count, files.ByteSize(limit))
		}
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
	for f, err := range parts {
		if err != nil {
			if apperr.CodeOf(err) != apperr.Internal {
				return nil, err
			}
			return nil, uploadReadError(err)
		}
		if len(staged) == count {
			return nil, apperr.New(apperr.Invalid, "Upload at most %d files at a time; nothing was saved.", count)
		}
		st, err := u.Files.Stage(ctx, t.FilesDir(), f.Name, f.Body)
		if err != nil {
			var re *files.ReadError
			if errors.As(err, &re) {
				return nil, uploadReadError(err)
			}
			return nil, err
		}
		staged = append(staged, st)
		total += st.Size
		if quota > 0 && total > left {
			return nil, tenant.QuotaError(total, usage.Used, quota, files.ByteSize)
		}
	}
	if len(staged) == 0 {
		return nil, ErrNoFile
	}
	recs := make([]tenant.DocumentFile, 0, len(staged))
	for _, st := range staged {
		if err := st.Commit(); err != nil {
			return nil, err
		}
		recs = append(recs, tenant.DocumentFile{Name: st.Name, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256,
			StorageKey: st.Key, ThumbKey: st.ThumbKey, Width: st.Width, Height: st.Height, Pages: st.Pages, Active: st.Active.String()})
	}
	if up.QuoteMessage != nil {
		return t.AddQuoteMessageWithDocuments(ctx, up.Actor, up.QuoteMessage, limits, recs, files.ByteSize)
	}
	if up.Request != nil {
		return t.OpenRequestWithDocuments(ctx, up.Access, up.Actor, up.Request, limits, recs, files.ByteSize)
	}
	if up.Message != nil {
		return t.AddMessageWithDocuments(ctx, up.Access, up.Actor, up.CaseID, up.Message, limits, recs, files.ByteSize)
	}
	if up.ForRequest != "" {
		if len(recs) != 1 {
			return nil, apperr.New(apperr.Invalid, "Send one file for a document asked for; nothing was saved.")
		}
		d, err := t.AddRequestedDocument(ctx, up.Access, up.Actor, up.CaseID, up.ForRequest, limits, recs[0], files.ByteSize)
		if err != nil {
			return nil, err
		}
		return []*tenant.Document{d}, nil
	}
	return t.AddDocumentsWithin(ctx, up.Access, up.Actor, up.CaseID, up.Shared, limits, recs, files.ByteSize)
}

// uploadReadError answers an upload whose body broke off or was malformed
// (one cancelled by the server's shutdown stays as it is).
func uploadReadError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return apperr.New(apperr.Invalid, "The upload could not be read: the request was cut short or malformed. Please try again; nothing was saved.")
}
