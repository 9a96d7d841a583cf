package app

// The fields of an agreement template (issue 18 point 4). A template's
// body names them in braces: the client's and the agency's, filled from
// the records, and the custom ones staff fill when writing, each with a
// kind that says how it is checked and printed:
//
//	{client.name} {client.company_code} {client.address} {agency.name}
//	{date:start}      a YYYY-MM-DD date
//	{amount:fee}      an amount of money in the agency's currency
//	{text:scope}      a line of text
//
// Every custom field is required.

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// Custom field kinds.
const (
	FieldDate   = "date"
	FieldAmount = "amount"
	FieldText   = "text"
)

// AgreementFieldTextMax is the longest text a custom field takes.
const AgreementFieldTextMax = 500

// agreementPlaceholder is one {…} of a template's body.
var agreementPlaceholder = regexp.MustCompile(`\{([a-z]+)[.:]([a-z0-9_]+)\}`)

// recordFields are the fields filled from the client's and the agency's records.
var recordFields = map[string]bool{fieldClientName: true, fieldClientCompanyCode: true, fieldClientAddress: true, fieldAgencyName: true}

// The record fields' names, as a template writes them between braces.
const (
	fieldClientName        = "client.name"
	fieldClientCompanyCode = "client.company_code"
	fieldClientAddress     = "client.address"
	fieldAgencyName        = "agency.name"
)

// AgreementField is a custom field of a template, as the agreement form asks for it.
type AgreementField struct {
	Key  string // "date:start", the name of its input
	Kind string // FieldDate, FieldAmount, FieldText
	Name string // "start"
}

// AgreementFields are the custom fields of body, each once, in the order
// they first appear; an unknown field is an invalid-input error on the
// field "body" naming it.
func AgreementFields(body string) ([]AgreementField, error) {
	var out []AgreementField
	seen := map[string]bool{}
	for _, m := range agreementPlaceholder.FindAllStringSubmatch(body, -1) {
		kind, name := m[1], m[2]
		switch {
		case kind == "client" || kind == "agency":
			if !recordFields[kind+"."+name] {
				return nil, apperr.FieldErrors(map[string]string{"body": fmt.Sprintf("Unknown field %s: use {client.name}, {client.company_code}, {client.address}, {agency.name}, {date:…}, {amount:…} or {text:…}.", m[0])})
			}
		case kind == FieldDate || kind == FieldAmount || kind == FieldText:
			key := kind + ":" + name
			if !seen[key] {
				seen[key] = true
				out = append(out, AgreementField{Key: key, Kind: kind, Name: name})
			}
		default:
			return nil, apperr.FieldErrors(map[string]string{"body": fmt.Sprintf("Unknown field %s: use {client.name}, {client.company_code}, {client.address}, {agency.name}, {date:…}, {amount:…} or {text:…}.", m[0])})
		}
	}
	return out, nil
}

// FillAgreement is body with every field filled: the records' from client
// and agencyName, the custom ones from values (keyed by AgreementField.Key),
// checked by kind (a date as YYYY-MM-DD, an amount as money, printed in
// currency). Each missing or badly formed value is an invalid-input error
// on its field, and nothing is filled.
func FillAgreement(body string, client *tenant.Client, agencyName, currency string, values map[string]string) (string, map[string]string, error) {
	fields, err := AgreementFields(body)
	if err != nil {
		return "", nil, err
	}
	filled := map[string]string{}
	kept := map[string]string{}
	bad := map[string]string{}
	for _, f := range fields {
		v := strings.TrimSpace(values[f.Key])
		kept[f.Key] = v
		switch {
		case v == "":
			bad[f.Key] = fmt.Sprintf("Fill in %s.", f.Name)
		case f.Kind == FieldDate:
			if _, err := billing.ParseDate(v); err != nil {
				bad[f.Key] = fmt.Sprintf("Enter %s as a date, YYYY-MM-DD.", f.Name)
			} else {
				filled[f.Key] = v
			}
		case f.Kind == FieldAmount:
			minor, err := billing.ParseDecimal(v, 2, 1e13)
			if err != nil {
				bad[f.Key] = fmt.Sprintf("Enter %s as an amount, such as 1250.00.", f.Name)
			} else {
				filled[f.Key] = billing.FormatMoney(minor, currency)
			}
		case utf8.RuneCountInString(v) > AgreementFieldTextMax || strings.ContainsAny(v, "\x00{}"):
			bad[f.Key] = fmt.Sprintf("%s takes at most %d characters, without braces.", f.Name, AgreementFieldTextMax)
		default:
			filled[f.Key] = v
		}
	}
	if len(bad) > 0 {
		return "", kept, apperr.FieldErrors(bad)
	}
	address := strings.Join(nonEmpty(client.Street, strings.TrimSpace(client.PostalCode+" "+client.City), client.Country), ", ")
	records := map[string]string{fieldClientName: client.Name, fieldClientCompanyCode: client.CompanyCode, fieldClientAddress: address, fieldAgencyName: agencyName}
	out := agreementPlaceholder.ReplaceAllStringFunc(body, func(p string) string {
		m := agreementPlaceholder.FindStringSubmatch(p)
		if v, ok := records[m[1]+"."+m[2]]; ok {
			return v
		}
		return filled[m[1]+":"+m[2]]
	})
	return out, kept, nil
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
