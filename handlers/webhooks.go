package handlers

import (
	"reflect"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// Settings › Webhooks (issue 20 point 4): owners and admins register the
// addresses the agency's events are posted to, see each signing secret
// once, rotate it, pause, resume and delete an endpoint, and read its
// delivery log with "send again". The address rule is app.RegisterWebhook's,
// the rest tenant's (db/tenant/webhooks.go); webhook.Sender delivers.

func init() {
	viewModels["pages/settings/webhooks"] = reflect.TypeFor[*webhooksView]()
	viewModels["pages/settings/webhook"] = reflect.TypeFor[*webhookView]()
}

// webhooksView is Settings › Webhooks: the endpoints and the form.
type webhooksView struct {
	Page
	FormErrors
	Base      string
	Endpoints []webhookRow
	Events    []webhookEventChoice
	Form      webhookForm
	Made      *webhookSecret // the secret of an endpoint just made, shown on this answer only
}

// webhookRow is one endpoint in the list.
type webhookRow struct {
	URL, Description, State, LogURL string
	Events                          []string // message ids of the events' labels
	Created                         time.Time
}

// webhookEventChoice is one event's checkbox on the form.
type webhookEventChoice struct {
	Event, Label string
	Checked      bool
}

// webhookForm is the form's values, kept after a refusal.
type webhookForm struct {
	URL, Description string
}

// webhookSecret is a signing secret shown once, after making or rotating.
type webhookSecret struct {
	URL, Secret string
}

// webhookView is one endpoint's page: its state, actions and delivery log.
type webhookView struct {
	Page
	Base, Self, URL, Description, State string
	Events                              []string
	Enabled                             bool
	Failures, MaxFailures               int
	NoticeError                         string         // why the email about its disabling could not be queued yet
	Secret                              *webhookSecret // after a rotation, this answer only
	PreviousUntil                       time.Time      // the rotated-out secret signs until then; zero: none
	Deliveries                          []webhookDeliveryRow
}

// webhookDeliveryRow is one delivery in the log.
type webhookDeliveryRow struct {
	Event, State, Payload, RedeliverURL string
	Attempts, ResponseCode              int
	CreatedAt, LastAt, NextAt           time.Time
	Pending                             bool
}

func webhooksBase(r *Request) string { return "/a/" + r.Agency.Slug + "/settings/webhooks" }

// webhookEventLabel is the message id of an event's label.
func webhookEventLabel(event string) string { return "webhooks.event." + event }

// webhookState is the message id of an endpoint's state.
func webhookState(e *tenant.WebhookEndpoint) string {
	switch {
	case e.Enabled:
		return "webhooks.state.active"
	case e.Disabled():
		return "webhooks.state.disabled"
	}
	return "webhooks.state.paused"
}

func webhookEventLabels(events []string) []string {
	var out []string
	for _, e := range events {
		out = append(out, webhookEventLabel(e))
	}
	return out
}

func (h *Handlers) webhooksPage(c *fiber.Ctx, r *Request, form webhookForm, chosen []string) (*webhooksView, error) {
	eps, err := r.Tenant.WebhookEndpoints(c.UserContext())
	if err != nil {
		return nil, err
	}
	v := &webhooksView{Page: Page{Title: "webhooks.title"}, Base: webhooksBase(r), Form: form}
	for _, e := range eps {
		v.Endpoints = append(v.Endpoints, webhookRow{URL: e.URL, Description: e.Description, State: webhookState(e), LogURL: v.Base + "/" + e.ID,
			Events: webhookEventLabels(e.Events), Created: e.CreatedAt})
	}
	for _, e := range tenant.WebhookEventTypes {
		v.Events = append(v.Events, webhookEventChoice{Event: e, Label: webhookEventLabel(e), Checked: slices.Contains(chosen, e)})
	}
	return v, nil
}

// Webhooks is Settings › Webhooks.
func (h *Handlers) Webhooks(c *fiber.Ctx, r *Request) error {
	v, err := h.webhooksPage(c, r, webhookForm{}, nil)
	if err != nil {
		return err
	}
	return h.formPage(c, "pages/settings/webhooks", "pages/settings/webhooks", v, nil)
}

// webhookChecker is the address rule of this server, as its sender's
// (webhook.NewChecker): https only unless it runs with -webhooks-http.
func (h *Handlers) webhookChecker() *webhook.Checker {
	ck := webhook.NewChecker(h.Config.WebhookHTTP, h.Config.WebhookLoopback)
	return &ck
}

// WebhookCreate registers an endpoint and shows its secret, once.
func (h *Handlers) WebhookCreate(c *fiber.Ctx, r *Request) error {
	form := webhookForm{URL: formValue(c, "url"), Description: formValue(c, "description")}
	var events []string
	for _, b := range c.Request().PostArgs().PeekMulti("events") {
		events = append(events, string(b))
	}
	e, err := app.RegisterWebhook(c.UserContext(), h.webhookChecker(), r.Tenant, form.URL, form.Description, events, auditFor(c, "webhook.created", ""))
	if err != nil {
		v, verr := h.webhooksPage(c, r, form, events)
		if verr != nil {
			return verr
		}
		return h.formPage(c, "pages/settings/webhooks", "pages/settings/webhooks", v, err)
	}
	v, err := h.webhooksPage(c, r, webhookForm{}, nil)
	if err != nil {
		return err
	}
	v.Made = &webhookSecret{URL: e.URL, Secret: e.Secret}
	return h.formPage(c, "pages/settings/webhooks", "pages/settings/webhooks", v, nil)
}

func (h *Handlers) webhookPage(c *fiber.Ctx, r *Request, e *tenant.WebhookEndpoint) (*webhookView, error) {
	ds, err := r.Tenant.WebhookDeliveries(c.UserContext(), e.ID, 100)
	if err != nil {
		return nil, err
	}
	base := webhooksBase(r)
	v := &webhookView{Page: Page{Title: "webhooks.endpoint_title"}, Base: base, Self: base + "/" + e.ID, URL: e.URL, Description: e.Description, State: webhookState(e),
		Events: webhookEventLabels(e.Events), Enabled: e.Enabled, Failures: e.Failures, MaxFailures: tenant.WebhookMaxFailures, NoticeError: e.NoticeError}
	if len(e.Secrets(h.Clock.Now())) > 1 {
		v.PreviousUntil = e.PreviousUntil
	}
	for _, d := range ds {
		row := webhookDeliveryRow{Event: webhookEventLabel(d.Event), State: "webhooks.delivery." + d.State, Payload: d.Payload,
			RedeliverURL: v.Self + "/deliveries/" + d.ID + "/redeliver", Attempts: d.Attempts, ResponseCode: d.ResponseCode,
			CreatedAt: d.CreatedAt, LastAt: d.LastAt, Pending: d.State == "pending"}
		if row.Pending {
			row.NextAt = d.NextAt
		}
		v.Deliveries = append(v.Deliveries, row)
	}
	return v, nil
}

// Webhook is one endpoint's page with its delivery log.
func (h *Handlers) Webhook(c *fiber.Ctx, r *Request) error {
	e, err := r.Tenant.WebhookEndpoint(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	v, err := h.webhookPage(c, r, e)
	if err != nil {
		return err
	}
	return h.page(c, "pages/settings/webhook", v)
}

// WebhookPause stops queueing deliveries for an endpoint.
func (h *Handlers) WebhookPause(c *fiber.Ctx, r *Request) error {
	if _, err := r.Tenant.PauseWebhookEndpoint(c.UserContext(), c.Params("id"), auditFor(c, "webhook.paused", "")); err != nil {
		return err
	}
	h.flash(c, "webhooks.paused")
	return h.redirect(c, webhooksBase(r)+"/"+c.Params("id"))
}

// WebhookResume starts an endpoint again.
func (h *Handlers) WebhookResume(c *fiber.Ctx, r *Request) error {
	if _, err := r.Tenant.ResumeWebhookEndpoint(c.UserContext(), c.Params("id"), auditFor(c, "webhook.resumed", "")); err != nil {
		return err
	}
	h.flash(c, "webhooks.resumed")
	return h.redirect(c, webhooksBase(r)+"/"+c.Params("id"))
}

// WebhookDelete removes an endpoint and its log.
func (h *Handlers) WebhookDelete(c *fiber.Ctx, r *Request) error {
	if _, err := r.Tenant.DeleteWebhookEndpoint(c.UserContext(), c.Params("id"), auditFor(c, "webhook.deleted", "")); err != nil {
		return err
	}
	h.flash(c, "webhooks.deleted")
	return h.redirect(c, webhooksBase(r))
}

// WebhookRotate gives an endpoint a new signing secret and shows it, once.
func (h *Handlers) WebhookRotate(c *fiber.Ctx, r *Request) error {
	e, err := r.Tenant.RotateWebhookSecret(c.UserContext(), c.Params("id"), auditFor(c, "webhook.secret_rotated", ""))
	if err != nil {
		return err
	}
	v, err := h.webhookPage(c, r, e)
	if err != nil {
		return err
	}
	v.Secret = &webhookSecret{URL: e.URL, Secret: e.Secret}
	return h.page(c, "pages/settings/webhook", v)
}

// WebhookRedeliver sends one delivery again on the worker's next pass.
func (h *Handlers) WebhookRedeliver(c *fiber.Ctx, r *Request) error {
	id := c.Params("id")
	if err := r.Tenant.RedeliverWebhook(c.UserContext(), id, c.Params("delivery"), auditFor(c, "webhook.redelivered", "")); err != nil {
		return err
	}
	h.flash(c, "webhooks.redelivered")
	return h.redirect(c, webhooksBase(r)+"/"+id)
}
