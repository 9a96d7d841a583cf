package tenant

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// WebhookEvents maps the audit actions that cause a webhook to the event
// type sent. A delivery is queued by auditTx, inside the transaction of
// the change itself: rolled back together, committed together. The case,
// message and document events are queued with the case's history entry
// (webhookCaseEvents), invoice.paid with the payment that pays it in full.
var WebhookEvents = map[string]string{
	"client.created":   "client.created",
	"client.updated":   "client.updated",
	"invoice.issued":   "invoice.issued",
	"invoice.voided":   "invoice.voided",
	"payment.recorded": "payment.recorded",
	"quote.accepted":   "quote.accepted",
	"quote.declined":   "quote.declined",
}

// Webhook events that no audit action causes: a case's history entries,
// a message and a payment in full (constants: event names, not actions).
const (
	WebhookCaseCreated       = "case.created"
	WebhookCaseUpdated       = "case.updated"
	WebhookCaseStatusChanged = "case.status_changed"
	WebhookCaseClosed        = "case.closed"
	WebhookMessageCreated    = "message.created"
	WebhookDocumentAdded     = "document.added"
	WebhookInvoicePaid       = "invoice.paid"
)

// WebhookEventTypes lists every event an endpoint may choose, in the
// order the settings page offers them.
var WebhookEventTypes = []string{
	"client.created", "client.updated",
	WebhookCaseCreated, WebhookCaseUpdated, WebhookCaseStatusChanged, WebhookCaseClosed,
	WebhookMessageCreated, WebhookDocumentAdded,
	"invoice.issued", WebhookInvoicePaid, "invoice.voided", "payment.recorded",
	"quote.accepted", "quote.declined",
}

// WebhookMaxEndpoints is how many endpoints one agency may register.
const WebhookMaxEndpoints = 20

// WebhookMaxFailures is how many failed attempts in a row disable an endpoint.
const WebhookMaxFailures = 15

// WebhookEndpoint is one address an agency's events are posted to. An
// endpoint not Enabled is paused by a person, or disabled after
// WebhookMaxFailures failed attempts in a row (Disabled); resuming it
// starts its count again.
type WebhookEndpoint struct {
	ID          string
	URL         string
	Description string
	Events      []string
	Secret      string
	// PreviousSecret, until PreviousUntil, also signs each delivery (the
	// overlap after a rotation, WebhookSecretOverlap); "" when none.
	PreviousSecret string
	PreviousUntil  time.Time
	Enabled        bool
	Failures       int
	CreatedAt      time.Time
	// NoticeError is why the email telling the admins that the endpoint
	// was disabled could not be queued ("" when it was, or none is due);
	// NoticeCode and NoticeDetail are the last attempt's status and error
	// it is to give. The webhooks-deliver job tries it again each run.
	NoticeError  string
	NoticeCode   int
	NoticeDetail string
	// NoticeSent are the owners and admins (user ids) that email has
	// reached so far: a retry goes only to the others.
	NoticeSent []string
	// Version rises with every change to what is read of the endpoint
	// (a trigger, migration 36): UpdateWebhookEndpoint refuses an edit
	// made from an older one.
	Version int64
}

// WebhookSecretOverlap is how long a rotated-out secret still signs.
const WebhookSecretOverlap = 24 * time.Hour

// Secrets are the secrets that sign a delivery at now: the current one,
// and the previous one during the overlap.
func (e *WebhookEndpoint) Secrets(now time.Time) []string {
	if e.PreviousSecret != "" && now.Before(e.PreviousUntil) {
		return []string{e.Secret, e.PreviousSecret}
	}
	return []string{e.Secret}
}

// Disabled reports whether failures, not a person, stopped the endpoint.
func (e *WebhookEndpoint) Disabled() bool { return !e.Enabled && e.Failures >= WebhookMaxFailures }

// WebhookDelivery is one queued or sent event for one endpoint.
type WebhookDelivery struct {
	ID           string
	EndpointID   string
	Event        string
	Payload      string
	CreatedAt    time.Time
	NextAt       time.Time
	LastAt       time.Time
	Attempts     int
	State        string
	ResponseCode int
}

