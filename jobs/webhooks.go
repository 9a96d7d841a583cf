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
// owners and admins emailed once (app.NotifyWebhooksDisabled: an email
// that cannot be queued is shown on the endpoint's page and tried again
// at the next run; mailer nil sends none). baseURL makes the email's link.
func (r *Runner) AddWebhooks(s *webhook.Sender, mailer app.Queuer, baseURL string) {
	baseURL = strings.TrimRight(baseURL, "/")
	r.add(Job{Name: JobWebhooks, Schedule: "@every 1m", Run: func(ctx context.Context, run *control.JobRun) error {
		return r.forEachAgencyWith(ctx, run, func(a *control.Agency, t *tenant.Store) error {
			var disabled []webhook.Disabled
			// notify emails the admins of what this run disabled, and
			// retries the emails earlier runs could not queue.
			notify := func() error {
				if mailer == nil {
					return nil
				}
				failed, err := app.NotifyWebhooksDisabled(ctx, mailer, a, t, disabled, baseURL)
				run.Counts["send_errors"] += int64(failed)
				if err != nil {
					r.log.Warn("email the admins of a disabled webhook endpoint", "agency_id", a.ID, "err", err)
				}
				return nil // recorded on the endpoint, tried again next run: not the run's failure
			}
			for range webhookPasses {
				res, err := s.DeliverDue(ctx, t, webhookBatch)
				run.Counts["delivered"] += int64(res.Delivered)
				run.Counts["failed"] += int64(res.Failed)
				run.Counts["disabled"] += int64(len(res.Disabled))
				disabled = append(disabled, res.Disabled...)
				if err != nil || res.Delivered+res.Failed < webhookBatch {
					notify()
					return err
				}
			}
			return notify()
		})
	}})
}
