package app

import (
	"context"
	"errors"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// RegisterWebhook stores an agency's new webhook endpoint once its address
// passes ck (https unless the server's development flag, and every address
// the host resolves to public: no loopback, private or link-local network),
// so a webhook cannot probe the server's own network. The sender checks
// the address again at each delivery.
func RegisterWebhook(ctx context.Context, ck *webhook.Checker, t *tenant.Store, url, description string, events []string, a tenant.Audit) (*tenant.WebhookEndpoint, error) {
	url, err := checkWebhook(ctx, ck, url, description, events)
	if err != nil {
		return nil, err
	}
	return t.CreateWebhookEndpoint(ctx, url, description, events, a)
}

// UpdateWebhook changes endpoint id of the agency (the API's PATCH): a new
// address passes the same checks as at registration (RegisterWebhook), the
// description and events the same validation; enabling it resumes it.
// version is the endpoint's Version the caller read (0: the one read
// here), refused if it changed since (tenant.UpdateWebhookEndpoint).
func UpdateWebhook(ctx context.Context, ck *webhook.Checker, t *tenant.Store, id string, version int64, ch tenant.WebhookEndpointChange, a tenant.Audit) (*tenant.WebhookEndpoint, error) {
	old, err := t.WebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = old.Version // the change is applied to this read: nothing written over one made since
	}
	to := ch.Apply(*old)
	if to.URL, err = checkWebhook(ctx, ck, to.URL, to.Description, to.Events); err != nil {
		return nil, err
	}
	return t.UpdateWebhookEndpoint(ctx, id, version, to, a)
}

// checkWebhook is the one check of an endpoint's fields: the store's
// validation, then ck's address rule. It returns the address to store.
func checkWebhook(ctx context.Context, ck *webhook.Checker, url, description string, events []string) (string, error) {
	url, err := tenant.ValidateWebhookEndpoint(url, description, events)
	if err != nil {
		return "", err
	}
	if _, err := ck.CheckURL(ctx, url); err != nil {
		return "", apperr.FieldErrors(map[string]string{"url": webhookAddressMessage(err)})
	}
	return url, nil
}

// webhookAddressMessage is the form's message for an address ck refused.
func webhookAddressMessage(err error) string {
	switch {
	case errors.Is(err, webhook.ErrScheme):
		return "The address must start with https://."
	case errors.Is(err, webhook.ErrNoHost):
		return "The address's host name was not found."
	case errors.Is(err, webhook.ErrPrivateIP):
		return "The address leads to a private, loopback or link-local network: webhooks go only to public addresses."
	}
	return "Enter a full address, such as https://example.com/hooks."
}
