package tenant

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/db"
)

// WebhookEvents maps the audit actions that cause a webhook to the event
// type sent. A delivery is queued by auditTx, inside the transaction of
// the change itself: rolled back together, committed together.
var WebhookEvents = map[string]string{
	"client.created":   "client.created",
	"client.updated":   "client.updated",
	"invoice.issued":   "invoice.issued",
	"invoice.voided":   "invoice.voided",
	"payment.recorded": "payment.recorded",
	"quote.accepted":   "quote.accepted",
	"quote.declined":   "quote.declined",
}

// WebhookMaxFailures is how many failed attempts in a row disable an endpoint.
const WebhookMaxFailures = 15

// WebhookEndpoint is one address an agency's events are posted to.
type WebhookEndpoint struct {
	ID        string
	URL       string
	Events    []string
	Secret    string
	Enabled   bool
	Failures  int
	CreatedAt time.Time
}

// WebhookDelivery is one queued or sent event for one endpoint.
type WebhookDelivery struct {
	ID           string
	EndpointID   string
	Event        string
	Payload      string
	CreatedAt    time.Time
	NextAt       time.Time
	Attempts     int
	State        string
	ResponseCode int
}

// CreateWebhookEndpoint stores an endpoint whose address the caller has
// already checked (webhook.CheckURL) with a new signing secret.
func (t *Store) CreateWebhookEndpoint(ctx context.Context, url string, events []string) (*WebhookEndpoint, error) {
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	e := &WebhookEndpoint{ID: uuid.NewString(), URL: url, Events: events, Secret: "whsec_" + base64.StdEncoding.EncodeToString(key),
		Enabled: true, CreatedAt: time.Unix(t.Clock().Now().Unix(), 0)}
	_, err := t.Write().ExecContext(ctx, `INSERT INTO webhook_endpoints (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)`,
		e.ID, e.URL, strings.Join(events, " "), e.Secret, e.CreatedAt.Unix())
	if err != nil {
		return nil, fmt.Errorf("db: webhook endpoint: %w", err)
	}
	return e, nil
}

// WebhookEndpoint returns one endpoint; sql.ErrNoRows maps to not found.
func (t *Store) WebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error) {
	var e WebhookEndpoint
	var events string
	var created int64
	err := t.Read().QueryRowContext(ctx, `SELECT id, url, events, secret, enabled, failures, created_at FROM webhook_endpoints WHERE id = ?`, id).
		Scan(&e.ID, &e.URL, &events, &e.Secret, &e.Enabled, &e.Failures, &created)
	if err != nil {
		return nil, fmt.Errorf("db: webhook endpoint %s: %w", id, err)
	}
	e.Events, e.CreatedAt = strings.Fields(events), time.Unix(created, 0)
	return &e, nil
}

// queueWebhooksTx queues one delivery per enabled endpoint that chose the
// event caused by audit action a, in the change's own transaction.
func (t *Store) queueWebhooksTx(ctx context.Context, tx *sql.Tx, a Audit) error {
	event, ok := WebhookEvents[a.Action]
	if !ok {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, events FROM webhook_endpoints WHERE enabled = 1`)
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
		for _, e := range strings.Fields(events) {
			if e == event {
				ids = append(ids, id)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := t.Clock().Now().Unix()
	for _, id := range ids {
		msgID := "msg_" + uuid.NewString()
		body, _ := json.Marshal(map[string]any{"type": event, "timestamp": time.Unix(now, 0).UTC().Format(time.RFC3339),
			"data": map[string]string{"id": a.Target}})
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, event, payload, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)`,
			msgID, id, event, string(body), now, now); err != nil {
			return fmt.Errorf("db: webhook delivery: %w", err)
		}
	}
	return nil
}

// DueWebhookDeliveries lists pending deliveries whose time has come, oldest first.
func (t *Store) DueWebhookDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, error) {
	return db.QueryList(ctx, t.Read(), "due webhooks", scanWebhookDelivery, `SELECT d.id, d.endpoint_id, d.event, d.payload, d.created_at, d.next_at, d.attempts, d.state, d.response_code
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
			_, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = 0 WHERE id = ?`, d.EndpointID)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("db: webhook attempt %s: %w", d.ID, err)
	}
	return disabled, nil
}

// WebhookDeliveries lists an endpoint's deliveries, newest first.
func (t *Store) WebhookDeliveries(ctx context.Context, endpointID string, limit int) ([]WebhookDelivery, error) {
	return db.QueryList(ctx, t.Read(), "webhook deliveries", scanWebhookDelivery, `SELECT id, endpoint_id, event, payload, created_at, next_at, attempts, state, response_code
		FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, endpointID, limit)
}

// scanWebhookDelivery reads one delivery row in the column order both lists use.
func scanWebhookDelivery(row db.Scanner) (WebhookDelivery, error) {
	var d WebhookDelivery
	var created, next int64
	if err := row.Scan(&d.ID, &d.EndpointID, &d.Event, &d.Payload, &created, &next, &d.Attempts, &d.State, &d.ResponseCode); err != nil {
		return d, err
	}
	d.CreatedAt, d.NextAt = time.Unix(created, 0), time.Unix(next, 0)
	return d, nil
}
