// Package billing is the arithmetic and paperwork of invoices, independent
// of any database: money in integer minor units, line and VAT totals,
// invoice numbers from a pattern, recurring schedules and the invoice PDF.
// Agencies' invoices to their clients and the operator's subscription
// invoices both use it.
package billing

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits that keep every product and sum inside int64 with room to spare:
// the largest line is MaxQuantityMilli × MaxUnitPrice / 1000 = 10^15 minor
// units, and MaxLines of them sum to 2×10^17.
const (
	MaxQuantityMilli = 1_000_000_000 // one million units, in thousandths
	MaxUnitPrice     = 1_000_000_000 // ten million in a two-decimal currency, in minor units
	MaxVATRateBP     = 10_000        // 100 %, in hundredths of a percent
	MaxLines         = 200
)

// Currencies are the ISO 4217 codes an invoice may use, all with two
// decimals (minor units are cents).
var Currencies = []string{"EUR", "USD", "GBP", "PLN", "CHF", "SEK", "NOK", "DKK", "CZK"}

// ValidCurrency reports whether code is one of Currencies.
func ValidCurrency(code string) bool {
	for _, c := range Currencies {
		if c == code {
			return true
		}
	}
	return false
}

// FormatMinor writes an amount of minor units with two decimals: 123456 →
// "1234.56", -5 → "-0.05".
func FormatMinor(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// FormatMoney is FormatMinor with thousands grouped and the currency code:
// "1,234.56 EUR".
func FormatMoney(v int64, currency string) string {
	s := FormatMinor(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	if currency != "" {
		out += " " + currency
	}
	return out
}

// ParseDecimal reads a non-negative decimal number typed by a person ("12",
// "12.5", "12,50", "1 234.5") into an integer scaled by 10^places, refusing
// more decimals than places, signs, exponents and anything above max.
func ParseDecimal(s string, places int, max int64) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if s == "" {
		return 0, fmt.Errorf("enter a number")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasDot && frac == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				if r == '-' {
					return 0, fmt.Errorf("must not be negative")
				}
				return 0, fmt.Errorf("%q is not a number", clip(s))
			}
		}
	}
	if len(frac) > places {
		return 0, fmt.Errorf("at most %d decimal places", places)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 15 {
		return 0, fmt.Errorf("is too large")
	}
	frac += strings.Repeat("0", places-len(frac))
	digits := whole + frac
	if digits == "" {
		digits = "0"
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("is too large")
	}
	if v > max {
		return 0, fmt.Errorf("is too large (at most %s)", formatScaled(max, places))
	}
	return v, nil
}

// formatScaled writes v/10^places without trailing zeros.
func formatScaled(v int64, places int) string {
	s := strconv.FormatInt(v, 10)
	if places == 0 {
		return s
	}
	for len(s) <= places {
		s = "0" + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// FormatQuantity writes a quantity in thousandths as a person would: 1500 → "1.5".
func FormatQuantity(milli int64) string { return formatScaled(milli, 3) }

// FormatRate writes a VAT rate in basis points as a percentage: 2100 → "21".
func FormatRate(bp int64) string { return formatScaled(bp, 2) }

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// divRound divides a by b (b > 0), rounding halves away from zero.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (a + b/2) / b
}
