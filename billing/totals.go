package billing

import (
	"math/big"
	"sort"
)

// Line is one line of an invoice: quantity in thousandths of a unit, unit
// price in minor units (without VAT), VAT rate in basis points (2100 = 21 %).
type Line struct {
	Description   string
	QuantityMilli int64
	UnitPrice     int64
	VATRateBP     int64
	// DiscountBP is the line's own discount in basis points of its net
	// (1000 = 10 %); Compute takes it off (Discounted).
	DiscountBP int64
	// TaxPresetID names the agency's tax preset the line's rate came
	// from, and TaxNote is the legal note that preset carries, copied
	// onto the line when it was saved (empty for a rate typed by hand).
	TaxPresetID, TaxNote string

	totalDiscount bool // a line Discounted made of the discount on the total
}

// Net is the line's amount without VAT: quantity × unit price, rounded to
// the minor unit, halves away from zero.
func (l Line) Net() int64 { return divRound(l.QuantityMilli*l.UnitPrice, 1000) }

// VATGroup is the VAT owed at one rate.
type VATGroup struct {
	RateBP int64
	Net    int64 // the sum of the rounded nets of the lines at this rate
	VAT    int64
}

// Totals are an invoice's sums.
type Totals struct {
	Subtotal int64
	VAT      int64
	Total    int64
	ByRate   []VATGroup // highest rate first
	// TotalDiscount is what a discount on the total took off the
	// subtotal (ComputeDiscounted), as a positive amount.
	TotalDiscount int64
}

// Compute applies the rounding rule (README, "Billing"): each line's net is
// rounded to the minor unit; lines are grouped by VAT rate; each group's VAT
// is its summed net × rate, rounded once, halves away from zero; the total
// is the nets plus the groups' VAT. Nothing is rounded twice, and a
// printed invoice adds up exactly. A line's own discount (DiscountBP) is
// counted as Discounted writes it.
func Compute(lines []Line) Totals {
	var t Totals
	groups := map[int64]*VATGroup{}
	for _, l := range Discounted(lines, 0) {
		n := l.Net()
		if l.totalDiscount {
			t.TotalDiscount -= n
		}
		t.Subtotal += n
		g := groups[l.VATRateBP]
		if g == nil {
			g = &VATGroup{RateBP: l.VATRateBP}
			groups[l.VATRateBP] = g
		}
		g.Net += n
	}
	for _, g := range groups {
		g.VAT = mulDivRound(g.Net, g.RateBP, 10_000)
		t.VAT += g.VAT
		t.ByRate = append(t.ByRate, *g)
	}
	sort.Slice(t.ByRate, func(i, j int) bool { return t.ByRate[i].RateBP > t.ByRate[j].RateBP })
	t.Total = t.Subtotal + t.VAT
	return t
}

// mulDivRound is a×b/c (c > 0) rounded halves away from zero, without
// overflow in between: a group's net times a rate may exceed int64.
func mulDivRound(a, b, c int64) int64 {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	neg := p.Sign() < 0
	p.Abs(p)
	p.Add(p, big.NewInt(c/2))
	p.Quo(p, big.NewInt(c))
	if neg {
		p.Neg(p)
	}
	return p.Int64()
}

// TaxNotes are the legal notes the lines' tax presets carry, each once,
// in the order of the lines: what an invoice prints under its totals.
func TaxNotes(lines []Line) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		if l.TaxNote != "" && !seen[l.TaxNote] {
			seen[l.TaxNote] = true
			out = append(out, l.TaxNote)
		}
	}
	return out
}
