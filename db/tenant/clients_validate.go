package tenant

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"mintedmind/db"
)

// Client field limits. Every message that enforces one names it.
const (
	MaxClientName       = 200
	MaxClientCode       = 50 // company code and VAT number
	MaxClientEmails     = 10
	MaxClientEmailLen   = 254
	MaxClientPhones     = 10
	MaxClientPhoneLen   = 40
	MaxClientStreet     = 200
	MaxClientCity       = 100
	MaxClientPostalCode = 20
	MaxClientCountry    = 100
	MaxClientNotes      = 10000
	MaxClientTags       = 20
	MaxClientTagLen     = 40
)

// SplitEmails splits typed email addresses: one per line, or separated by
// commas, semicolons or spaces (none of which an address may contain).
func SplitEmails(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

// SplitPhones splits typed phone numbers: one per line, or separated by
// commas or semicolons (spaces belong to the numbers).
func SplitPhones(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
}

// SplitTags splits typed tags on the given separators (a comma or a new
// line in the form, a semicolon in a CSV file).
func SplitTags(s, separators string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(separators, r) })
}

// clientOneLine collapses runs of white space, new lines included, into one space.
func clientOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// NormalizeClient trims every field, collapses single-line fields to one
// line, lowercases emails, tags and the kind (empty means person), drops
// empty and repeated list values, and sorts the tags (they have no order).
func NormalizeClient(in *ClientInput) {
	for _, p := range []*string{&in.Name, &in.CompanyCode, &in.VATNumber, &in.Street, &in.City, &in.PostalCode, &in.Country, &in.ResponsibleID} {
		*p = clientOneLine(*p)
	}
	in.Kind = strings.ToLower(strings.TrimSpace(in.Kind))
	if in.Kind == "" {
		in.Kind = ClientPerson
	}
	in.Notes = strings.TrimSpace(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(in.Notes))
	in.Emails = clientUnique(in.Emails, db.NormalizeEmail)
	in.Phones = clientUnique(in.Phones, clientOneLine)
	in.Tags = clientUnique(in.Tags, func(s string) string { return strings.ToLower(clientOneLine(s)) })
	slices.Sort(in.Tags)
}

