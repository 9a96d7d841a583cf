package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// documentPageView is a document's own page for staff: what it is, who
// added it and when, on which case and client, whether the client sees
// it, the warning of an active PDF, and what can be done with it.
type documentPageView struct {
	Page
	Doc        documentView
	ClientName string
	ClientURL  string
	Previewed  bool // the browser may show it (images, PDFs without active content)
	IsImage    bool
}

// DocumentPage shows one document to staff; another agency's document,
// or one on a case the person may not see, is not found.
func (h *Handlers) DocumentPage(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	d, err := r.Tenant.Document(c.UserContext(), tenant.StaffDocumentAccess(v), c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, d.CaseID)
	if err != nil {
		return err
	}
	slug := r.Agency.Slug
	return h.page(c, "pages/documents/show", &documentPageView{Page: Page{Title: d.Name}, Doc: newDocumentView(r, d),
		ClientName: k.ClientName, ClientURL: "/a/" + slug + "/clients/" + k.ClientID, Previewed: previewable(d), IsImage: d.IsImage() && previewable(d)})
}
