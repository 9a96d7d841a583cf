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
	url, err := tenant.ValidateWebhookEndpoint(url, description, events)
	if err != nil {
		return nil, err
	}
	if _, err := ck.CheckURL(ctx, url); err != nil {
		return nil, apperr.FieldErrors(map[string]string{"url": webhookAddressMessage(err)})
	}
	return t.CreateWebhookEndpoint(ctx, url, description, events, a)
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
