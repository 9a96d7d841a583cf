package app

import (
	"context"
	"encoding/base64"
	"strings"

	"mintedmind/auth"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/mail"
)

// A notification email carries a one-click opt-out of its kind (RFC 8058:
// List-Unsubscribe and List-Unsubscribe-Post): a link whose token names
// the person and the kind, signed under the installation's secret with the
// agency's id, so it is good for that person, that kind and that agency
// only. It never expires: an old email still turns its kind off.

// unsubscribeSig is what the token's signature covers.
func unsubscribeSig(secret []byte, agencyID, payload string) string {
	return auth.Sign(secret, "unsubscribe:"+agencyID+":"+payload)
}

// UnsubscribeToken is the token of userID's opt-out of kind at agencyID.
func UnsubscribeToken(secret []byte, agencyID, userID, kind string) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(userID + ":" + kind))
	return payload + "." + unsubscribeSig(secret, agencyID, payload)
}

// ParseUnsubscribeToken returns the person and the kind a token names, if
// it was signed for agencyID and the kind is one of tenant.EmailKinds.
func ParseUnsubscribeToken(secret []byte, agencyID, token string) (userID, kind string, ok bool) {
	payload, sig, found := strings.Cut(token, ".")
	if !found || payload == "" || !auth.Equal(sig, unsubscribeSig(secret, agencyID, payload)) {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", false
	}
	userID, kind, found = strings.Cut(string(raw), ":")
	if !found || userID == "" || !KnownEmailKind(kind) {
		return "", "", false
	}
	return userID, kind, true
}

// KnownEmailKind reports whether kind is a kind of notification email.
func KnownEmailKind(kind string) bool {
	for _, k := range tenant.EmailKinds {
		if k.Key == kind {
			return true
		}
	}
	return false
}

// UnsubscribePath is the opt-out page of a token, under the agency.
func UnsubscribePath(slug, token string) string {
	return "/a/" + slug + "/email/unsubscribe/" + token
}

// NotificationMailer queues an email with its Reply-To and opt-out.
type NotificationMailer interface {
	QueueWith(ctx context.Context, agencyID, to, template string, data any, opts mail.Options) error
}

// optOutMailer is a mailer that also holds the key that signs opt-out
// links (mail.Mailer), for callers that have no other way to it.
type optOutMailer interface {
	NotificationMailer
	UnsubscribeSecret(ctx context.Context) ([]byte, error)
}

// Notification is one notification email to one person.
type Notification struct {
	Secret   []byte // the installation's secret, for the opt-out token
	BaseURL  string // the site, for the opt-out link
	Kind     string // a tenant.EmailKinds key
	Template string
	Data     any
	ReplyTo  string // "" for none
	// Answer, when set, gives the Reply-To instead of ReplyTo, asked only
	// once the mail is to be sent (a case's reply token is issued for mail
	// that goes out, not for a person who turned the kind off).
	Answer func(ctx context.Context) (string, error)
}

// Notify queues n to u unless u turned n.Kind off, with a List-Unsubscribe
// link that turns it off in one click. It reports whether it queued.
func Notify(ctx context.Context, m NotificationMailer, a *control.Agency, t *tenant.Store, u *tenant.User, n Notification) (bool, error) {
	ok, err := t.WantsEmail(ctx, u.ID, n.Kind)
	if err != nil || !ok {
		return false, err
	}
	replyTo := n.ReplyTo
	if n.Answer != nil {
		if replyTo, err = n.Answer(ctx); err != nil {
			return false, err
		}
	}
	opts := mail.Options{ReplyTo: replyTo,
		Unsubscribe: strings.TrimRight(n.BaseURL, "/") + UnsubscribePath(a.Slug, UnsubscribeToken(n.Secret, a.ID, u.ID, n.Kind))}
	if err := m.QueueWith(ctx, a.ID, u.Email, n.Template, n.Data, opts); err != nil {
		return false, err
	}
	return true, nil
}
