package jobs

import (
	"context"
	"strings"

	"mintedmind/app"
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
// tenant.WebhookMaxFailures times in a row is disabled, its agency's
// owners and admins emailed once (app.NotifyWebhookDisabled; mailer nil
// sends none). baseURL makes the email's link.
func (r *Runner) AddWebhooks(s *webhook.Sender, mailer app.Queuer, baseURL string) {
	baseURL = strings.TrimRight(baseURL, "/")
	r.add(Job{Name: JobWebhooks, Schedule: "@every 1m", Run: func(ctx context.Context, run *control.JobRun) error {
		return r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
			for range webhookPasses {
				res, err := s.DeliverDue(ctx, t, webhookBatch)
				run.Counts["delivered"] += int64(res.Delivered)
				run.Counts["failed"] += int64(res.Failed)
				run.Counts["disabled"] += int64(len(res.Disabled))
				for _, d := range res.Disabled {
					if mailer == nil {
						continue
					}
					if err := app.NotifyWebhookDisabled(ctx, mailer, a, t, d, baseURL); err != nil {
						run.Counts["send_errors"]++
						r.log.Warn("email the admins of a disabled webhook endpoint", "agency_id", a.ID, "endpoint", d.Endpoint.ID, "err", err)
					}
				}
				if err != nil || res.Delivered+res.Failed < webhookBatch {
					return err
				}
			}
			return nil
		})
	}})
}
