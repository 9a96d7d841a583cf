package handlers

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// The webhooks area of the API (issue 20): the endpoints of Settings ›
// Webhooks, through the same code as those pages (app.RegisterWebhook and
// app.UpdateWebhook for the address rule, the store for the rest), with
// the same audit entries.

// apiWebhook is an endpoint as the API writes it, without its secret.
type apiWebhook struct {
	ID                  string   `json:"id"`
	URL                 string   `json:"url"`
	Description         string   `json:"description"`
	Events              []string `json:"events"`
	Enabled             bool     `json:"enabled"`
	State               string   `json:"state"` // active, paused or disabled (after repeated failures)
	Failures            int      `json:"failures"`
	CreatedAt           *string  `json:"created_at"`
	PreviousSecretUntil *string  `json:"previous_secret_until"`
}

// apiWebhookSecret is an endpoint with its signing secret: the answer of
// its creation and of a rotation, the only times the secret is shown.
type apiWebhookSecret struct {
	apiWebhook
	Secret string `json:"secret"`
}

func (h *Handlers) apiWebhookOf(e *tenant.WebhookEndpoint) apiWebhook {
	w := apiWebhook{ID: e.ID, URL: e.URL, Description: e.Description, Events: orEmpty(e.Events), Enabled: e.Enabled,
		State: strings.TrimPrefix(webhookState(e), "webhooks.state."), Failures: e.Failures, CreatedAt: apiTime(e.CreatedAt)}
	if len(e.Secrets(h.Clock.Now())) > 1 {
		w.PreviousSecretUntil = apiTime(e.PreviousUntil)
	}
	return w
}

// apiWebhookDelivery is one delivery of an endpoint's log.
type apiWebhookDelivery struct {
	ID            string          `json:"id"`
	EndpointID    string          `json:"endpoint_id"`
	Event         string          `json:"event"`
	Payload       json.RawMessage `json:"payload"`
	State         string          `json:"state"`
	Attempts      int             `json:"attempts"`
	ResponseCode  int             `json:"response_code"`
	CreatedAt     *string         `json:"created_at"`
	LastAttemptAt *string         `json:"last_attempt_at"`
	NextAttemptAt *string         `json:"next_attempt_at"`
}

func apiWebhookDeliveryOf(d tenant.WebhookDelivery) apiWebhookDelivery {
	out := apiWebhookDelivery{ID: d.ID, EndpointID: d.EndpointID, Event: d.Event, Payload: json.RawMessage(d.Payload), State: d.State,
		Attempts: d.Attempts, ResponseCode: d.ResponseCode, CreatedAt: apiTime(d.CreatedAt), LastAttemptAt: apiTime(d.LastAt)}
	if d.State == "pending" {
		out.NextAttemptAt = apiTime(d.NextAt)
	}
	return out
}

// APIWebhooks is GET /api/v1/webhooks: the agency's endpoints, oldest
// first (at most tenant.WebhookMaxEndpoints, so one page).
func (h *Handlers) APIWebhooks(c *fiber.Ctx, r *Request) error {
	eps, err := r.Tenant.WebhookEndpoints(c.UserContext())
	if err != nil {
		return err
	}
	page := apiPage[apiWebhook]{Data: []apiWebhook{}}
	for _, e := range eps {
		page.Data = append(page.Data, h.apiWebhookOf(e))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APIWebhook is GET /api/v1/webhooks/:id, with its ETag.
func (h *Handlers) APIWebhook(c *fiber.Ctx, r *Request) error {
	e, err := r.Tenant.WebhookEndpoint(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, h.apiWebhookOf(e), true)
}

// apiWebhookInput is the body of POST /api/v1/webhooks.
type apiWebhookInput struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
}

// APIWebhookCreate is POST /api/v1/webhooks: the settings page's
// registration (app.RegisterWebhook), 201 with the secret, shown this once.
func (h *Handlers) APIWebhookCreate(c *fiber.Ctx, r *Request) error {
	var in apiWebhookInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := app.RegisterWebhook(c.UserContext(), h.webhookChecker(), r.Tenant, in.URL, in.Description, in.Events, auditFor(c, "webhook.created", ""))
	if err != nil {
		return err
	}
	return apiCreated(c, "/api/v1/webhooks/"+e.ID, apiWebhookSecret{h.apiWebhookOf(e), e.Secret})
}

// apiWebhookPatch is the body of PATCH /api/v1/webhooks/:id; a field left
// out keeps its value. "enabled": false pauses, true resumes.
type apiWebhookPatch struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Events      *[]string `json:"events"`
	Enabled     *bool     `json:"enabled"`
}

