package billing

import "fmt"

// MaxDiscountBP is the largest discount on a line: 100 %.
const MaxDiscountBP = 10_000

// Discount is what a discount of bp basis points (1000 = 10 %) takes off
// the line's net, rounded once to the minor unit, halves away from zero.
func (l Line) Discount(bp int64) int64 { return mulDivRound(l.Net(), bp, 10_000) }

// DiscountLine is the discount of bp on l as a line of its own at l's VAT
// rate (one unit of minus the discount), so that Compute groups it with
// the line it reduces and rounds the VAT of the group once, as always.
// ok is false when there is nothing to take off.
func DiscountLine(l Line, bp int64) (d Line, ok bool) {
	off := l.Discount(bp)
	if off == 0 {
		return Line{}, false
	}
	return Line{Description: fmt.Sprintf("Discount %s%% on %s", FormatRate(bp), l.Description), QuantityMilli: 1000, UnitPrice: -off, VATRateBP: l.VATRateBP}, true
}

// Share is bp basis points of amount (a deposit's percentage of a
// total), rounded halves away from zero.
func Share(amount, bp int64) int64 { return mulDivRound(amount, bp, 10_000) }
