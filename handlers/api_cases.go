package handlers

import (
	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// apiCase is a case as the API writes it.
type apiCase struct {
	ID          string   `json:"id"`
	Number      int64    `json:"number"`
	ClientID    string   `json:"client_id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Status      string   `json:"status"`
	Priority    string   `json:"priority"`
	AssigneeID  string   `json:"assignee_id"`
	DueDate     string   `json:"due_date"`
	Labels      []string `json:"labels"`
	CreatedAt   *string  `json:"created_at"`
	UpdatedAt   *string  `json:"updated_at"`
	ClosedAt    *string  `json:"closed_at"`
	Version     int64    `json:"version"` // raised by every write: in the ETag, so two writes in one second differ
}

func apiCaseOf(k *tenant.Case) apiCase {
	return apiCase{ID: k.ID, Number: k.Number, ClientID: k.ClientID, Title: k.Title, Description: k.Description,
		Status: k.Status, Priority: k.Priority, AssigneeID: k.AssigneeID, DueDate: k.DueDate, Labels: orEmpty(k.Labels),
		CreatedAt: apiTime(k.CreatedAt), UpdatedAt: apiTime(k.UpdatedAt), ClosedAt: apiTime(k.ClosedAt), Version: k.Version}
}

// APICases is GET /api/v1/cases: a page of the cases the token's creator
// may see, oldest change first, with the case list's filters.
func (h *Handlers) APICases(c *fiber.Ctx, r *Request) error {
	l, err := apiListQuery(c)
	if err != nil {
		return err
	}
	l.Status, l.Label, l.ClientID, l.AssigneeID = c.Query("status"), c.Query("label"), c.Query("client_id"), c.Query("assignee_id")
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	cases, next, err := r.Tenant.APICases(c.UserContext(), v, l)
	if err != nil {
		return err
	}
	page := apiPage[apiCase]{Data: []apiCase{}, NextCursor: next}
	for _, k := range cases {
		page.Data = append(page.Data, apiCaseOf(k))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APICase is GET /api/v1/cases/:id, with its ETag.
func (h *Handlers) APICase(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	k, err := r.Tenant.Case(c.UserContext(), v, c.Params("id"))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiCaseOf(k), true)
}
