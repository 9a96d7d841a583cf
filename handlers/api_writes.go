package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/live"
)

// apiClientPatch is the body of PATCH /api/v1/clients/:id: the fields to
// change; a field left out keeps its value.
type apiClientPatch struct {
	Name          *string   `json:"name"`
	Kind          *string   `json:"kind"`
	CompanyCode   *string   `json:"company_code"`
	VATNumber     *string   `json:"vat_number"`
	Emails        *[]string `json:"emails"`
	Phones        *[]string `json:"phones"`
	Street        *string   `json:"street"`
	City          *string   `json:"city"`
	PostalCode    *string   `json:"postal_code"`
	Country       *string   `json:"country"`
	Notes         *string   `json:"notes"`
	Tags          *[]string `json:"tags"`
	ResponsibleID *string   `json:"responsible_id"`
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// APIClientUpdate is PATCH /api/v1/clients/:id: the UI's client edit
// (tenant.UpdateClient: the same validation, the same audit entry with
// each changed field). With If-Match, a client changed since that ETag is
// 409, as the UI answers a stale form. The write always checks the version
// read here, If-Match or not: it stores the whole client, merged from that
// read, so a change made in between would otherwise be undone.
func (h *Handlers) APIClientUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	var in apiClientPatch
	id := c.Params("id")
	old, _, err := apiPatchOf(c, &in, func(id string) (*tenant.Client, error) { return r.Tenant.Client(c.UserContext(), v, id) },
		func(cl *tenant.Client) any { return apiClientOf(cl) }, func(cl *tenant.Client) int64 { return cl.Version })
	if err != nil {
		return err
	}
	merged := tenant.ClientInput{Name: old.Name, Kind: old.Kind, CompanyCode: old.CompanyCode, VATNumber: old.VATNumber,
		Emails: old.Emails, Phones: old.Phones, Street: old.Street, City: old.City, PostalCode: old.PostalCode,
		Country: old.Country, Notes: old.Notes, Tags: old.Tags, ResponsibleID: old.ResponsibleID}
	setIf(&merged.Name, in.Name)
	setIf(&merged.Kind, in.Kind)
	setIf(&merged.CompanyCode, in.CompanyCode)
	setIf(&merged.VATNumber, in.VATNumber)
	setIf(&merged.Emails, in.Emails)
	setIf(&merged.Phones, in.Phones)
	setIf(&merged.Street, in.Street)
	setIf(&merged.City, in.City)
	setIf(&merged.PostalCode, in.PostalCode)
	setIf(&merged.Country, in.Country)
	setIf(&merged.Notes, in.Notes)
	setIf(&merged.Tags, in.Tags)
	setIf(&merged.ResponsibleID, in.ResponsibleID)
	cl, _, err := r.Tenant.UpdateClient(c.UserContext(), v, id, old.Version, merged, auditFor(c, "client.updated", ""))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiClientOf(cl), true)
}

// apiCaseInput is the body of POST /api/v1/cases.
type apiCaseInput struct {
	ClientID    string   `json:"client_id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Priority    string   `json:"priority"`
	AssigneeID  string   `json:"assignee_id"`
	DueDate     string   `json:"due_date"`
	Labels      []string `json:"labels"`
}

// APICaseCreate is POST /api/v1/cases: the UI's tenant.CreateCase (the
// same validation, numbering and history), 201 with Location and ETag.
func (h *Handlers) APICaseCreate(c *fiber.Ctx, r *Request) error {
	var in apiCaseInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.CreateCase(c.UserContext(), v, caseActor(r), tenant.CaseInput{ClientID: in.ClientID, Title: in.Title,
		Description: in.Description, Priority: in.Priority, AssigneeID: in.AssigneeID, DueDate: in.DueDate, Labels: in.Labels})
	if err != nil {
		return err
	}
	return apiCreated(c, "/api/v1/cases/"+k.ID, apiCaseOf(k))
}

// apiCasePatch is the body of PATCH /api/v1/cases/:id: the fields to
// change; "" clears the assignee or the due date.
type apiCasePatch struct {
	ClientID    *string   `json:"client_id"`
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Status      *string   `json:"status"`
	Priority    *string   `json:"priority"`
	AssigneeID  *string   `json:"assignee_id"`
	DueDate     *string   `json:"due_date"`
	Labels      *[]string `json:"labels"`
}

// APICaseUpdate is PATCH /api/v1/cases/:id: the UI's tenant.UpdateCase
// (status, assignment, due date, labels… each change on the timeline),
// with If-Match as for clients (the version it named passed into the
// write), and the same live notice as the UI's edit. The change names only
// the fields sent, so without If-Match (or with "*") it is made to
// whatever is there.
func (h *Handlers) APICaseUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	var in apiCasePatch
	id := c.Params("id")
	_, version, err := apiPatchOf(c, &in, func(id string) (*tenant.Case, error) { return r.Tenant.Case(c.UserContext(), v, id) },
		func(k *tenant.Case) any { return apiCaseOf(k) }, func(k *tenant.Case) int64 { return k.Version })
	if err != nil {
		return err
	}
	ch := tenant.CaseChange{ClientID: in.ClientID, Title: in.Title, Description: in.Description, Status: in.Status,
		Priority: in.Priority, AssigneeID: in.AssigneeID, DueDate: in.DueDate, Labels: in.Labels}
	changed, err := r.Tenant.UpdateCase(c.UserContext(), v, caseActor(r), id, version, ch)
	if err != nil {
		return err
	}
	if changed {
		h.publish(c, r, id, live.KindStatus, true, ch.AssigneeID != nil)
	}
	k, err := r.Tenant.Case(c.UserContext(), v, id)
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiCaseOf(k), true)
}
