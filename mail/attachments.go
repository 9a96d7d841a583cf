package mail

import (
	"context"

	"mintedmind/db/control"
)

// QueueWithAttachments is Queue with files: the rendered email and its
// files are stored together in the outbox (outbox_attachments), so that a
// retry after an SMTP failure sends exactly what was queued, and the PDF
// of an invoice is the one of the moment it was sent. Without SMTP the
// log names the files.
func (m *Mailer) QueueWithAttachments(ctx context.Context, agencyID, to, name string, data any, atts []control.EmailAttachment) error {
	return m.queue(ctx, agencyID, to, name, data, atts, Options{})
}
