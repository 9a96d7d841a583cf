package billing

import (
	"fmt"
	"testing"
)

// half is a line of halves × 0.50 (50 cents) without VAT at rateBP:
// half(2100, 1) is 0.50, half(2100, -2) is -1.00.
func half(rateBP, halves int64) Line {
	return Line{Description: "x", QuantityMilli: 1000, UnitPrice: halves * 50, VATRateBP: rateBP}
}

// groupsText writes the VAT groups as rate:net:vat, highest rate first.
func groupsText(gs []VATGroup) string {
	s := ""
	for _, g := range gs {
		s += fmt.Sprintf("%d:%d:%d ", g.RateBP, g.Net, g.VAT)
	}
	return s
}

// The amounts here are where rounding VAT per line and once per rate
// differ, and where halves away from zero and halves to even differ.
func TestComputeVATRounding(t *testing.T) {
	tests := []struct {
		name                 string
		lines                []Line
		subtotal, vat, total int64
		groups               string
	}{
		// 21 % of 1.00 = 21; per line 10.5 → 11, twice: 22.
		{"two lines of 0.50 at 21 % owe 21 cents, once for the rate, not 22 per line",
			[]Line{half(2100, 1), half(2100, 1)}, 100, 21, 121, "2100:100:21 "},
		// 0.105 → 0.11 away from zero; half to even would give 0.10.
		{"one line of 0.50 at 21 % owes 11 cents: the half rounds away from zero, not to even",
			[]Line{half(2100, 1)}, 50, 11, 61, "2100:50:11 "},
		// 0.50 at 9 % = 4.5 → 5; half to even would give 4.
		{"one line of 0.50 at 9 % owes 5 cents, not 4",
			[]Line{half(900, 1)}, 50, 5, 55, "900:50:5 "},
		// 21 % of 1.50 = 31.5 → 32, 9 % of 1.50 = 13.5 → 14: 46. Per line
		// 3 × 11 + 3 × 5 = 48; once over the whole invoice 45.
		{"three lines each at 21 % and 9 % owe 46 cents, rounded once per rate (not 48 per line, not 45 per invoice)",
			[]Line{half(2100, 1), half(900, 1), half(2100, 1), half(900, 1), half(2100, 1), half(900, 1)}, 300, 46, 346, "2100:150:32 900:150:14 "},
		// The 0 % group owes nothing and adds no rounding of its own.
		{"a 0 % line next to 21 % ones changes only the subtotal",
			[]Line{half(2100, 1), half(0, 1), half(2100, 1)}, 150, 21, 171, "2100:100:21 0:50:0 "},
		// Negative amounts round symmetrically: -10.5 → -11, as 10.5 → 11.
		{"one line of -0.50 at 21 % owes -11 cents: halves away from zero below zero too",
			[]Line{half(2100, -1)}, -50, -11, -61, "2100:-50:-11 "},
		{"two lines of -0.50 at 21 % owe -21 cents, not -22",
			[]Line{half(2100, -1), half(2100, -1)}, -100, -21, -121, "2100:-100:-21 "},
		// A credit line nets with its rate before the VAT is rounded:
		// 0.50 + 0.50 - 1.00 at 21 % owe 0; per line 11 + 11 - 21 = 1.
		{"two lines of 0.50 and one of -1.00 at 21 % owe nothing, not 1 cent",
			[]Line{half(2100, 1), half(2100, 1), half(2100, -2)}, 0, 0, 0, "2100:0:0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.lines)
			if got.Subtotal != tt.subtotal || got.VAT != tt.vat || got.Total != tt.total {
				t.Fatalf("subtotal %d, VAT %d, total %d; want %d, %d, %d", got.Subtotal, got.VAT, got.Total, tt.subtotal, tt.vat, tt.total)
			}
			if g := groupsText(got.ByRate); g != tt.groups {
				t.Fatalf("groups %q, want %q", g, tt.groups)
			}
			var sum int64
			for _, g := range got.ByRate {
				sum += g.VAT
			}
			if sum != got.VAT {
				t.Fatalf("groups add up to %d VAT, the total says %d", sum, got.VAT)
			}
		})
	}
}
