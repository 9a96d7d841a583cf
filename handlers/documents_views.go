package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/i18n"
)

// documentView is a document with its links and display strings.
type documentView struct {
	ID          string
	Name        string
	Kind        string // "PDF · 3 pages", "JPEG · 4032 × 3024"
	Size        string
	Shared      bool
	FromClient  bool
	Uploader    string
	At          time.Time
	DownloadURL string
	PageURL     string // the document's own page (documents_page.go)
	OpenURL     string // inline preview for images and PDFs, else the download
	ThumbURL    string // "" when there is no thumbnail
	// Active names what a PDF carries that a viewer may run or open
	// ("JavaScript and embedded files"): staff are warned, and it is only
	// ever downloaded; "" for none.
	Active     string
	ShareURL   string
	DeleteURL  string
	RestoreURL string
	CaseURL    string
	CaseNumber string
	CaseTitle  string
	DeletedAt  time.Time
	DeletedBy  string
	PurgeAt    time.Time
}

// documentURL is the address of a document under its case.
func documentURL(slug, caseID, id string) string {
	return "/a/" + slug + "/cases/" + caseID + "/documents/" + id
}

func newDocumentView(r *Request, d *tenant.Document) documentView {
	slug := r.Agency.Slug
	u := documentURL(slug, d.CaseID, d.ID)
	v := documentView{ID: d.ID, Name: d.Name, Kind: documentKind(r.Lang(), d), Size: i18n.ByteSize(r.Lang(), d.Size), Shared: d.Shared, FromClient: d.FromClient,
		Uploader: d.UploaderName, At: r.local(d.CreatedAt), DownloadURL: u, PageURL: u + "/details", OpenURL: u, ShareURL: u + "/share", DeleteURL: u + "/delete",
		RestoreURL: u + "/restore", CaseURL: "/a/" + slug + "/cases/" + d.CaseID, CaseNumber: tenant.CaseNumber(d.CaseNumber), CaseTitle: d.CaseTitle,
		DeletedAt: r.local(d.DeletedAt), DeletedBy: d.DeletedBy}
	if previewable(d) {
		v.OpenURL = u + "/preview"
	}
	if a := activeContent(d); a != 0 {
		v.Active = listOf(a.Labels())
	} else if d.ThumbKey != "" {
		v.ThumbURL = u + "/thumb"
	}
	if !d.DeletedAt.IsZero() {
		v.PurgeAt = d.DeletedAt.AddDate(0, 0, tenant.TrashDays)
	}
	return v
}

// documentKind describes a document's type for people.
func documentKind(lang string, d *tenant.Document) string {
	switch d.ContentType {
	case files.TypePDF:
		switch d.Pages {
		case 0:
			return "PDF"
		}
		return "PDF · " + i18n.T(lang, "docs.pages", d.Pages)
	case files.TypeHEIC, files.TypeHEIF:
		return i18n.T(lang, "docs.heic_photo")
	}
	kind := map[string]string{files.TypeJPEG: "JPEG", files.TypePNG: "PNG", files.TypeWebP: "WebP"}[d.ContentType]
	if kind == "" {
		kind = d.ContentType
	}
	if d.Width > 0 {
		kind += fmt.Sprintf(" · %d × %d", d.Width, d.Height)
	}
	return kind
}

func documentViews(r *Request, docs []*tenant.Document) []documentView {
	out := make([]documentView, 0, len(docs))
	for _, d := range docs {
		out = append(out, newDocumentView(r, d))
	}
	return out
}

// caseDocumentsView is the case page's documents section, for
// views/partials/documents/case.html and list.html: the case's documents,
// and the upload form's address and limits.
type caseDocumentsView struct {
	Docs        []documentView
	DocsURL     string
	DocMaxBytes int64
	DocMaxSize  string
	DocMaxFiles int
	DocTrashURL string               // owners: the trash and storage page
	DocOOB      bool                 // the list swaps itself in out of band, after an upload
	Signed      []signedDocumentView // the signed PDFs of the case's accepted quotes
}

// caseDocuments is the documents section of case caseID for viewer v.
func (h *Handlers) caseDocuments(c *fiber.Ctx, r *Request, v tenant.Viewer, caseID string) (caseDocumentsView, error) {
	docs, err := r.Tenant.CaseDocuments(c.UserContext(), tenant.StaffDocumentAccess(v), caseID)
	if err != nil {
		return caseDocumentsView{}, err
	}
	slug := r.Agency.Slug
	view := caseDocumentsView{Docs: documentViews(r, docs), DocsURL: "/a/" + slug + "/cases/" + caseID + "/documents",
		DocMaxBytes: h.files.MaxSize(), DocMaxSize: i18n.ByteSize(r.Lang(), h.files.MaxSize()), DocMaxFiles: app.MaxUploadFiles}
	if r.User.Role == tenant.RoleOwner {
		view.DocTrashURL = "/a/" + slug + "/documents"
	}
	if view.Signed, err = h.signedDocuments(c, r, v, "", caseID, false); err != nil {
		return caseDocumentsView{}, err
	}
	return view, nil
}

// clientDocuments is the client page's Documents tab: the documents on
// all of client clientID's cases that viewer v may see.
func (h *Handlers) clientDocuments(c *fiber.Ctx, r *Request, v tenant.Viewer, clientID string) ([]documentView, error) {
	docs, err := r.Tenant.ClientDocuments(c.UserContext(), tenant.StaffDocumentAccess(v), clientID)
	if err != nil {
		return nil, err
	}
	return documentViews(r, docs), nil
}

// documentEventSummary is the timeline's sentence for a document event.
func documentEventSummary(e tenant.Event) string {
	switch e.Field {
	case tenant.DocumentShared:
		return "shared a document with the client: " + e.NewValue
	case tenant.DocumentUnshared:
		return "made a document internal: " + e.NewValue
	case tenant.DocumentDeleted:
		return "deleted a document: " + e.NewValue
	case tenant.DocumentRestored:
		return "restored a document: " + e.NewValue
	}
	return "added a document: " + e.NewValue
}

// listOf joins words as a sentence lists them: "a, b and c".
func listOf(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
