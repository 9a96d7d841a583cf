package billing

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCompute(t *testing.T) {
	t.Run("nets round per line, VAT once per rate", func(t *testing.T) {
		tot := Compute([]Line{
			{QuantityMilli: 1500, UnitPrice: 333, VATRateBP: 2100},  // 499.5 → 500
			{QuantityMilli: 1000, UnitPrice: 1001, VATRateBP: 2100}, // 1001
			{QuantityMilli: 3000, UnitPrice: 999, VATRateBP: 900},   // 2997
			{QuantityMilli: 1000, UnitPrice: 5000, VATRateBP: 0},
		})
		if tot.Subtotal != 500+1001+2997+5000 {
			t.Fatalf("subtotal %d", tot.Subtotal)
		}
		// 21% of 1501 = 315.21 → 315; 9% of 2997 = 269.73 → 270; 0.
		if tot.VAT != 315+270 || tot.Total != tot.Subtotal+585 {
			t.Fatalf("vat %d total %d", tot.VAT, tot.Total)
		}
		if len(tot.ByRate) != 3 || tot.ByRate[0].RateBP != 2100 || tot.ByRate[2].RateBP != 0 {
			t.Fatalf("groups %+v", tot.ByRate)
		}
	})
	t.Run("halves round away from zero", func(t *testing.T) {
		if n := (Line{QuantityMilli: 500, UnitPrice: 1}).Net(); n != 1 {
			t.Fatalf("0.5 cent → %d", n)
		}
		if n := (Line{QuantityMilli: 500, UnitPrice: -1}).Net(); n != -1 {
			t.Fatalf("-0.5 cent → %d", n)
		}
	})
	t.Run("largest lines stay inside int64", func(t *testing.T) {
		lines := make([]Line, MaxLines)
		for i := range lines {
			lines[i] = Line{QuantityMilli: MaxQuantityMilli, UnitPrice: MaxUnitPrice, VATRateBP: MaxVATRateBP}
		}
		tot := Compute(lines)
		if tot.Total != 2*int64(MaxLines)*1_000_000_000_000_000 {
			t.Fatalf("total %d", tot.Total)
		}
	})
}

func TestParseDecimal(t *testing.T) {
	good := map[string]int64{"12": 1200, "12.5": 1250, "12,50": 1250, "1 234.56": 123456, ".5": 50, "0": 0, "007": 700}
	for in, want := range good {
		if got, err := ParseDecimal(in, 2, 1e12); err != nil || got != want {
			t.Errorf("%q → %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "abc", "1e5", "12.", "1.2.3", "99999999999999999999", "+1", "0x10"} {
		if _, err := ParseDecimal(in, 2, 1e12); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if _, err := ParseDecimal("10000001", 2, MaxUnitPrice); err == nil {
		t.Error("price above the maximum accepted")
	}
}

func TestFormatMoney(t *testing.T) {
	for v, want := range map[int64]string{0: "0.00 EUR", 5: "0.05 EUR", 123456789: "1,234,567.89 EUR", -150: "-1.50 EUR"} {
		if got := FormatMoney(v, "EUR"); got != want {
			t.Errorf("%d → %q, want %q", v, got, want)
		}
	}
}

func TestNumberPattern(t *testing.T) {
	for _, p := range []string{DefaultNumberPattern, "{YY}{MM}/{SEQ}", "A-{YYYY}-{SEQ:9}"} {
		if err := ValidateNumberPattern(p); err != nil {
			t.Errorf("%s refused: %v", p, err)
		}
	}
	for _, p := range []string{"", "INV-{SEQ:4}", "{YYYY}", "{YYYY}-{SEQ}-{SEQ}", "{YYYY}-{SEQ:0}", "{YYYY}-{SEQ:10}", "{YYYY}-{FOO}-{SEQ}", "{YYYY}-{SEQ}}", "Ž-{YYYY}-{SEQ}", strings.Repeat("x", 41) + "{YYYY}{SEQ}"} {
		if err := ValidateNumberPattern(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
	if got := FormatNumber(DefaultNumberPattern, 2026, 3, 7); got != "INV-2026-0007" {
		t.Fatal(got)
	}
	if got := FormatNumber("{YY}{MM}-{SEQ}", 2026, 3, 12345); got != "2603-12345" {
		t.Fatal(got)
	}
}

func TestSchedule(t *testing.T) {
	dates := func(s Schedule, n int) string {
		var out []string
		for _, d := range s.Next(0, n) {
			out = append(out, d.Format(DateLayout))
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name string
		s    Schedule
		n    int
		want string
	}{
		{"the 31st becomes the last day of shorter months and comes back", Schedule{Frequency: Monthly, Start: day("2026-01-31")}, 5, "2026-01-31 2026-02-28 2026-03-31 2026-04-30 2026-05-31"},
		{"leap years give 29 February", Schedule{Frequency: Monthly, Start: day("2028-01-30")}, 3, "2028-01-30 2028-02-29 2028-03-30"},
		{"yearly from 29 February", Schedule{Frequency: Yearly, Start: day("2028-02-29")}, 5, "2028-02-29 2029-02-28 2030-02-28 2031-02-28 2032-02-29"},
		{"quarterly across the year end", Schedule{Frequency: Quarterly, Start: day("2026-11-30")}, 4, "2026-11-30 2027-02-28 2027-05-30 2027-08-30"},
		{"every 2 months", Schedule{Frequency: EveryN, IntervalMonths: 2, Start: day("2026-12-31")}, 3, "2026-12-31 2027-02-28 2027-04-30"},
		{"weekly", Schedule{Frequency: Weekly, Start: day("2026-12-28")}, 3, "2026-12-28 2027-01-04 2027-01-11"},
		{"a count ends it", Schedule{Frequency: Monthly, Start: day("2026-01-15"), Count: 2}, 5, "2026-01-15 2026-02-15"},
		{"an end date ends it", Schedule{Frequency: Monthly, Start: day("2026-01-15"), End: day("2026-03-14")}, 5, "2026-01-15 2026-02-15"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := dates(c.s, c.n); got != c.want {
				t.Fatalf("got %s\nwant %s", got, c.want)
			}
		})
	}
	t.Run("a later period never depends on an earlier one", func(t *testing.T) {
		s := Schedule{Frequency: Monthly, Start: day("2026-01-31")}
		d, _ := s.Date(13)
		if d.Format(DateLayout) != "2027-02-28" {
			t.Fatal(d)
		}
	})
	for _, bad := range []Schedule{{Frequency: "daily", Start: day("2026-01-01")}, {Frequency: EveryN, IntervalMonths: 0, Start: day("2026-01-01")},
		{Frequency: Monthly}, {Frequency: Monthly, Start: day("2026-02-01"), End: day("2026-01-01")}, {Frequency: Monthly, Start: day("2026-01-01"), Count: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
