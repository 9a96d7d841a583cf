// Package mail sends the application's email through the outbox: Queue
// renders a template and stores the message in the control database, and a
// sender loop delivers it over SMTP with retries — or, when no SMTP server
// is configured, writes it to the log so a new install still gets its links.
package mail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/metrics"
)

const (
	// pollInterval is how often Run looks for retries that came due.
	pollInterval = 5 * time.Second
	// dialTimeout bounds the connection and every SMTP command, so a dead
	// server cannot hang the sender loop.
	dialTimeout = 10 * time.Second
	// batchSize is how many due emails Flush loads at a time.
	batchSize = 100
	// claimLease is how long a batch claimed from a PostgreSQL outbox stays
	// this machine's (control.Store.ClaimDueEmails): longer than a batch's
	// sends take, short enough that a dead machine's emails go out soon.
	claimLease = 15 * time.Minute
	// maxAttempts is the number of tries before an email is marked failed.
	maxAttempts = 7
)

// retryDelay returns how long to wait after the given number of failed
// attempts (1 to maxAttempts-1): 1m, 5m, 15m, 1h, 3h, 6h.
func retryDelay(failures int) time.Duration {
	delays := [...]time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}
	return delays[min(max(failures, 1), len(delays))-1]
}

// Config says where mail goes.
type Config struct {
	// URL is the SMTP server: smtp://[user:pass@]host[:port] (STARTTLS when
	// offered, default port 587), smtps://[user:pass@]host[:port] (implicit
	// TLS, 465) or smtp+insecure://host[:port] (no TLS, 25). Empty means no
	// SMTP: mail is written to the log and kept in the outbox as "logged".
	URL string
	// From is the sender, e.g. "MintedMind <no-reply@example.com>".
	From string
}

// Mailer queues email in the outbox and delivers it.
type Mailer struct {
	ctl       *control.Store
	cfg       Config
	server    *SMTPServer // nil without SMTP
	templates map[string]*emailTemplate
	html      *htmlEmails
	brand     BrandFunc // nil: every email has the platform's brand
	clock     clock.Clock
	log       *slog.Logger

	wake    chan struct{} // buffered 1: Queue's nudge to Run
	flushMu sync.Mutex    // one Flush at a time, so no email is sent twice
}

// New checks cfg, loads every emails/*.txt template from templates with
// its emails/*.html twin and the HTML layout, and returns a Mailer; call
// Run to start delivering.
func New(ctl *control.Store, cfg Config, templates fs.FS, clk clock.Clock, log *slog.Logger) (*Mailer, error) {
	if ctl == nil {
		return nil, errors.New("mail: no control database")
	}
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.Default()
	}
	m := &Mailer{ctl: ctl, cfg: cfg, clock: clk, log: log, wake: make(chan struct{}, 1)}
	if cfg.URL != "" {
		s, err := ParseURL(cfg.URL)
		if err != nil {
			return nil, err
		}
		if cfg.From == "" {
			return nil, errors.New("mail: a sender address (From) is required with an SMTP URL")
		}
		m.server = s
	}
	if cfg.From != "" {
		if _, err := netmail.ParseAddress(cfg.From); err != nil {
			return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
		}
	}
	t, err := loadTemplates(templates)
	if err != nil {
		return nil, err
	}
	m.templates = t
	if m.html, err = loadHTML(templates, t); err != nil {
		return nil, err
	}
	return m, nil
}

// Configured reports whether an SMTP server is set.
func (m *Mailer) Configured() bool { return m.server != nil }

// MaskedURL returns the SMTP URL with its password replaced by "xxxxx", for
// the startup log; it is empty without SMTP.
func (m *Mailer) MaskedURL() string {
	if m.cfg.URL == "" {
		return ""
	}
	return maskURL(m.cfg.URL)
}

// Queue renders emails/<name>.txt and emails/<name>.html with data,
// stores the message in the outbox for agencyID ("" for platform mail) and
// wakes the sender. A `to` that is not exactly one valid address is an
// invalid-input error.
func (m *Mailer) Queue(ctx context.Context, agencyID, to, name string, data any) error {
	return m.queue(ctx, agencyID, to, name, data, nil, Options{})
}

// QueueWith is Queue with a Reply-To and, for notifications, the one-click
// opt-out address.
func (m *Mailer) QueueWith(ctx context.Context, agencyID, to, name string, data any, opts Options) error {
	return m.queue(ctx, agencyID, to, name, data, nil, opts)
}

