package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
	"mintedmind/webhook"
)

// TemplateWebhookDisabled tells an agency's owners and admins that an
// endpoint was disabled after repeated failures (issue 20 point 4).
const TemplateWebhookDisabled = "webhook-disabled"

// webhookDisabledEmail is the data of TemplateWebhookDisabled.
type webhookDisabledEmail struct {
	Lang, AgencyName, URL, Description, Error, Link string
	Failures, Code                                  int
}

// NotifyWebhookDisabled emails each active owner and admin of the agency,
// in their language (their own choice, else the agency's), that d's
// endpoint was disabled: which one, after how many failures, the last
// answer, and a link to its page in Settings › Webhooks to resume it. The
// caller calls it once per disable (webhook.Result.Disabled holds each
// endpoint the attempt that disabled it reported, and only that one). Those
// the email already reached (d.Endpoint.NoticeSent, a retry's) are left
// out; it returns everyone it has reached, them included.
func NotifyWebhookDisabled(ctx context.Context, m Queuer, a *control.Agency, t *tenant.Store, d webhook.Disabled, baseURL string) (sent []string, err error) {
	sent = slices.Clone(d.Endpoint.NoticeSent)
	admins, err := t.ActiveAdmins(ctx)
	if err != nil {
		return sent, err
	}
	s, err := t.Settings(ctx)
	if err != nil {
		return sent, err
	}
	data := webhookDisabledEmail{AgencyName: a.Name, URL: d.Endpoint.URL, Description: d.Endpoint.Description, Error: d.Error,
		Failures: d.Failures, Code: d.Code, Link: strings.TrimRight(baseURL, "/") + "/a/" + a.Slug + "/settings/webhooks/" + d.Endpoint.ID}
	var errs []error
	for _, u := range admins {
		if slices.Contains(d.Endpoint.NoticeSent, u.ID) {
			continue // reached by an earlier try
		}
		data.Lang = s.Language
		if i18n.Supported(u.Language) {
			data.Lang = u.Language
		}
		if err := m.Queue(ctx, a.ID, u.Email, TemplateWebhookDisabled, data); err != nil {
			errs = append(errs, fmt.Errorf("app: email %s that webhook endpoint %s is disabled: %w", u.Email, d.Endpoint.ID, err))
			continue
		}
		sent = append(sent, u.ID)
	}
	return sent, errors.Join(errs...)
}

// NotifyWebhooksDisabled emails the admins about each endpoint one run of
// the sender disabled, after retrying those disabled earlier whose email
// could not be queued then (tenant.PendingWebhookNotices). An email that
// cannot be queued is recorded on its endpoint, whose page says so, and
// tried again at the next run, to the admins it has not reached yet; one
// queued clears the record.
// It returns how many endpoints' emails could not be queued.
func NotifyWebhooksDisabled(ctx context.Context, m Queuer, a *control.Agency, t *tenant.Store, disabled []webhook.Disabled, baseURL string) (failed int, err error) {
	pending, err := t.PendingWebhookNotices(ctx)
	if err != nil {
		return 0, err
	}
	var retries []webhook.Disabled
	for _, e := range pending {
		retries = append(retries, webhook.Disabled{Endpoint: e, Failures: e.Failures, Code: e.NoticeCode, Error: e.NoticeDetail})
	}
	var errs []error
	for _, d := range append(retries, disabled...) {
		sent, queueErr := NotifyWebhookDisabled(ctx, m, a, t, d, baseURL)
		if queueErr == nil && d.Endpoint.NoticeError == "" {
			continue // queued at the first try: nothing to record
		}
		msg := ""
		if queueErr != nil {
			failed++
			errs = append(errs, queueErr)
			msg = queueErr.Error()
		}
		if err := t.RecordWebhookNotice(ctx, d.Endpoint.ID, d.Code, d.Error, msg, sent); err != nil {
			errs = append(errs, err)
		}
	}
	return failed, errors.Join(errs...)
}
