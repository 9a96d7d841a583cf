package app

// The six-digit code that confirms a quote's signer (issue 18 point 3):
// made here from crypto/rand, stored hashed by tenant.CreateQuoteCode and
// emailed to the contact who asked, through the outbox.

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// TemplateQuoteCode emails a signing code to the signer.
const TemplateQuoteCode = "quote-code"

// newQuoteCode is tenant.QuoteCodeDigits random decimal digits.
func newQuoteCode() (string, error) {
	max := big.NewInt(1)
	for range tenant.QuoteCodeDigits {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", fmt.Errorf("app: make a quote code: %w", err)
	}
	return fmt.Sprintf("%0*d", tenant.QuoteCodeDigits, n), nil
}

// QuoteCodeRequest is a contact asking for a code to sign a quote.
type QuoteCodeRequest struct {
	Viewer  tenant.Viewer
	Actor   tenant.Actor
	QuoteID string
	Email   string // the signer's, where the code goes
	Lang    string // the signer's language
	Today   string // the agency's date
	BaseURL string
}

// SendQuoteCode stores a new signing code for the contact on the quote
// (refused when the quote can't be answered or too many codes were asked
// for) and queues its email to the contact.
func SendQuoteCode(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, in QuoteCodeRequest) (*tenant.Quote, error) {
	code, err := newQuoteCode()
	if err != nil {
		return nil, err
	}
	q, err := t.CreateQuoteCode(ctx, in.Viewer, in.Actor, in.QuoteID, in.Email, code, in.Today)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Lang": in.Lang, "AgencyName": a.Name, "Quote": q.Label(), "Code": code,
		"Minutes": int(tenant.QuoteCodeTTL.Minutes()), "Link": strings.TrimRight(in.BaseURL, "/") + "/a/" + a.Slug + "/portal/quotes/" + q.ID}
	if err := m.QueueWithAttachments(ctx, a.ID, in.Email, TemplateQuoteCode, data, nil); err != nil {
		return nil, fmt.Errorf("app: email the code of quote %s: %w", q.ID, err)
	}
	return q, nil
}
