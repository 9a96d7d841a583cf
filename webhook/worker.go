package webhook

import (
	"context"
	"time"

	"mintedmind/db/tenant"
)

// Result counts one pass of DeliverDue.
type Result struct {
	Delivered, Failed int
	// Disabled lists the endpoints this pass disabled, each once (the
	// caller emails the agency's admins: app.NotifyWebhookDisabled).
	Disabled []Disabled
}

// Disabled is an endpoint one attempt disabled, with that attempt's outcome.
type Disabled struct {
	Endpoint *tenant.WebhookEndpoint
	Failures int    // failed attempts in a row, tenant.WebhookMaxFailures or more
	Code     int    // the last answer's status; 0 when there was none
	Error    string // the last attempt's error
}

// DeliverDue sends an agency's due deliveries once each and records every
// attempt: a 2xx marks it delivered (never sent again), anything else
// schedules a retry with tenant.WebhookBackoff. A delivery whose endpoint
// was paused or disabled meanwhile (earlier in this pass) waits.
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
		if !ep.Enabled {
			continue
		}
		now := tn.Clock().Now().Truncate(time.Second)
		code, sendErr := s.Send(ctx, Message{ID: d.ID, URL: ep.URL, Secrets: ep.Secrets(now), Body: []byte(d.Payload), At: now})
		disabled, err := tn.RecordWebhookAttempt(ctx, d, code, sendErr == nil)
		if err != nil {
			return r, err
		}
		if sendErr == nil {
			r.Delivered++
			continue
		}
		r.Failed++
		if disabled {
			ep.Enabled, ep.Failures = false, ep.Failures+1
			r.Disabled = append(r.Disabled, Disabled{Endpoint: ep, Failures: ep.Failures, Code: code, Error: sendErr.Error()})
		}
	}
	return r, nil
}
