package app_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/tenant"
)

// TestFillAgreement: the records' fields are filled from the client and
// the agency, the custom ones from what staff typed, checked by kind; a
// missing value, a bad date or amount is an error on its own field and
// nothing is filled; an unknown field in a template is refused.
func TestFillAgreement(t *testing.T) {
	client := &tenant.Client{ClientInput: tenant.ClientInput{Name: "Acme UAB", CompanyCode: "304123456", Street: "Gedimino pr. 1", City: "Vilnius", PostalCode: "01103", Country: "LT"}}
	body := "{agency.name} and {client.name} ({client.company_code}, {client.address}) agree from {date:start} for {amount:fee} a month: {text:scope}. Start {date:start}."

	t.Run("every field is filled", func(t *testing.T) {
		out, _, err := app.FillAgreement(body, client, "Minted", "EUR", map[string]string{"date:start": "2027-01-04", "amount:fee": "1250,5", "text:scope": "the website"})
		want := "Minted and Acme UAB (304123456, Gedimino pr. 1, 01103 Vilnius, LT) agree from 2027-01-04 for 1,250.50 EUR a month: the website. Start 2027-01-04."
		if err != nil || out != want {
			t.Fatalf("got %q, %v\nwant %q", out, err, want)
		}
	})

	t.Run("missing and badly formed values are errors on their fields", func(t *testing.T) {
		_, kept, err := app.FillAgreement(body, client, "Minted", "EUR", map[string]string{"date:start": "4 January", "amount:fee": "-3"})
		f := apperr.FieldsOf(err)
		if !strings.Contains(f["date:start"], "YYYY-MM-DD") || !strings.Contains(f["amount:fee"], "amount") || !strings.Contains(f["text:scope"], "Fill in scope") {
			t.Fatalf("errors %v", f)
		}
		if kept["date:start"] != "4 January" {
			t.Fatalf("the typed values are not kept for the form: %v", kept)
		}
	})

	t.Run("an unknown field is refused", func(t *testing.T) {
		for _, b := range []string{"{client.password}", "{colour:x}"} {
			if _, err := app.AgreementFields(b); apperr.FieldsOf(err)["body"] == "" {
				t.Fatalf("%s: %v", b, err)
			}
		}
		fields, err := app.AgreementFields(body)
		if err != nil || len(fields) != 3 || fields[0].Key != "date:start" || fields[1].Kind != app.FieldAmount {
			t.Fatalf("fields %+v %v", fields, err)
		}
	})
}

// TestSignedAgreementDocument: the signed PDF lists every signer in order
// with their email, time in UTC and the agency's zone, address and
// browser, the audit trail and the body's SHA-256, and renders.
func TestSignedAgreementDocument(t *testing.T) {
	zone, _ := time.LoadLocation("Europe/Vilnius")
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	g := &tenant.Agreement{ID: "g1", Title: "Service agreement", ClientName: "Acme", Body: "Acme agrees.", State: tenant.AgreementCompleted, DocumentSHA256: strings.Repeat("ab", 32),
		SentAt: at, CompletedAt: at.Add(time.Hour), Signers: []tenant.AgreementSigner{
			{Position: 1, Name: "Ada", Email: "ada@acme.test", SignerName: "Ada Lovelace", SignedAt: at, IP: "192.0.2.1", UserAgent: "UA-1", SignatureKind: tenant.SignatureTyped},
			{Position: 2, Name: "Bob", Email: "bob@acme.test", SignerName: "Bob Byte", SignedAt: at.Add(time.Hour), IP: "192.0.2.2", UserAgent: "UA-2", SignatureKind: tenant.SignatureTyped}}}
	d := app.SignedAgreementDocument(g, []tenant.QuoteEvent{{At: at, Kind: "signed", ActorName: "Ada Lovelace"}}, tenant.BillingSettings{}, "Minted", zone)
	a := d.Attestation
	if a == nil || len(a.Signers) != 1 || a.SignatureText != "Ada Lovelace" || a.Signers[0].SignatureText != "Bob Byte" {
		t.Fatalf("attestation %+v", a)
	}
	all := ""
	for _, r := range append(a.Rows, a.Signers[0].Rows...) {
		all += r[0] + ": " + r[1] + "\n"
	}
	for _, want := range []string{"ada@acme.test", "bob@acme.test", "192.0.2.2", "UA-1", "2026-12-03 10:00:00 UTC (2026-12-03 12:00:00 EET, Europe/Vilnius)", "2 of 2"} {
		if !strings.Contains(all, want) {
			t.Errorf("rows lack %q:\n%s", want, all)
		}
	}
	if !strings.Contains(a.Closing, g.DocumentSHA256) || len(a.Trail) != 1 || !strings.Contains(a.Trail[0], "Ada Lovelace signed the agreement") {
		t.Fatalf("closing %q trail %q", a.Closing, a.Trail)
	}
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, d); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF")) {
		t.Fatalf("render: %v", err)
	}
}