// uniqueValues normalises each value and keeps the first of each, in order.
func clientUnique(values []string, norm func(string) string) []string {
	var out []string
	for _, v := range values {
		if v = norm(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// ValidateClient checks a normalised client and returns one message per
// invalid field, keyed by form field name (empty when all is well). The
// responsible person is checked against the database by the caller.
func ValidateClient(in ClientInput) map[string]string {
	f := map[string]string{}
	set := func(field, msg string) {
		if msg != "" {
			f[field] = msg
		}
	}
	if in.Name == "" {
		f["name"] = "Enter the client's name."
	} else {
		set("name", clientCheckLine(in.Name, "The name", MaxClientName))
	}
	if in.Kind != ClientPerson && in.Kind != ClientCompany {
		f["kind"] = "Choose whether the client is a person or a company."
	}
	set("company_code", clientCheckLine(in.CompanyCode, "The company code", MaxClientCode))
	set("vat_number", clientCheckLine(in.VATNumber, "The VAT number", MaxClientCode))
	set("street", clientCheckLine(in.Street, "The street", MaxClientStreet))
	set("city", clientCheckLine(in.City, "The city", MaxClientCity))
	set("postal_code", clientCheckLine(in.PostalCode, "The postal code", MaxClientPostalCode))
	set("country", clientCheckLine(in.Country, "The country", MaxClientCountry))
	set("notes", clientCheckNotes(in.Notes))
	set("emails", clientCheckEmails(in.Emails))
	set("phones", clientCheckPhones(in.Phones))
	set("tags", clientCheckTags(in.Tags))
	return f
}

// checkText rejects what is not plain text.
func clientCheckText(s string, allowNewlines bool) string {
	if !utf8.ValidString(s) {
		return "Use plain text (this contains bytes that are not valid UTF-8)."
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(allowNewlines && (r == '\n' || r == '\t')) }) {
		return "Use plain text without control characters."
	}
	return ""
}

func clientCheckLine(s, what string, max int) string {
	if msg := clientCheckText(s, false); msg != "" {
		return msg
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("%s can be at most %d characters (this one has %d).", what, max, n)
	}
	return ""
}

func clientCheckNotes(s string) string {
	if msg := clientCheckText(s, true); msg != "" {
		return msg
	}
	if n := utf8.RuneCountInString(s); n > MaxClientNotes {
		return fmt.Sprintf("Notes can be at most 10,000 characters (these have %s).", clientThousands(n))
	}
	return ""
}

func clientCheckEmails(emails []string) string {
	if len(emails) > MaxClientEmails {
		return fmt.Sprintf("Enter at most %d email addresses (there are %d).", MaxClientEmails, len(emails))
	}
	var msgs []string
	for _, e := range emails {
		switch n := utf8.RuneCountInString(e); {
		case clientCheckText(e, false) != "":
			msgs = append(msgs, "Email addresses must be plain text.")
		case n > MaxClientEmailLen:
			msgs = append(msgs, fmt.Sprintf("An email address can be at most %d characters (%q has %d).", MaxClientEmailLen, clientShorten(e, 30), n))
		default:
			if _, msg := ValidateEmail(e); msg != "" {
				msgs = append(msgs, fmt.Sprintf("%q is not a valid email address: use one like name@example.com.", clientShorten(e, 60)))
			}
		}
	}
	return strings.Join(msgs, " ")
}

func clientCheckPhones(phones []string) string {
	if len(phones) > MaxClientPhones {
		return fmt.Sprintf("Enter at most %d phone numbers (there are %d).", MaxClientPhones, len(phones))
	}
	var msgs []string
	for _, p := range phones {
		switch n := utf8.RuneCountInString(p); {
		case n > MaxClientPhoneLen:
			msgs = append(msgs, fmt.Sprintf("A phone number can be at most %d characters (%q has %d).", MaxClientPhoneLen, clientShorten(p, 30), n))
		case !clientValidPhone(p):
			msgs = append(msgs, fmt.Sprintf("%q is not a phone number: use digits, spaces and + - ( ) only.", clientShorten(p, 60)))
		}
	}
	return strings.Join(msgs, " ")
}

// validPhone allows digits, spaces and + - ( ), with at least one digit.
func clientValidPhone(p string) bool {
	digit := false
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" +-()", r):
		default:
			return false
		}
	}
	return digit
}

func clientCheckTags(tags []string) string {
	if len(tags) > MaxClientTags {
		return fmt.Sprintf("Add at most %d tags (there are %d).", MaxClientTags, len(tags))
	}
	for _, t := range tags {
		if msg := CheckTag(t); msg != "" {
			return msg
		}
	}
	return ""
}

// CheckTag checks one normalised tag.
func CheckTag(t string) string {
	if msg := clientCheckText(t, false); msg != "" {
		return msg
	}
	if strings.ContainsAny(t, ",;") {
		// Both separate tags in a typed list and in a CSV file's tag column.
		return fmt.Sprintf("Tags can't contain commas or semicolons (%q).", clientShorten(t, 60))
	}
	if n := utf8.RuneCountInString(t); n > MaxClientTagLen {
		return fmt.Sprintf("A tag can be at most %d characters (%q has %d).", MaxClientTagLen, clientShorten(t, 30), n)
	}
	return ""
}

// NormalizeTag lowercases a tag and collapses its white space.
func NormalizeTag(t string) string { return strings.ToLower(clientOneLine(t)) }

// shorten cuts s to n characters for quoting in a message.
func clientShorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// thousands formats n with comma separators, as the limits are written.
func clientThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
