package app

// The signed record of an accepted quote (issue 18): the quote's PDF as
// accepted, with a last page that attests the signature, the signer,
// when (UTC and the agency's zone), from where, the audit trail and the
// SHA-256 of the document body. tenant.AcceptQuote calls the seal made
// here inside its transaction and stores the PDF with its own SHA-256.

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"time"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// quoteEventSentences say what each kind of quote event was; %s is who
// did it.
var quoteEventSentences = map[string]string{
	"created":        "%s drafted the quote",
	"revised":        "%s drafted a new version",
	"sent":           "%s sent the quote",
	"viewed":         "%s opened the quote",
	"reminded":       "The client's contacts were reminded of the validity date",
	"asked":          "%s asked a question",
	"answered":       "%s answered a question",
	"code_sent":      "A signing code was emailed to %s",
	"code_confirmed": "%s confirmed the emailed signing code",
	"accepted":       "%s accepted and signed the quote",
	"declined":       "%s declined the quote",
	"withdrawn":      "%s withdrew the quote",
	"expired":        "The quote expired",
	// What the acceptance started (tenant.QuoteStarts), by the signer's acceptance.
	"case_opened":       "A case was opened on %s's acceptance",
	"case_moved":        "The case was moved on %s's acceptance",
	"deposit_invoiced":  "The deposit invoice was issued on %s's acceptance",
	"recurring_started": "A recurring invoice was started on %s's acceptance",
}

// QuoteEventSentence says what a quote event was, for the timeline and
// the signed PDF's audit trail.
func QuoteEventSentence(e tenant.QuoteEvent) string {
	sentence, ok := quoteEventSentences[e.Kind]
	if !ok {
		sentence = e.Kind + " (%s)"
	}
	actor := e.ActorName
	if actor == "" {
		actor = "Someone"
	}
	return strings.Replace(sentence, "%s", actor, 1)
}

// signatureKindText says how the signer signed, on the attestation page.
var signatureKindText = map[string]string{
	tenant.SignatureDrawn: "drawn by hand in the portal (the image above)",
	tenant.SignatureTyped: "the typed full name (above)",
}

// bothZones writes an instant in UTC and, when it differs, in zone.
func bothZones(t time.Time, zone *time.Location) string {
	out := t.UTC().Format("2006-01-02 15:04:05 UTC")
	if zone != nil && zone != time.UTC && zone.String() != "UTC" {
		out += " (" + t.In(zone).Format("2006-01-02 15:04:05 MST") + ", " + zone.String() + ")"
	}
	return out
}

// SignedQuoteDocument is the signed PDF's content: the quote as accepted
// and its attestation page.
func SignedQuoteDocument(q *tenant.Quote, trail []tenant.QuoteEvent, s tenant.BillingSettings, agencyName string, zone *time.Location) invoicepdf.Document {
	d := QuoteDocument(q, s, agencyName)
	a := q.Acceptance
	if a == nil {
		return d
	}
	d.Status = "ACCEPTED AND SIGNED"
	d.Created = a.AcceptedAt
	att := &invoicepdf.Attestation{Heading: "Signature and audit trail", SignatureText: a.SignerName, SignaturePNG: a.SignaturePNG, TrailHeading: "Audit trail",
		Rows: [][2]string{
			{"Document", q.Label() + " (" + agencyName + " to " + q.ClientName + ")"},
			{"Signed by", a.SignerName},
			{"Signature", signatureKindText[a.SignatureKind]},
			{"Signer's email", a.SignerEmail},
			{"Signed at", bothZones(a.AcceptedAt, zone)},
			{"IP address", a.IP},
			{"Browser", a.UserAgent},
			{"Total accepted", billing.FormatMoney(a.Total, q.Currency)},
		},
		Closing: "SHA-256 of the document body (the quote's text as accepted: parties, lines chosen, totals, deposit, terms): " + a.DocumentSHA256 +
			". This PDF is recorded by its own SHA-256 at signing; " + agencyName + "'s verify page tells whether a copy is unchanged."}
	for _, e := range trail {
		att.Trail = append(att.Trail, bothZones(e.At, zone)+" · "+QuoteEventSentence(e))
	}
	d.Attestation = att
	return d
}

// QuoteSeal is the seal tenant.AcceptQuote calls to render the signed PDF.
func QuoteSeal(s tenant.BillingSettings, agencyName string, zone *time.Location) func(*tenant.Quote, []tenant.QuoteEvent) ([]byte, error) {
	return func(q *tenant.Quote, trail []tenant.QuoteEvent) ([]byte, error) {
		var b bytes.Buffer
		if err := invoicepdf.Write(&b, SignedQuoteDocument(q, trail, s, agencyName, zone)); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
}

// SignedQuoteFilename is the signed PDF's file name.
func SignedQuoteFilename(q *tenant.Quote) string {
	return strings.TrimSuffix(QuoteFilename(q), ".pdf") + "-signed.pdf"
}

// TemplateQuoteSigned sends the signed PDF to the signer and the quote's author.
const TemplateQuoteSigned = "quote-signed"

// MailSignedQuote emails the signed PDF of an accepted quote to both
// sides: the signer and the quote's author (when still active). These
// are records of a contract, not notifications: nobody opts out of them.
func MailSignedQuote(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, q *tenant.Quote, signed *tenant.SignedDocument, baseURL string) error {
	if q.Acceptance == nil {
		return nil
	}
	att := []control.EmailAttachment{{Filename: SignedQuoteFilename(q), ContentType: "application/pdf", Data: signed.PDF}}
	base := strings.TrimRight(baseURL, "/") + "/a/" + a.Slug
	data := map[string]any{"AgencyName": a.Name, "ClientName": q.ClientName, "Quote": q.Label(), "Signer": q.Acceptance.SignerName,
		"SignedAt": q.Acceptance.AcceptedAt.UTC().Format("2006-01-02 15:04 UTC"), "Total": billing.FormatMoney(q.Total, q.Currency),
		"BodySHA256": signed.BodySHA256, "SHA256": signed.SHA256, "VerifyLink": base + "/verify", "ForClient": false}
	var errs []error
	if to := q.Acceptance.SignerEmail; to != "" {
		data["Link"] = base + "/portal/quotes/" + q.ID
		errs = append(errs, m.QueueWithAttachments(ctx, a.ID, to, TemplateQuoteSigned, copyData(data, "ForClient", true), att))
	}
	authors, err := t.QuoteAuthor(ctx, q.ID)
	if err != nil {
		return err
	}
	for _, u := range authors {
		errs = append(errs, m.QueueWithAttachments(ctx, a.ID, u.Email, TemplateQuoteSigned, copyData(data, "Link", base+"/quotes/"+q.ID), att))
	}
	return errors.Join(errs...)
}

// copyData is data with key set to value, data unchanged.
func copyData(data map[string]any, key string, value any) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = v
	}
	out[key] = value
	return out
}
