package jobs

import (
	"context"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/webhook"
)

// JobWebhooks sends every agency's due webhook deliveries (issue 20).
const JobWebhooks = "webhooks-deliver"

// webhookBatch is how many deliveries one pass sends per agency before
// looking again; a job run makes at most webhookPasses passes.
const (
	webhookBatch  = 100
	webhookPasses = 10
)

// AddWebhooks registers the webhook sender, every minute: each due
// delivery is posted once per run (webhook.Sender.DeliverDue), a failure
// waits tenant.WebhookBackoff, and an endpoint failing
// tenant.WebhookMaxFailures times in a row is disabled.
func (r *Runner) AddWebhooks(s *webhook.Sender) {
	r.add(Job{Name: JobWebhooks, Schedule: "@every 1m", Run: func(ctx context.Context, run *control.JobRun) error {
		return r.forEachAgency(ctx, run, func(t *tenant.Store) error {
			for range webhookPasses {
				res, err := s.DeliverDue(ctx, t, webhookBatch)
				run.Counts["delivered"] += int64(res.Delivered)
				run.Counts["failed"] += int64(res.Failed)
				run.Counts["disabled"] += int64(len(res.Disabled))
				if err != nil || res.Delivered+res.Failed < webhookBatch {
					return err
				}
			}
			return nil
		})
	}})
}
