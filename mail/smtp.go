package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"mintedmind/db/control"
)

// connection is one SMTP session, shared by the emails of a Flush batch. A
// failed dial or a dropped connection is kept as err, so the rest of the
// batch fails fast and is retried later instead of waiting on a dead server.
type connection struct {
	client *gomail.Client
	smtp   *gosmtp.Client
	err    error
}

// newClient returns a go-mail client for the server.
func (s *SMTPServer) newClient() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(dialTimeout)}
	switch s.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.Username != "" {
		// Auto-discovery picks the strongest mechanism the server offers and
		// never sends a password in clear over an unencrypted connection.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client for %s:%d: %w", s.Host, s.Port, err)
	}
	return c, nil
}

// dial connects to the SMTP server; a failure is kept in the connection.
func (m *Mailer) dial(ctx context.Context) *connection {
	client, err := m.server.newClient()
	if err != nil {
		return &connection{err: err}
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return &connection{err: fmt.Errorf("connect to SMTP server %s:%d: %w", m.server.Host, m.server.Port, err)}
	}
	return &connection{client: client, smtp: sc}
}

// send delivers one email over the connection.
func (c *connection) send(from string, e *control.Email) error {
	if c.err != nil {
		return c.err
	}
	o, err := splitParts(e.Attachments)
	if err != nil {
		return err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if o.headers.FromName != "" {
		addr, err := netmail.ParseAddress(from)
		if err != nil {
			return fmt.Errorf("sender %q: %w", from, err)
		}
		from = (&netmail.Address{Name: o.headers.FromName, Address: addr.Address}).String()
	}
	if err := msg.From(from); err != nil {
		return fmt.Errorf("sender %q: %w", from, err)
	}
	if err := msg.To(e.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	if o.headers.ReplyTo != "" {
		if err := msg.ReplyTo(o.headers.ReplyTo); err != nil {
			return fmt.Errorf("reply-to: %w", err)
		}
	}
	if o.headers.Unsubscribe != "" {
		// RFC 8058: a POST to the address opts out; no mailto alternative.
		msg.SetListUnsubscribe(o.headers.Unsubscribe)
		msg.SetListUnsubscribePost()
	}
	msg.Subject(e.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, e.Body)
	if o.html != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, o.html)
	}
	for _, a := range o.inline {
		if err := msg.EmbedReader(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)), gomail.WithFileContentID("<"+logoCID+">")); err != nil {
			return fmt.Errorf("embed %s: %w", a.Filename, err)
		}
	}
	for _, a := range o.files {
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return fmt.Errorf("attach %s: %w", a.Filename, err)
		}
	}
	err = c.client.SendWithSMTPClient(c.smtp, msg)
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) && sendErr.Reason == gomail.ErrConnCheck {
		c.err = fmt.Errorf("SMTP connection lost: %w", err)
	}
	return err
}

// close ends the SMTP session politely.
func (c *connection) close(log *slog.Logger) {
	if c.smtp == nil {
		return
	}
	if err := c.client.CloseWithSMTPClient(c.smtp); err != nil {
		log.Warn("mail: close SMTP connection", "err", err)
	}
}