// APIWebhookUpdate is PATCH /api/v1/webhooks/:id (app.UpdateWebhook: a new
// address checked as at registration), with If-Match as for clients: the
// version read is passed on, so a change between the check and the write
// (a person's, or the endpoint disabled by its failures) is refused in it.
func (h *Handlers) APIWebhookUpdate(c *fiber.Ctx, r *Request) error {
	var in apiWebhookPatch
	id := c.Params("id")
	old, _, err := apiPatchOf(c, &in, func(id string) (*tenant.WebhookEndpoint, error) { return r.Tenant.WebhookEndpoint(c.UserContext(), id) },
		func(e *tenant.WebhookEndpoint) any { return h.apiWebhookOf(e) }, func(e *tenant.WebhookEndpoint) int64 { return e.Version })
	if err != nil {
		return err
	}
	e, err := app.UpdateWebhook(c.UserContext(), h.webhookChecker(), r.Tenant, id, old.Version,
		tenant.WebhookEndpointChange{URL: in.URL, Description: in.Description, Events: in.Events, Enabled: in.Enabled}, auditFor(c, "webhook.updated", ""))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, h.apiWebhookOf(e), true)
}

// APIWebhookRotate is POST /api/v1/webhooks/:id/rotate-secret: a new
// signing secret, shown this once; the old one signs beside it for
// tenant.WebhookSecretOverlap.
func (h *Handlers) APIWebhookRotate(c *fiber.Ctx, r *Request) error {
	e, err := r.Tenant.RotateWebhookSecret(c.UserContext(), c.Params("id"), auditFor(c, "webhook.secret_rotated", ""))
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusOK, apiWebhookSecret{h.apiWebhookOf(e), e.Secret}, true)
}

// APIWebhookDelete is DELETE /api/v1/webhooks/:id: the endpoint and its log.
func (h *Handlers) APIWebhookDelete(c *fiber.Ctx, r *Request) error {
	if _, err := r.Tenant.DeleteWebhookEndpoint(c.UserContext(), c.Params("id"), auditFor(c, "webhook.deleted", "")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiWebhookLogMax is the most deliveries one answer lists, as the page.
const apiWebhookLogMax = 100

// APIWebhookDeliveries is GET /api/v1/webhooks/:id/deliveries: the
// endpoint's log, newest first, at most limit (100) deliveries.
func (h *Handlers) APIWebhookDeliveries(c *fiber.Ctx, r *Request) error {
	limit := apiWebhookLogMax
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > apiWebhookLogMax {
			return apperr.FieldErrors(map[string]string{"limit": "Give a whole number from 1 to 100."})
		}
		limit = n
	}
	e, err := r.Tenant.WebhookEndpoint(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	ds, err := r.Tenant.WebhookDeliveries(c.UserContext(), e.ID, limit)
	if err != nil {
		return err
	}
	page := apiPage[apiWebhookDelivery]{Data: []apiWebhookDelivery{}}
	for _, d := range ds {
		page.Data = append(page.Data, apiWebhookDeliveryOf(d))
	}
	return apiJSON(c, fiber.StatusOK, page, false)
}

// APIWebhookRedeliver is POST /api/v1/webhooks/:id/deliveries/:delivery/redeliver:
// "send again" of the delivery log, 202 with the delivery, now pending.
func (h *Handlers) APIWebhookRedeliver(c *fiber.Ctx, r *Request) error {
	id, delivery := c.Params("id"), c.Params("delivery")
	if err := r.Tenant.RedeliverWebhook(c.UserContext(), id, delivery, auditFor(c, "webhook.redelivered", "")); err != nil {
		return err
	}
	d, err := r.Tenant.WebhookDeliveryOf(c.UserContext(), id, delivery)
	if err != nil {
		return err
	}
	return apiJSON(c, fiber.StatusAccepted, apiWebhookDeliveryOf(d), false)
}