// ValidateWebhookEndpoint checks what a person typed: an address (whether
// it may receive webhooks is webhook.Checker's to say) and one or more of
// WebhookEventTypes.
func ValidateWebhookEndpoint(url, description string, events []string) (string, error) {
	url = strings.TrimSpace(url)
	errs := map[string]string{}
	if utf8.RuneCountInString(description) > 200 {
		errs["description"] = "The description is too long: at most 200 characters."
	}
	switch {
	case url == "":
		errs["url"] = "Enter the address the events are posted to."
	case len(url) > 2000:
		errs["url"] = "The address is too long: at most 2000 characters."
	}
	if len(events) == 0 {
		errs["events"] = "Choose at least one event."
	}
	for _, e := range events {
		if !slices.Contains(WebhookEventTypes, e) {
			errs["events"] = "Choose events from the list."
		}
	}
	if len(errs) > 0 {
		return "", apperr.FieldErrors(errs)
	}
	return url, nil
}

func newWebhookSecret() (string, error) {
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(key), nil
}

// CreateWebhookEndpoint stores an endpoint whose address the caller has
// already checked (webhook.CheckURL) with a new signing secret, at most
// WebhookMaxEndpoints per agency, and audits it (a.Target: the endpoint).
func (t *Store) CreateWebhookEndpoint(ctx context.Context, url, description string, events []string, a Audit) (*WebhookEndpoint, error) {
	description = strings.TrimSpace(description)
	url, err := ValidateWebhookEndpoint(url, description, events)
	if err != nil {
		return nil, err
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return nil, err
	}
	e := &WebhookEndpoint{ID: uuid.NewString(), URL: url, Description: description, Events: events, Secret: secret,
		Enabled: true, CreatedAt: time.Unix(t.Clock().Now().Unix(), 0)}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM webhook_endpoints`).Scan(&n); err != nil {
			return err
		}
		if n >= WebhookMaxEndpoints {
			return apperr.New(apperr.Invalid, "The agency has as many webhook endpoints as it may have: delete one first.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_endpoints (id, url, description, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			e.ID, e.URL, e.Description, strings.Join(events, " "), e.Secret, e.CreatedAt.Unix()); err != nil {
			return fmt.Errorf("db: webhook endpoint: %w", err)
		}
		a.Target, a.Detail = e.ID, e.URL
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

const webhookEndpointColumns = `id, url, description, events, secret, previous_secret, previous_secret_until, enabled, failures, created_at,
	notice_error, notice_code, notice_detail, version, notice_sent`

func scanWebhookEndpoint(row db.Scanner) (*WebhookEndpoint, error) {
	var e WebhookEndpoint
	var events, sent string
	var created, until int64
	if err := row.Scan(&e.ID, &e.URL, &e.Description, &events, &e.Secret, &e.PreviousSecret, &until, &e.Enabled, &e.Failures, &created,
		&e.NoticeError, &e.NoticeCode, &e.NoticeDetail, &e.Version, &sent); err != nil {
		return nil, err
	}
	e.Events, e.CreatedAt, e.PreviousUntil = strings.Fields(events), time.Unix(created, 0), time.Unix(until, 0)
	e.NoticeSent = strings.Fields(sent)
	return &e, nil
}

// WebhookEndpoint returns one endpoint of this agency, or not found.
func (t *Store) WebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(t.Read().QueryRowContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints WHERE id = ?`, id))
	if err != nil {
		return nil, db.NotFound(err, "Webhook endpoint")
	}
	return e, nil
}

// WebhookEndpoints lists the agency's endpoints, oldest first.
func (t *Store) WebhookEndpoints(ctx context.Context) ([]*WebhookEndpoint, error) {
	return db.QueryList(ctx, t.Read(), "webhook endpoints", scanWebhookEndpoint,
		`SELECT `+webhookEndpointColumns+` FROM webhook_endpoints ORDER BY created_at, id`)
}

// changeWebhookEndpoint runs one UPDATE or DELETE on endpoint id with its
// audit entry, or answers not found for an id this agency does not hold.
// A version other than 0 must be the endpoint's, read in the same
// transaction, or nothing is written (Conflict).
func (t *Store) changeWebhookEndpoint(ctx context.Context, id string, version int64, q string, a Audit, args ...any) (*WebhookEndpoint, error) {
	e, err := t.WebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		var current int64
		if err := tx.QueryRowContext(ctx, `SELECT version FROM webhook_endpoints WHERE id = ?`, id).Scan(&current); err != nil {
			return db.NotFound(err, "Webhook endpoint")
		}
		if version != 0 && current != version {
			return apperr.New(apperr.Conflict, "Someone else changed this webhook endpoint since you read it (or its failures disabled it). Read it again and apply your change to what is there now.")
		}
		res, err := tx.ExecContext(ctx, q, append(args, id)...)
		if err != nil {
			return fmt.Errorf("db: change webhook endpoint %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Webhook endpoint not found.")
		}
		a.Target, a.Detail = id, e.URL
		return t.auditTx(ctx, tx, a)
	})
	return e, err
}

