package billing

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"
)

// EPCPayment is a SEPA credit transfer as an EPC QR code asks a banking
// app to make it (EPC069-12, "Quick Response Code: guidelines to enable
// data capture for the initiation of a SEPA credit transfer").
type EPCPayment struct {
	Name      string // the beneficiary, at most 70 characters
	IBAN      string
	BIC       string // optional in version 002
	Amount    int64  // euro cents, 1 to 99,999,999,999
	Reference string // unstructured remittance information, at most 140 characters (the invoice number)
}

// EPCPayload is p as the QR code's text: the EPC069-12 fields in their
// order, one a line, version 002, UTF-8, no trailing line feed:
// service tag BCD, version, character set (1 = UTF-8), identification SCT,
// BIC, name, IBAN, amount (EUR and the amount with a dot), purpose (empty),
// structured reference (empty), unstructured reference. Only EUR is
// possible; the whole text is at most 331 bytes.
func EPCPayload(p EPCPayment) (string, error) {
	iban := CompactIBAN(p.IBAN)
	switch {
	case !ValidIBAN(iban):
		return "", errors.New("billing: EPC QR needs a valid IBAN")
	case p.Amount < 1 || p.Amount > 99_999_999_999:
		return "", errors.New("billing: EPC QR amount must be 0.01 to 999999999.99 EUR")
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		return "", errors.New("billing: EPC QR needs the beneficiary's name")
	}
	fields := []string{"BCD", "002", "1", "SCT", strings.ToUpper(strings.TrimSpace(p.BIC)), truncateRunes(name, 70), iban,
		"EUR" + FormatMinor(p.Amount), "", "", truncateRunes(strings.TrimSpace(p.Reference), 140)}
	s := strings.Join(fields, "\n")
	if len(s) > 331 {
		return "", errors.New("billing: EPC QR text over 331 bytes")
	}
	return s, nil
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// CompactIBAN is an IBAN without spaces, upper-case.
func CompactIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidIBAN checks an IBAN's shape and its ISO 13616 check digits
// (mod 97 = 1).
func ValidIBAN(s string) bool {
	s = CompactIBAN(s)
	if len(s) < 15 || len(s) > 34 || !ibanShape.MatchString(s) {
		return false
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

var (
	ibanShape     = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]+$`)
	ibanCandidate = regexp.MustCompile(`(?i)\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b`)
	bicCandidate  = regexp.MustCompile(`(?i)\b(?:BIC|SWIFT)(?:/BIC|/SWIFT)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b`)
)

// FindIBAN finds the first valid IBAN in free-text bank details, and the
// BIC (SWIFT) written after "BIC" or "SWIFT", if any.
func FindIBAN(details string) (iban, bic string) {
	for _, m := range ibanCandidate.FindAllString(details, -1) {
		if ValidIBAN(m) {
			iban = CompactIBAN(m)
			break
		}
	}
	if m := bicCandidate.FindStringSubmatch(details); m != nil {
		bic = strings.ToUpper(m[1])
	}
	return iban, bic
}
