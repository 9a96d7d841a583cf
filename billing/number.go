package billing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DefaultNumberPattern numbers invoices INV-2026-0001, INV-2026-0002, …
const DefaultNumberPattern = "INV-{YYYY}-{SEQ:4}"

// NumberPatternMax is the longest pattern accepted.
const NumberPatternMax = 40

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// ValidateNumberPattern checks an invoice number pattern: text with the
// placeholders {YYYY}, {YY}, {MM} and exactly one {SEQ} or {SEQ:n} (n from
// 1 to 9, the zero-padded width). The sequence restarts every year, so the
// pattern must hold the year too.
func ValidateNumberPattern(p string) error {
	if p == "" {
		return fmt.Errorf("enter a pattern such as %s", DefaultNumberPattern)
	}
	if len(p) > NumberPatternMax {
		return fmt.Errorf("at most %d characters", NumberPatternMax)
	}
	seq, year := 0, false
	for _, m := range placeholder.FindAllString(p, -1) {
		switch {
		case m == "{YYYY}" || m == "{YY}":
			year = true
		case m == "{MM}":
		case m == "{SEQ}":
			seq++
		case strings.HasPrefix(m, "{SEQ:"):
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(m, "{SEQ:"), "}"))
			if err != nil || n < 1 || n > 9 {
				return fmt.Errorf("%s: the width of {SEQ:n} is 1 to 9", m)
			}
			seq++
		default:
			return fmt.Errorf("unknown placeholder %s: use {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:4}", m)
		}
	}
	rest := placeholder.ReplaceAllString(p, "")
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("unmatched brace")
	}
	for _, r := range rest {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_/.#", r)) {
			return fmt.Errorf("use letters, digits and - _ / . # around the placeholders")
		}
	}
	if seq != 1 {
		return fmt.Errorf("needs exactly one {SEQ} or {SEQ:n}")
	}
	if !year {
		return fmt.Errorf("needs {YYYY} or {YY}: the sequence restarts every year")
	}
	return nil
}

// FormatNumber fills a valid pattern for a year, month and sequence value.
func FormatNumber(p string, year, month int, seq int64) string {
	return placeholder.ReplaceAllStringFunc(p, func(m string) string {
		switch {
		case m == "{YYYY}":
			return fmt.Sprintf("%04d", year)
		case m == "{YY}":
			return fmt.Sprintf("%02d", year%100)
		case m == "{MM}":
			return fmt.Sprintf("%02d", month)
		case m == "{SEQ}":
			return strconv.FormatInt(seq, 10)
		case strings.HasPrefix(m, "{SEQ:"):
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(m, "{SEQ:"), "}"))
			return fmt.Sprintf("%0*d", n, seq)
		}
		return m
	})
}
