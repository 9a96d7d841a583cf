package mail

import (
	"context"
	"fmt"
	"strings"

	"mintedmind/db/control"
	"mintedmind/metrics"
)

// SendNow renders emails/<name>.txt and .html with data and delivers it to `to` at
// once, past the outbox: the operator's storage alerts must go out when
// the control database, where the outbox lives, can take no write (a full
// or read-only disk). Without SMTP the email is written to the log. A
// failure is returned for the caller to retry; nothing is recorded.
func (m *Mailer) SendNow(ctx context.Context, to, name string, data any) error {
	to = strings.TrimSpace(to)
	if err := checkRecipient(to); err != nil {
		return fmt.Errorf("mail: send %s: %w", name, err)
	}
	r, err := m.render(ctx, "", name, data, Options{})
	if err != nil {
		return fmt.Errorf("mail: send %s: %w", name, err)
	}
	parts, err := r.parts()
	if err != nil {
		return fmt.Errorf("mail: send %s: %w", name, err)
	}
	subject, body := r.subject, r.text
	e := &control.Email{To: to, Subject: subject, Body: body, Attachments: parts}
	if m.server == nil {
		m.log.Info("mail: no SMTP configured, email written to the log instead", "to", to, "subject", subject, "body", body)
		metrics.EmailLogged()
		return nil
	}
	conn := m.dial(ctx)
	defer conn.close(m.log)
	if err := conn.send(m.cfg.From, e); err != nil {
		metrics.EmailRetry()
		return fmt.Errorf("mail: send %s to %s: %w", name, to, err)
	}
	metrics.EmailSent()
	m.log.Info("mail sent at once", "template", name, "subject", subject)
	return nil
}