// PauseWebhookEndpoint stops an endpoint: no delivery is queued for it
// while paused, and those already queued wait.
func (t *Store) PauseWebhookEndpoint(ctx context.Context, id string, a Audit) (*WebhookEndpoint, error) {
	return t.changeWebhookEndpoint(ctx, id, 0, `UPDATE webhook_endpoints SET enabled = 0 WHERE id = ?`, a)
}

// ResumeWebhookEndpoint starts a paused or disabled endpoint again, its
// failures counted from zero; the deliveries that waited are sent.
func (t *Store) ResumeWebhookEndpoint(ctx context.Context, id string, a Audit) (*WebhookEndpoint, error) {
	return t.changeWebhookEndpoint(ctx, id, 0, `UPDATE webhook_endpoints SET enabled = 1, failures = 0, notice_error = '', notice_sent = '' WHERE id = ?`, a)
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries.
func (t *Store) DeleteWebhookEndpoint(ctx context.Context, id string, a Audit) (*WebhookEndpoint, error) {
	return t.changeWebhookEndpoint(ctx, id, 0, `DELETE FROM webhook_endpoints WHERE id = ?`, a)
}

// WebhookEndpointChange is a change to an endpoint's address,
// description, events or state; a nil field keeps its value.
type WebhookEndpointChange struct {
	URL, Description *string
	Events           *[]string
	Enabled          *bool
}

// Apply returns e with the change made (e itself is left as it was).
func (ch WebhookEndpointChange) Apply(e WebhookEndpoint) WebhookEndpoint {
	if ch.URL != nil {
		e.URL = *ch.URL
	}
	if ch.Description != nil {
		e.Description = strings.TrimSpace(*ch.Description)
	}
	if ch.Events != nil {
		e.Events = *ch.Events
	}
	if ch.Enabled != nil {
		e.Enabled = *ch.Enabled
	}
	return e
}

// UpdateWebhookEndpoint stores endpoint id as to, whose address the caller
// has already checked (app.UpdateWebhook): its address, description and
// events validated as at registration, and its state, enabling it counting
// its failures from zero as ResumeWebhookEndpoint does. A version other
// than 0 is the endpoint's Version as the caller read it: an endpoint
// changed since (by a person, or disabled by its failures) is refused
// (Conflict), nothing written.
func (t *Store) UpdateWebhookEndpoint(ctx context.Context, id string, version int64, to WebhookEndpoint, a Audit) (*WebhookEndpoint, error) {
	url, err := ValidateWebhookEndpoint(to.URL, to.Description, to.Events)
	if err != nil {
		return nil, err
	}
	if _, err := t.changeWebhookEndpoint(ctx, id, version, `UPDATE webhook_endpoints SET url = ?2, description = ?3, events = ?4,
		failures = CASE WHEN ?1 AND enabled = 0 THEN 0 ELSE failures END, notice_error = CASE WHEN ?1 THEN '' ELSE notice_error END,
		notice_sent = CASE WHEN ?1 THEN '' ELSE notice_sent END,
		enabled = ?1 WHERE id = ?5`,
		a, to.Enabled, url, to.Description, strings.Join(to.Events, " ")); err != nil {
		return nil, err
	}
	return t.WebhookEndpoint(ctx, id)
}

// RotateWebhookSecret gives an endpoint a new signing secret, returned
// once; the old one still signs beside it for WebhookSecretOverlap.
func (t *Store) RotateWebhookSecret(ctx context.Context, id string, a Audit) (*WebhookEndpoint, error) {
	secret, err := newWebhookSecret()
	if err != nil {
		return nil, err
	}
	until := time.Unix(t.Clock().Now().Add(WebhookSecretOverlap).Unix(), 0)
	e, err := t.changeWebhookEndpoint(ctx, id, 0, `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?`,
		a, until.Unix(), secret)
	if err != nil {
		return nil, err
	}
	e.PreviousSecret, e.PreviousUntil, e.Secret = e.Secret, until, secret
	return e, nil
}

// RedeliverWebhook queues one of an endpoint's deliveries to be sent again
// at once, with the same webhook-id (a receiver that saw it can tell).
func (t *Store) RedeliverWebhook(ctx context.Context, endpointID, deliveryID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var url string
		err := tx.QueryRowContext(ctx, `UPDATE webhook_deliveries SET state = 'pending', next_at = ?
			WHERE id = ? AND endpoint_id = ? RETURNING (SELECT url FROM webhook_endpoints WHERE id = endpoint_id)`,
			t.Clock().Now().Unix(), deliveryID, endpointID).Scan(&url)
		if err != nil {
			return db.NotFound(err, "Webhook delivery")
		}
		a.Target, a.Detail = endpointID, deliveryID+" to "+url
		return t.auditTx(ctx, tx, a)
	})
}

