package billing

import "testing"

func TestDepositLines(t *testing.T) {
	t.Run("a percentage takes that share of each rate's net, VAT rounded once per rate", func(t *testing.T) {
		tot := Compute([]Line{{Description: "Site", QuantityMilli: 1000, UnitPrice: 100000, VATRateBP: 2100},
			{Description: "Book", QuantityMilli: 1000, UnitPrice: 3333, VATRateBP: 900}})
		lines := DepositLines(tot, 3000, 0, "Deposit")
		if len(lines) != 2 || lines[0].UnitPrice != 30000 || lines[0].VATRateBP != 2100 || lines[1].UnitPrice != 1000 || lines[1].VATRateBP != 900 {
			t.Fatalf("lines = %+v", lines)
		}
		if got := Compute(lines); got.VAT != 6300+90 || got.Total != 30000+6300+1000+90 {
			t.Fatalf("totals = %+v", got)
		}
	})
	t.Run("an amount of one rate's total is exact", func(t *testing.T) {
		tot := Compute([]Line{{Description: "Site", QuantityMilli: 1000, UnitPrice: 100000, VATRateBP: 2100}})
		lines := DepositLines(tot, 0, 60500, "Deposit")
		if len(lines) != 1 || lines[0].Description != "Deposit" || Compute(lines).Total != 60500 {
			t.Fatalf("lines = %+v, total %d", lines, Compute(lines).Total)
		}
	})
	t.Run("nothing quoted is no line", func(t *testing.T) {
		if lines := DepositLines(Totals{}, 0, 500, "Deposit"); len(lines) != 0 {
			t.Fatalf("lines = %+v", lines)
		}
	})
}
