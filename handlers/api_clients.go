package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// apiClient is a client as the API writes it: the fields a client is
// created with, then its id and times.
type apiClient struct {
	ID string `json:"id"`
	apiClientInput
	CreatedAt  *string `json:"created_at"`
	UpdatedAt  *string `json:"updated_at"`
	ArchivedAt *string `json:"archived_at"`
	Version    int64   `json:"version"` // raised by every write: in the ETag, so two writes in one second differ
}

func apiClientOf(c *tenant.Client) apiClient {
	return apiClient{ID: c.ID, apiClientInput: apiClientInput{Name: c.Name, Kind: c.Kind, CompanyCode: c.CompanyCode, VATNumber: c.VATNumber,
		Emails: orEmpty(c.Emails), Phones: orEmpty(c.Phones), Street: c.Street, City: c.City, PostalCode: c.PostalCode,
		Country: c.Country, Notes: c.Notes, Tags: orEmpty(c.Tags), ResponsibleID: c.ResponsibleID},
		CreatedAt: apiTime(c.CreatedAt), UpdatedAt: apiTime(c.UpdatedAt), ArchivedAt: apiTime(c.ArchivedAt), Version: c.Version}
}

// APIClients is GET /api/v1/clients: a page of the clients the token's
// creator may see, oldest change first, with the client list's filters.
func (h *Handlers) APIClients(c *fiber.Ctx, r *Request) error {
	l, err := apiListQuery(c)
	if err != nil {
		return err
	}
	l.Status, l.Tag, l.Responsible = c.Query("status"), c.Query("tag"), c.Query("responsible_id")
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	clients, next, err := r.Tenant.APIClients(c.UserContext(), v, l)
	if err != nil {
		return err
	}
	page := apiPage[apiClient]{Data: []apiClient{}, NextCursor: next}
	for _, k := range clients {
		page.Data = append(page.Data, apiClientOf(k))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APIClient is GET /api/v1/clients/:id, with its ETag.
func (h *Handlers) APIClient(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Client(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiClientOf(k), true)
}

// apiClientInput is the body of POST /api/v1/clients, and the part of a
// client the API answers with that it was made from.
type apiClientInput struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	CompanyCode   string   `json:"company_code"`
	VATNumber     string   `json:"vat_number"`
	Emails        []string `json:"emails"`
	Phones        []string `json:"phones"`
	Street        string   `json:"street"`
	City          string   `json:"city"`
	PostalCode    string   `json:"postal_code"`
	Country       string   `json:"country"`
	Notes         string   `json:"notes"`
	Tags          []string `json:"tags"`
	ResponsibleID string   `json:"responsible_id"`
}

// APIClientCreate is POST /api/v1/clients: the UI's client creation (the
// same validation, the plan's number of clients counted inside the write,
// the same audit entry), answered 201 with the client, its Location and
// ETag. The Idempotency-Key middleware makes it safe to repeat.
func (h *Handlers) APIClientCreate(c *fiber.Ctx, r *Request) error {
	var in apiClientInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	limits, err := h.plans.Limits(c.UserContext(), r.Agency)
	if err != nil {
		return err
	}
	cl, err := r.Tenant.CreateClientWithin(c.UserContext(), v, tenant.ClientInput{Name: in.Name, Kind: in.Kind, CompanyCode: in.CompanyCode,
		VATNumber: in.VATNumber, Emails: in.Emails, Phones: in.Phones, Street: in.Street, City: in.City, PostalCode: in.PostalCode,
		Country: in.Country, Notes: in.Notes, Tags: in.Tags, ResponsibleID: in.ResponsibleID}, limits, auditFor(c, "client.created", ""))
	if err != nil {
		return err
	}
	return apiCreated(c, "/api/v1/clients/"+cl.ID, apiClientOf(cl))
}