// queueWebhooksTx queues the delivery of the event caused by audit action
// a, in the change's own transaction.
func (t *Store) queueWebhooksTx(ctx context.Context, tx *sql.Tx, a Audit) error {
	event, ok := WebhookEvents[a.Action]
	if !ok {
		return nil
	}
	return t.queueWebhookTx(ctx, tx, event, map[string]string{"id": a.Target})
}

// queueWebhookTx queues one delivery of event with data per enabled
// endpoint that chose it. A paused or disabled endpoint gets nothing.
func (t *Store) queueWebhookTx(ctx context.Context, tx *sql.Tx, event string, data map[string]string) error {
	return t.queueWebhookEachTx(ctx, tx, event, []map[string]string{data})
}

// queueWebhookEachTx queues event once for each of datas (the clients of
// an import, one delivery each) per enabled endpoint that chose it,
// reading the endpoints once.
func (t *Store) queueWebhookEachTx(ctx context.Context, tx *sql.Tx, event string, datas []map[string]string) error {
	rows, err := t.Cached(tx).QueryContext(ctx, `SELECT id, events FROM webhook_endpoints WHERE enabled = 1`)
	if err != nil {
		return fmt.Errorf("db: webhook endpoints: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id, events string
		if err := rows.Scan(&id, &events); err != nil {
			rows.Close()
			return err
		}
		if slices.Contains(strings.Fields(events), event) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	now := t.Clock().Now().Unix()
	for _, data := range datas {
		body, err := json.Marshal(map[string]any{"type": event, "timestamp": time.Unix(now, 0).UTC().Format(time.RFC3339), "data": data})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, event, payload, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)`,
				"msg_"+uuid.NewString(), id, event, string(body), now, now); err != nil {
				return fmt.Errorf("db: webhook delivery: %w", err)
			}
		}
	}
	return nil
}

// queueCaseWebhooksTx queues the webhooks a case's history entry e means:
// a case created, changed (its status also as case.status_changed, and
// case.closed when closed) or given a document.
func (t *Store) queueCaseWebhooksTx(ctx context.Context, tx *sql.Tx, e Event) error {
	data := map[string]string{"id": e.CaseID}
	switch e.Kind {
	case EventCreated:
		return t.queueWebhookTx(ctx, tx, WebhookCaseCreated, data)
	case EventAssigned, EventField:
		data["field"] = e.Field
		if e.Kind == EventAssigned {
			data["field"] = "assignee"
		}
		return t.queueWebhookTx(ctx, tx, WebhookCaseUpdated, data)
	case EventStatus:
		data["from"], data["to"] = e.OldValue, e.NewValue
		if err := t.queueWebhookTx(ctx, tx, WebhookCaseStatusChanged, data); err != nil {
			return err
		}
		if e.NewValue == CaseClosed {
			return t.queueWebhookTx(ctx, tx, WebhookCaseClosed, map[string]string{"id": e.CaseID})
		}
	case EventDocument:
		if e.Field == DocumentUploaded {
			return t.queueWebhookTx(ctx, tx, WebhookDocumentAdded, map[string]string{"case_id": e.CaseID, "name": e.NewValue})
		}
	}
	return nil
}

// DueWebhookDeliveries lists pending deliveries whose time has come, oldest first.
func (t *Store) DueWebhookDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, error) {
	return db.QueryList(ctx, t.Read(), "due webhooks", scanWebhookDelivery, `SELECT d.id, d.endpoint_id, d.event, d.payload, d.created_at, d.next_at, d.last_at, d.attempts, d.state, d.response_code
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.state = 'pending' AND d.next_at <= ? AND e.enabled = 1 ORDER BY d.created_at, d.id LIMIT ?`, t.Clock().Now().Unix(), limit)
}

// WebhookBackoff is the wait after the n-th failed attempt (1-based):
// doubling from 30 s, at most 4 h, so the retries cover about a day.
func WebhookBackoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 4*time.Hour; i++ {
		d *= 2
	}
	return min(d, 4*time.Hour)
}

// RecordWebhookAttempt stores one attempt's outcome. A success marks the
// delivery delivered and resets the endpoint's failures; a failure
// schedules the next try, and after WebhookMaxFailures in a row the
// endpoint is disabled (disabled reports that this attempt did it).
func (t *Store) RecordWebhookAttempt(ctx context.Context, d WebhookDelivery, code int, ok bool) (disabled bool, err error) {
	now := t.Clock().Now()
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		if ok {
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, response_code = ?, last_at = ? WHERE id = ? AND state = 'pending'`,
				code, now.Unix(), d.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = 0 WHERE id = ?`, d.EndpointID)
			return err
		}
		attempts := d.Attempts + 1
		state := "pending"
		if now.Add(WebhookBackoff(attempts)).Sub(d.CreatedAt) > 26*time.Hour {
			state = "failed"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = ?, response_code = ?, last_at = ?, next_at = ? WHERE id = ? AND state = 'pending'`,
			state, attempts, code, now.Unix(), now.Add(WebhookBackoff(attempts)).Unix(), d.ID); err != nil {
			return err
		}
		var failures int
		var enabled bool
		if err := tx.QueryRowContext(ctx, `UPDATE webhook_endpoints SET failures = failures + 1 WHERE id = ? RETURNING failures, enabled`, d.EndpointID).Scan(&failures, &enabled); err != nil {
			return err
		}
		if enabled && failures >= WebhookMaxFailures {
			disabled = true
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = 0, notice_sent = '' WHERE id = ?`, d.EndpointID); err != nil {
				return err
			}
			return t.auditTx(ctx, tx, Audit{ActorName: "Webhook delivery", Action: "webhook.disabled", Target: d.EndpointID,
				Detail: fmt.Sprintf("after %d failed attempts in a row", failures)})
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("db: webhook attempt %s: %w", d.ID, err)
	}
	return disabled, nil
}

// RecordWebhookNotice stores why the email about endpoint id's disabling
// could not be queued (queueErr) and what it is to say (the last
// attempt's code and error), for the next run to try again; a queueErr of
// "" records it queued. sent are the people it has reached so far, whom a
// retry leaves out. An endpoint resumed meanwhile needs no email.
func (t *Store) RecordWebhookNotice(ctx context.Context, id string, code int, detail, queueErr string, sent []string) error {
	if _, err := t.Write().ExecContext(ctx, `UPDATE webhook_endpoints SET notice_error = ?, notice_code = ?, notice_detail = ?, notice_sent = ? WHERE id = ? AND enabled = 0`,
		db.Truncate(queueErr, 1000), code, db.Truncate(detail, 1000), strings.Join(sent, " "), id); err != nil {
		return fmt.Errorf("db: webhook notice %s: %w", id, err)
	}
	return nil
}

// PendingWebhookNotices lists the disabled endpoints whose email to the
// admins is still to be queued.
func (t *Store) PendingWebhookNotices(ctx context.Context) ([]*WebhookEndpoint, error) {
	return db.QueryList(ctx, t.Read(), "pending webhook notices", scanWebhookEndpoint,
		`SELECT `+webhookEndpointColumns+` FROM webhook_endpoints WHERE notice_error != '' AND enabled = 0 ORDER BY created_at, id`)
}

// WebhookDeliveries lists an endpoint's deliveries, newest first.
func (t *Store) WebhookDeliveries(ctx context.Context, endpointID string, limit int) ([]WebhookDelivery, error) {
	return db.QueryList(ctx, t.Read(), "webhook deliveries", scanWebhookDelivery, `SELECT id, endpoint_id, event, payload, created_at, next_at, last_at, attempts, state, response_code
		FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, endpointID, limit)
}

// WebhookDeliveryOf returns one delivery of endpoint endpointID, or not found.
func (t *Store) WebhookDeliveryOf(ctx context.Context, endpointID, id string) (WebhookDelivery, error) {
	d, err := scanWebhookDelivery(t.Read().QueryRowContext(ctx, `SELECT id, endpoint_id, event, payload, created_at, next_at, last_at, attempts, state, response_code
		FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?`, id, endpointID))
	if err != nil {
		return d, db.NotFound(err, "Webhook delivery")
	}
	return d, nil
}

// scanWebhookDelivery reads one delivery row in the column order both lists use.
func scanWebhookDelivery(row db.Scanner) (WebhookDelivery, error) {
	var d WebhookDelivery
	var created, next, last int64
	if err := row.Scan(&d.ID, &d.EndpointID, &d.Event, &d.Payload, &created, &next, &last, &d.Attempts, &d.State, &d.ResponseCode); err != nil {
		return d, err
	}
	d.CreatedAt, d.NextAt, d.LastAt = time.Unix(created, 0), time.Unix(next, 0), db.UnixTime(last)
	return d, nil
}
