package billing

import "fmt"

// MaxDiscountBP is the largest discount on a line or a total: 100 %.
const MaxDiscountBP = 10_000

// Discount is what a discount of bp basis points (1000 = 10 %) takes off
// the line's net, rounded once to the minor unit, halves away from zero.
func (l Line) Discount(bp int64) int64 { return mulDivRound(l.Net(), bp, 10_000) }

// NetAfterDiscount is the line's net less its own discount (DiscountBP).
func (l Line) NetAfterDiscount() int64 { return l.Net() - l.Discount(l.DiscountBP) }

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

// Discounted is the discount rule of invoices and quotes, the one place it
// is written: each line is followed by its own discount (DiscountBP) as a
// line of its own at its VAT rate (DiscountLine), and a discount on the
// total (totalBP) follows as one line per VAT rate, of totalBP of that
// rate's net after the line discounts, rounded once per rate (not once
// per line), so that each rate's VAT is still rounded once on its group.
// The lines it returns carry no discount of their own: Compute counts
// them as they are.
func Discounted(lines []Line, totalBP int64) []Line {
	out := make([]Line, 0, len(lines))
	var rates []int64
	nets := map[int64]int64{}
	for _, l := range lines {
		bp := l.DiscountBP
		l.DiscountBP = 0
		out = append(out, l)
		if _, seen := nets[l.VATRateBP]; !seen {
			rates = append(rates, l.VATRateBP)
		}
		nets[l.VATRateBP] += l.Net()
		if d, ok := DiscountLine(l, bp); ok {
			out = append(out, d)
			nets[l.VATRateBP] += d.Net()
		}
	}
	if totalBP <= 0 {
		return out
	}
	for _, rate := range rates {
		if off := Share(nets[rate], totalBP); off != 0 {
			out = append(out, Line{Description: fmt.Sprintf("Discount %s%% on the total", FormatRate(totalBP)),
				QuantityMilli: 1000, UnitPrice: -off, VATRateBP: rate, totalDiscount: true})
		}
	}
	return out
}

// ComputeDiscounted is Compute of lines after their own discounts and a
// discount of totalBP on the total (Discounted); Totals.TotalDiscount is
// what the discount on the total took off.
func ComputeDiscounted(lines []Line, totalBP int64) Totals {
	return Compute(Discounted(lines, totalBP))
}

// Share is bp basis points of amount (a deposit's percentage of a
// total), rounded halves away from zero.
func Share(amount, bp int64) int64 { return mulDivRound(amount, bp, 10_000) }
