package billing

import "testing"

// The discount rule (Discounted) where rounding per line and once per VAT
// rate give different amounts, and where a line's own discount and the
// discount on the total meet.
func TestDiscountRounding(t *testing.T) {
	cents := func(rateBP, price, discountBP int64) Line {
		return Line{Description: "x", QuantityMilli: 1000, UnitPrice: price, VATRateBP: rateBP, DiscountBP: discountBP}
	}
	tests := []struct {
		name                           string
		lines                          []Line
		totalBP                        int64
		subtotal, vat, total, totalOff int64
		groups                         string
	}{
		// 10 % of 0.05 is 0.005 → 0.01 per line (0.02 for two); of the
		// rate's 0.10 once: 0.01.
		{"10 % off the total of two 5-cent lines takes 1 cent once for the rate, not 1 cent per line",
			[]Line{cents(0, 5, 0), cents(0, 5, 0)}, 1000, 9, 0, 9, 1, "0:9:0 "},
		// Per line 0.005 → 0.01 each: a line's own discount is its own.
		{"a 10 % discount on each of two 5-cent lines takes 1 cent from each",
			[]Line{cents(0, 5, 1000), cents(0, 5, 1000)}, 0, 8, 0, 8, 0, "0:8:0 "},
		// Two rates: each rate's net is discounted once, VAT on what is left.
		{"10 % off the total is taken once per VAT rate, and each rate's VAT is rounded once on what is left",
			[]Line{cents(2100, 1005, 0), cents(2100, 1005, 0), cents(900, 15, 0)}, 1000, 1822, 381, 2203, 203, "2100:1809:380 900:13:1 "},
		// Line first (1000 → 900), then 50 % of the rate's 900.
		{"the discount on the total is of the nets after the lines' own discounts",
			[]Line{cents(2100, 1000, 1000)}, 5000, 450, 95, 545, 450, "2100:450:95 "},
		{"no discount leaves Compute as it was",
			[]Line{cents(2100, 50, 0), cents(2100, 50, 0)}, 0, 100, 21, 121, 0, "2100:100:21 "},
		{"100 % off the total leaves nothing to pay",
			[]Line{cents(2100, 999, 0), cents(900, 1, 0)}, MaxDiscountBP, 0, 0, 0, 1000, "2100:0:0 900:0:0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeDiscounted(tt.lines, tt.totalBP)
			if got.Subtotal != tt.subtotal || got.VAT != tt.vat || got.Total != tt.total || got.TotalDiscount != tt.totalOff || groupsText(got.ByRate) != tt.groups {
				t.Fatalf("subtotal %d vat %d total %d total discount %d groups %s; want %d %d %d %d %s",
					got.Subtotal, got.VAT, got.Total, got.TotalDiscount, groupsText(got.ByRate), tt.subtotal, tt.vat, tt.total, tt.totalOff, tt.groups)
			}
		})
	}
	t.Run("Compute counts a line's own discount, and Discounted leaves no discount on the lines it returns", func(t *testing.T) {
		lines := []Line{cents(2100, 1000, 2500)}
		if got := Compute(lines).Subtotal; got != 750 {
			t.Fatalf("subtotal %d", got)
		}
		for _, l := range Discounted(lines, 1000) {
			if l.DiscountBP != 0 {
				t.Fatalf("line %+v keeps its discount: Compute would take it twice", l)
			}
		}
		if got := Compute(Discounted(lines, 0)).Subtotal; got != 750 {
			t.Fatalf("discounted twice: %d", got)
		}
	})
}
