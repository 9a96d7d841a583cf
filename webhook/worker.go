package webhook

import (
	"context"
	"time"

	"mintedmind/db/tenant"
)

// Result counts one pass of DeliverDue.
type Result struct {
	Delivered, Failed int
	// Disabled lists endpoints this pass disabled (the caller emails the admins).
	Disabled []string
}

// DeliverDue sends an agency's due deliveries once each and records every
// attempt: a 2xx marks it delivered (never sent again), anything else
// schedules a retry with tenant.WebhookBackoff.
func (s *Sender) DeliverDue(ctx context.Context, tn *tenant.Store, limit int) (Result, error) {
	var r Result
	due, err := tn.DueWebhookDeliveries(ctx, limit)
	if err != nil {
		return r, err
	}
	for _, d := range due {
		ep, err := tn.WebhookEndpoint(ctx, d.EndpointID)
		if err != nil {
			return r, err
		}
		now := tn.Clock().Now().Truncate(time.Second)
		code, sendErr := s.Send(ctx, Message{ID: d.ID, URL: ep.URL, Secrets: ep.Secrets(now), Body: []byte(d.Payload), At: now})
		disabled, err := tn.RecordWebhookAttempt(ctx, d, code, sendErr == nil)
		if err != nil {
			return r, err
		}
		if sendErr == nil {
			r.Delivered++
		} else {
			r.Failed++
		}
		if disabled {
			r.Disabled = append(r.Disabled, ep.ID)
		}
	}
	return r, nil
}
