package mail

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"time"
)

// Text is an agency's own subject and opening paragraph of one kind of
// its email; an empty field keeps the template's. The opening is a
// paragraph put first in the email, in both parts. Both may hold the
// kind's placeholders ({case}), filled from the email's data.
type Text struct {
	Subject string
	Opening string
}

// EditableKind is a kind of agency email whose subject and opening the
// agency's owners and admins may change.
type EditableKind struct {
	Name         string            // the template, emails/<Name>.txt
	Label        string            // what the settings page calls it
	Placeholders map[string]string // {placeholder} → the data key it shows
	Sample       map[string]any    // data for the preview
}

// PlaceholderNames returns the kind's placeholders, in a stable order.
func (k EditableKind) PlaceholderNames() []string {
	var out []string
	for _, p := range []string{"agency", "case", "from", "number", "document", "name"} {
		if _, ok := k.Placeholders[p]; ok {
			out = append(out, p)
		}
	}
	return out
}

var sampleTime = time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)

func sample(extra map[string]any) map[string]any {
	out := map[string]any{"AgencyName": "Your agency", "From": "Ada Staff", "Case": "C-0042 Lease renewal",
		"Text": "This is how the message written on the case reads in the email.", "Link": "https://example.com/link"}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

var (
	toClients  = map[string]string{"agency": "AgencyName", "case": "Case", "from": "From"}
	agencyOnly = map[string]string{"agency": "AgencyName"}
	invoiceOf  = map[string]string{"agency": "AgencyName", "number": "Number"}
)

// EditableKinds are the agency emails whose texts can be changed, in the
// order the settings page lists them. Platform mail (retention, plans,
// storage alerts) keeps the platform's words.
var EditableKinds = []EditableKind{
	{Name: "case-update", Label: "A message shared with a client", Placeholders: toClients, Sample: sample(nil)},
	{Name: "case-document", Label: "A document shared with a client", Placeholders: toClients, Sample: sample(nil)},
	{Name: "document-request", Label: "A document asked of a client",
		Placeholders: map[string]string{"agency": "AgencyName", "case": "Case", "from": "From", "document": "Name"},
		Sample:       sample(map[string]any{"Lang": "en", "Name": "Passport copy", "Due": "2026-03-12", "Note": "Both pages, please.", "Returned": false, "Reason": ""})},
	{Name: "document-reminder", Label: "A reminder of a document asked for",
		Placeholders: map[string]string{"agency": "AgencyName", "case": "Case", "document": "Name"},
		Sample:       sample(map[string]any{"Lang": "en", "Name": "Passport copy", "Note": "", "Due": "2026-03-12", "Late": false})},
	{Name: "client-invoice", Label: "A new invoice in the portal", Placeholders: invoiceOf,
		Sample: sample(map[string]any{"Number": "INV-0007", "Total": "€1,250.00", "DueDate": "2026-03-19"})},
	{Name: "invoice", Label: "An invoice sent with its PDF", Placeholders: invoiceOf,
		Sample: sample(map[string]any{"Lang": "en", "Credit": false, "Title": "Invoice", "TitleLower": "invoice", "Article": "an", "Number": "INV-0007", "ClientName": "Xylo Ltd",
			"IssueDate": "2026-03-05", "Total": "€1,250.00", "DueDate": "2026-03-19", "Outstanding": "€1,250.00", "BankDetails": ""})},
	{Name: "invoice-reminder", Label: "A reminder of an overdue invoice", Placeholders: invoiceOf,
		Sample: sample(map[string]any{"Number": "INV-0007", "ClientName": "Xylo Ltd", "IssueDate": "2026-03-05", "DueDate": "2026-03-19",
			"DaysLate": 7, "Outstanding": "€1,250.00", "BankDetails": ""})},
	{Name: "contact-invite", Label: "An invitation to the client portal", Placeholders: agencyOnly,
		Sample: sample(map[string]any{"InviterName": "Ada Staff", "ClientName": "Xylo Ltd", "ExpiresAt": sampleTime})},
	{Name: "invite", Label: "An invitation to the team", Placeholders: agencyOnly,
		Sample: sample(map[string]any{"InviterName": "Ada Staff", "Role": "staff", "ExpiresAt": sampleTime})},
	{Name: "password-reset", Label: "A password reset", Placeholders: map[string]string{"agency": "AgencyName", "name": "Name"},
		Sample: sample(map[string]any{"Name": "Xena Contact", "ValidFor": "1 hour"})},
	{Name: "client-message", Label: "To staff: a client's message", Placeholders: toClients, Sample: sample(nil)},
	{Name: "client-upload", Label: "To staff: a client's upload", Placeholders: toClients, Sample: sample(nil)},
	{Name: "client-request", Label: "To staff: a client's new request", Placeholders: toClients, Sample: sample(map[string]any{"Kind": "Question"})},
}

// EditableKindNamed returns the editable kind of a template name.
func EditableKindNamed(name string) (EditableKind, bool) {
	for _, k := range EditableKinds {
		if k.Name == name {
			return k, true
		}
	}
	return EditableKind{}, false
}

// fill replaces the kind's {placeholders} in s with the data's values;
// other braces stay as they are.
func (k EditableKind) fill(s string, data any) string {
	if !strings.Contains(s, "{") {
		return s
	}
	for p, key := range k.Placeholders {
		if v, ok := dataValue(data, key); ok {
			s = strings.ReplaceAll(s, "{"+p+"}", v)
		}
	}
	return s
}

// dataValue reads key from a map with string keys or a struct's field.
func dataValue(data any, key string) (string, bool) {
	v := reflect.ValueOf(data)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return "", false
		}
		x := v.MapIndex(reflect.ValueOf(key).Convert(v.Type().Key()))
		if !x.IsValid() {
			return "", false
		}
		return fmt.Sprint(x.Interface()), true
	case reflect.Struct:
		x := v.FieldByName(key)
		if !x.IsValid() || !x.CanInterface() {
			return "", false
		}
		return fmt.Sprint(x.Interface()), true
	}
	return "", false
}

// Preview is an email as it would go out, for the settings page.
type Preview struct {
	Subject, Text, HTML string
}

// Preview renders kind for agencyID's brand with sample data and text as
// the agency's own words (not yet saved, perhaps). The logo is a data:
// URL, since a browser cannot resolve cid:.
func (m *Mailer) Preview(ctx context.Context, agencyID string, kind EditableKind, text Text) (*Preview, error) {
	b := m.brandFor(ctx, agencyID)
	b.Texts = map[string]Text{kind.Name: text} // a copy: the brand's map is the caller's
	data := make(map[string]any, len(kind.Sample))
	for k, v := range kind.Sample {
		data[k] = v
	}
	data["AgencyName"] = b.Name
	r, err := m.renderFor(b, kind.Name, data, Options{}, func(d *layoutData) {
		if b.Logo != nil {
			d.LogoSrc = template.URL("data:" + b.LogoType + ";base64," + base64.StdEncoding.EncodeToString(b.Logo))
		}
	})
	if err != nil {
		return nil, err
	}
	return &Preview{Subject: r.subject, Text: r.text, HTML: r.html}, nil
}
