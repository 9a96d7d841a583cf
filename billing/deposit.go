package billing

import "fmt"

// DepositLines are a deposit as the lines of an invoice: one line per VAT
// rate of the quoted totals, each of that rate's net in the proportion the
// deposit takes of the whole (bp basis points for a percentage; for an
// amount, amount ÷ total), rounded once, halves away from zero. Compute
// then rounds each rate's VAT once, as on every invoice, so a deposit
// invoice's VAT is the quote's VAT in the same proportion. label names
// what the deposit is for ("Deposit 30% on Q-2026-0007").
func DepositLines(t Totals, bp, amount int64, label string) []Line {
	var out []Line
	for _, g := range t.ByRate {
		var net int64
		switch {
		case bp > 0:
			net = Share(g.Net, bp)
		case t.Total > 0:
			net = mulDivRound(g.Net, amount, t.Total)
		}
		if net == 0 {
			continue
		}
		desc := label
		if len(t.ByRate) > 1 {
			desc = fmt.Sprintf("%s (VAT %s%%)", label, FormatRate(g.RateBP))
		}
		out = append(out, Line{Description: desc, QuantityMilli: 1000, UnitPrice: net, VATRateBP: g.RateBP})
	}
	return out
}
