package billing

import "testing"

// Every placeholder of a number pattern counts, not only the first: a
// pattern is valid or not by its second or third placeholder too (gremlins
// named billing/number.go:30, FindAllString(p, -1) → (p, 1), a survivor in
// a run cut short by its time limit; the complete run kills it, and so does
// this test on its own).
func TestNumberPatternReadsEveryPlaceholder(t *testing.T) {
	for _, p := range []string{"{SEQ}-{YYYY}", "{MM}{YY}-{SEQ:3}", "N{MM}/{SEQ}/{YYYY}"} {
		if err := ValidateNumberPattern(p); err != nil {
			t.Errorf("%s refused: %v", p, err)
		}
	}
	for _, p := range []string{"{YYYY}-{SEQ}-{SEQ:2}", "{YY}-{SEQ}-{DD}", "{SEQ}-{MM}", "{YYYY}-{SEQ:4}-{SEQ:0}"} {
		if err := ValidateNumberPattern(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}
