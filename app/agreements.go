package app

// Agreements without a quote (issue 18 point 4): sent to their signers in
// order, each emailed when it is their turn, signed with the code and the
// signature of a quote's acceptance (newQuoteCode, ParseSignature, the
// store's signingCodes), and sealed, once the last has signed, into a
// signed PDF with every signer and the audit trail, stored by its SHA-256
// (the verify page's) and emailed to both sides.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// Emails of agreements.
const (
	TemplateAgreementTurn   = "agreement-turn"
	TemplateAgreementCode   = "agreement-code"
	TemplateAgreementSigned = "agreement-signed"
)

// agreementEventSentences say what each kind of agreement event was; %s
// is who did it.
var agreementEventSentences = map[string]string{
	"created":        "%s drafted the agreement",
	"sent":           "%s sent the agreement to its signers",
	"code_sent":      "A signing code was emailed to %s",
	"code_confirmed": "%s confirmed the emailed signing code",
	"signed":         "%s signed the agreement",
	"completed":      "Every signer has signed: the agreement is complete",
}

// AgreementEventSentence says what an agreement event was, for its
// timeline and the signed PDF's audit trail.
func AgreementEventSentence(e tenant.QuoteEvent) string {
	sentence, ok := agreementEventSentences[e.Kind]
	if !ok {
		sentence = e.Kind + " (%s)"
	}
	actor := e.ActorName
	if actor == "" {
		actor = "Someone"
	}
	return strings.Replace(sentence, "%s", actor, 1)
}

func agreementLink(baseURL string, a *control.Agency, g *tenant.Agreement, portal bool) string {
	base := strings.TrimRight(baseURL, "/") + "/a/" + a.Slug
	if portal {
		return base + "/portal/agreements/" + g.ID
	}
	return base + "/agreements/" + g.ID
}

// mailTurn emails the signer whose turn it now is (none when complete);
// after is who signed just before ("" for the first).
func mailTurn(ctx context.Context, m Mailer, a *control.Agency, g *tenant.Agreement, after, baseURL string) error {
	cur := g.Current()
	if cur == nil {
		return nil
	}
	data := map[string]any{"AgencyName": a.Name, "ClientName": g.ClientName, "Agreement": g.Title, "After": after, "Position": cur.Position,
		"Signers": len(g.Signers), "Link": agreementLink(baseURL, a, g, true)}
	if err := m.QueueWithAttachments(ctx, a.ID, cur.Email, TemplateAgreementTurn, data, nil); err != nil {
		return fmt.Errorf("app: email signer %d of agreement %s: %w", cur.Position, g.ID, err)
	}
	return nil
}

// SendAgreement sends a draft (tenant.SendAgreement) and emails its first
// signer. An error sending is returned first; the email's error second.
func SendAgreement(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, id string, audit tenant.Audit, baseURL string) (*tenant.Agreement, error, error) {
	g, err := t.SendAgreement(ctx, v, actor, id, a.Name, audit)
	if err != nil {
		return nil, err, nil
	}
	return g, nil, mailTurn(ctx, m, a, g, "", baseURL)
}

// SendAgreementCode stores a new signing code for the contact whose turn
// it is on agreement id and emails it to them.
func SendAgreementCode(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, id, email, baseURL string) (*tenant.Agreement, error) {
	code, err := newQuoteCode()
	if err != nil {
		return nil, err
	}
	g, err := t.CreateAgreementCode(ctx, v, actor, id, email, code)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"AgencyName": a.Name, "Agreement": g.Title, "Code": code, "Minutes": int(tenant.QuoteCodeTTL.Minutes()),
		"Link": agreementLink(baseURL, a, g, true)}
	if err := m.QueueWithAttachments(ctx, a.ID, email, TemplateAgreementCode, data, nil); err != nil {
		return nil, fmt.Errorf("app: email the code of agreement %s: %w", g.ID, err)
	}
	return g, nil
}

// SignAgreement records the contact's signature (tenant.SignAgreement,
// sealed with the agency's signed PDF), then emails the next signer, or,
// when it completed the agreement, the signed PDF to every signer and the
// agreement's author. An error signing is returned first; the emails'
// errors second.
func SignAgreement(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, actor tenant.Actor, id string, in tenant.Signing,
	s tenant.BillingSettings, zone *time.Location, audit tenant.Audit, baseURL string) (*tenant.Agreement, error, error) {
	in.Seal = AgreementSeal(s, a.Name, zone)
	g, err := t.SignAgreement(ctx, v, actor, id, in, audit)
	if err != nil {
		return nil, err, nil
	}
	if m == nil {
		return g, nil, errors.New("app: no mailer")
	}
	if g.State != tenant.AgreementCompleted {
		return g, nil, mailTurn(ctx, m, a, g, strings.Join(strings.Fields(in.SignerName), " "), baseURL)
	}
	return g, nil, mailSignedAgreement(ctx, m, a, t, v, g, baseURL)
}

