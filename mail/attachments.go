package mail

import (
	"context"
	"fmt"

	"mintedmind/db/control"
)

// QueueWithAttachments is Queue with files: the rendered email and its
// files are stored together in the outbox (outbox_attachments), so that a
// retry after an SMTP failure sends exactly what was queued, and the PDF
// of an invoice is the one of the moment it was sent. Without SMTP the
// log names the files.
func (m *Mailer) QueueWithAttachments(ctx context.Context, agencyID, to, name string, data any, atts []control.EmailAttachment) error {
	if len(atts) == 0 {
		return m.Queue(ctx, agencyID, to, name, data)
	}
	if err := checkRecipient(to); err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	t, ok := m.templates[name]
	if !ok {
		return fmt.Errorf("mail: queue %s: no template %s/%s.txt", name, templateDir, name)
	}
	subject, body, err := t.render(data)
	if err != nil {
		return fmt.Errorf("mail: render %s: %w", name, err)
	}
	e, err := m.ctl.QueueEmailWithAttachments(ctx, agencyID, to, subject, body, atts)
	if err != nil {
		return fmt.Errorf("mail: queue %s: %w", name, err)
	}
	m.log.Debug("mail queued", "agency_id", agencyID, "email_id", e.ID, "template", name, "attachments", len(atts))
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return nil
}
