package app

import (
	"context"

	"mintedmind/db/tenant"
)

// IssueRecipients is who issuing one of a client's invoices emails: the
// client's active portal contacts who want case and invoice emails
// (NotifyInvoiceContacts writes to each), and the client's own address,
// which issuing does not email (staff send the PDF there with the
// invoice's "Email" button; the recurring job does when its schedule says
// so). The issue confirmation shows both.
type IssueRecipients struct {
	Contacts      []*tenant.User
	ClientAddress string // "" when the client has none
}

// InvoiceRecipients reads who issuing clientID's invoice emails.
func InvoiceRecipients(ctx context.Context, t *tenant.Store, clientID string) (IssueRecipients, error) {
	var out IssueRecipients
	contacts, err := emailedContacts(ctx, t, clientID)
	if err != nil {
		return out, err
	}
	out.Contacts = contacts
	out.ClientAddress, err = t.ClientEmail(ctx, clientID)
	return out, err
}

// emailedContacts are the client's active portal contacts who want case
// and invoice emails, by name.
func emailedContacts(ctx context.Context, t *tenant.Store, clientID string) ([]*tenant.User, error) {
	contacts, err := t.ActiveContacts(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var out []*tenant.User
	for _, u := range contacts {
		ok, err := t.WantsEmail(ctx, u.ID, tenant.EmailCaseUpdates)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, nil
}