func (m *Mailer) queue(ctx context.Context, agencyID, to, name string, data any, atts []control.EmailAttachment, opts Options) error {
	to = strings.TrimSpace(to)
	if err := checkRecipient(to); err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	r, err := m.render(ctx, agencyID, name, data, opts)
	if err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	parts, err := r.parts()
	if err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	e, err := m.ctl.QueueEmailWithAttachments(ctx, agencyID, to, r.subject, r.text, append(append([]control.EmailAttachment{}, atts...), parts...))
	if err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	m.log.Debug("mail queued", "agency_id", agencyID, "email_id", e.ID, "template", name, "attachments", len(atts))
	select {
	case m.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
	return nil
}

// checkRecipient refuses anything but one plain address: line breaks would
// let a caller add headers, and a list would send one email to many.
func checkRecipient(to string) error {
	if strings.ContainsAny(to, "\r\n") {
		return apperr.New(apperr.Invalid, "The email address must be on one line.")
	}
	if _, err := netmail.ParseAddress(to); err != nil {
		return apperr.New(apperr.Invalid, "%q is not a valid email address.", to)
	}
	return nil
}

// Run delivers due email until ctx is done: at once when Queue wakes it,
// and every five seconds for retries that came due.
func (m *Mailer) Run(ctx context.Context) {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		if err := m.Flush(ctx); err != nil && ctx.Err() == nil {
			m.log.Error("mail: flush outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-ticker.C:
		}
	}
}

// Flush makes one attempt at every email due now and returns. Failed
// deliveries are recorded on the email and logged, not returned; the error
// is for the outbox itself (database, context).
func (m *Mailer) Flush(ctx context.Context) error {
	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	var conn *connection
	defer func() {
		if conn != nil {
			conn.close(m.log)
		}
	}()
	// Each email leaves the due set after its attempt (sent, logged, failed,
	// or pending later), so re-querying cannot return it again in this Flush.
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("mail: flush: %w", err)
		}
		due, err := m.ctl.ClaimDueEmails(ctx, batchSize, claimLease)
		if err != nil {
			return fmt.Errorf("mail: load due emails: %w", err)
		}
		for _, e := range due {
			if m.server == nil {
				if err := m.logEmail(ctx, e); err != nil {
					return err
				}
				continue
			}
			if err := m.ctl.LoadAttachments(ctx, e); err != nil {
				return fmt.Errorf("mail: load attachments of %s: %w", e.ID, err)
			}
			if conn == nil {
				conn = m.dial(ctx)
			}
			if err := m.record(ctx, e, conn.send(m.cfg.From, e)); err != nil {
				return err
			}
		}
		if len(due) < batchSize {
			return nil
		}
	}
}

// logEmail is delivery without SMTP: the whole email goes to the log, since
// that is how a new install gets its invite and reset links.
func (m *Mailer) logEmail(ctx context.Context, e *control.Email) error {
	ctx = context.WithoutCancel(ctx) // the email is out: record it even during shutdown
	m.log.Info("mail: no SMTP configured, email written to the log instead",
		"agency_id", e.AgencyID, "email_id", e.ID, "to", e.To, "subject", e.Subject, "body", e.Body)
	metrics.EmailLogged()
	if err := m.ctl.MarkEmail(ctx, e.ID, control.EmailLogged, "", m.clock.Now()); err != nil {
		return fmt.Errorf("mail: mark email %s logged: %w", e.ID, err)
	}
	return nil
}

// record stores the outcome of one delivery attempt: sent, pending again
// after a backoff, or failed for good after maxAttempts.
func (m *Mailer) record(ctx context.Context, e *control.Email, sendErr error) error {
	// The attempt happened: record it even if shutdown began meanwhile, or a
	// sent email would go out again on the next start.
	ctx = context.WithoutCancel(ctx)
	now := m.clock.Now()
	if sendErr == nil {
		m.log.Info("mail sent", "agency_id", e.AgencyID, "email_id", e.ID, "attempt", e.Attempts+1)
		metrics.EmailSent()
		if err := m.ctl.MarkEmail(ctx, e.ID, control.EmailSent, "", now); err != nil {
			return fmt.Errorf("mail: mark email %s sent: %w", e.ID, err)
		}
		return nil
	}
	failures := e.Attempts + 1
	status, retryAt := control.EmailPending, now.Add(retryDelay(failures))
	if failures >= maxAttempts {
		status, retryAt = control.EmailFailed, now
		metrics.EmailFailed()
		m.log.Error("mail: giving up on email", "agency_id", e.AgencyID, "email_id", e.ID,
			"attempts", failures, "err", sendErr)
	} else {
		metrics.EmailRetry()
		m.log.Warn("mail: send failed, will retry", "agency_id", e.AgencyID, "email_id", e.ID,
			"attempt", failures, "retry_at", retryAt, "err", sendErr)
	}
	if err := m.ctl.MarkEmail(ctx, e.ID, status, sendErr.Error(), retryAt); err != nil {
		return fmt.Errorf("mail: mark email %s %s: %w", e.ID, status, err)
	}
	return nil
}