func mailSignedAgreement(ctx context.Context, m Mailer, a *control.Agency, t *tenant.Store, v tenant.Viewer, g *tenant.Agreement, baseURL string) error {
	signed, err := t.SignedAgreement(ctx, v, g.ID)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range g.Signers {
		names = append(names, s.SignerName)
	}
	att := []control.EmailAttachment{{Filename: SignedAgreementFilename(g), ContentType: "application/pdf", Data: signed.PDF}}
	data := map[string]any{"AgencyName": a.Name, "ClientName": g.ClientName, "Agreement": g.Title, "Signers": strings.Join(names, ", "),
		"SignedAt": g.CompletedAt.UTC().Format("2006-01-02 15:04 UTC"), "BodySHA256": signed.BodySHA256, "SHA256": signed.SHA256,
		"VerifyLink": strings.TrimRight(baseURL, "/") + "/a/" + a.Slug + "/verify"}
	var errs []error
	for _, s := range g.Signers {
		errs = append(errs, m.QueueWithAttachments(ctx, a.ID, s.Email, TemplateAgreementSigned, copyData(data, "Link", agreementLink(baseURL, a, g, true)), att))
	}
	authors, err := t.AgreementAuthor(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, u := range authors {
		errs = append(errs, m.QueueWithAttachments(ctx, a.ID, u.Email, TemplateAgreementSigned, copyData(data, "Link", agreementLink(baseURL, a, g, false)), att))
	}
	return errors.Join(errs...)
}

// SignedAgreementFilename is the signed PDF's file name.
func SignedAgreementFilename(g *tenant.Agreement) string {
	var b strings.Builder
	for _, r := range strings.ToLower(g.Title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "agreement"
	}
	if len(name) > 60 {
		name = name[:60]
	}
	return name + "-signed.pdf"
}

// SignedAgreementDocument is the signed PDF's content: the agreement's
// text as signed and its attestation page, with every signer in order.
func SignedAgreementDocument(g *tenant.Agreement, trail []tenant.QuoteEvent, s tenant.BillingSettings, agencyName string, zone *time.Location) invoicepdf.Document {
	d := invoicepdf.Document{Title: "Agreement", Number: g.Title, IssueDate: g.SentAt.UTC().Format(billing.DateLayout), Seller: tenant.SellerOf(s, agencyName),
		Buyer: billing.Party{Name: g.ClientName}, Logo: s.Logo, Text: g.Body, Created: g.CompletedAt}
	if g.State == tenant.AgreementCompleted {
		d.Status = "SIGNED BY EVERY SIGNER"
	}
	att := &invoicepdf.Attestation{Heading: "Signatures and audit trail", TrailHeading: "Audit trail"}
	for i, sg := range g.Signers {
		one := invoicepdf.AttestedSignature{SignatureText: sg.SignerName, SignaturePNG: sg.SignaturePNG, Rows: [][2]string{
			{"Signer", fmt.Sprintf("%d of %d", sg.Position, len(g.Signers))},
			{"Signed by", sg.SignerName},
			{"Signature", signatureKindText[sg.SignatureKind]},
			{"Signer's email", sg.Email},
			{"Signed at", bothZones(sg.SignedAt, zone)},
			{"IP address", sg.IP},
			{"Browser", sg.UserAgent},
		}}
		if i == 0 {
			att.SignatureText, att.SignaturePNG, att.Rows = one.SignatureText, one.SignaturePNG, one.Rows
			att.Rows = append([][2]string{{"Document", g.Title + " (" + agencyName + " and " + g.ClientName + ")"}}, att.Rows...)
		} else {
			att.Signers = append(att.Signers, one)
		}
	}
	att.Closing = "SHA-256 of the document body (the agreement's text as sent: parties, signers, text): " + g.DocumentSHA256 +
		". This PDF is recorded by its own SHA-256 when the last signer signed; " + agencyName + "'s verify page tells whether a copy is unchanged."
	for _, e := range trail {
		att.Trail = append(att.Trail, bothZones(e.At, zone)+" · "+AgreementEventSentence(e))
	}
	d.Attestation = att
	return d
}

// AgreementSeal is the seal tenant.SignAgreement calls to render the
// signed PDF when the last signer signs.
func AgreementSeal(s tenant.BillingSettings, agencyName string, zone *time.Location) func(*tenant.Agreement, []tenant.QuoteEvent) ([]byte, error) {
	return func(g *tenant.Agreement, trail []tenant.QuoteEvent) ([]byte, error) {
		var b bytes.Buffer
		if err := invoicepdf.Write(&b, SignedAgreementDocument(g, trail, s, agencyName, zone)); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
}
