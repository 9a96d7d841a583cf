package i18n

import "testing"

// TestFilledMessages: a message code wrote in English with its values
// ("Pro allows 3 staff seats and you have 5 …") is its "filled.*"
// message in the page's language, the values read back out of it; a
// text that only looks alike stays as it is.
func TestFilledMessages(t *testing.T) {
	seats := "Pro allows 3 staff seats and you have 5 (pending invitations included). Remove staff or withdraw invitations first."
	for _, c := range []struct{ lang, text, want string }{
		{English, seats, seats},
		{Lithuanian, seats, "Pro leidžia 3 darbuotojų vietų, o jūs turite 5 (įskaitant laukiančius kvietimus). Pirma pašalinkite darbuotojų arba atšaukite kvietimų."},
		{German, "Use at most 100 characters.", "Verwenden Sie höchstens 100 Zeichen."},
		{Lithuanian, "Use at most 1 characters.", "Naudokite ne daugiau kaip 1 simbolį."},
		{Lithuanian, "Use at most 3 characters.", "Naudokite ne daugiau kaip 3 simbolius."},
		{Lithuanian, "Use at most 100000 characters.", "Naudokite ne daugiau kaip 100\u00a0000 simbolių."},
		{Lithuanian, "Use at most many characters.", "Use at most many characters."}, // no number: no message of ours
	} {
		if got := T(c.lang, c.text); got != c.want {
			t.Errorf("T(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
	EnablePseudo()
	if got := T(Pseudo, "Use at most 100 characters."); got != PseudoOpen+"Use at most 100 characters."+PseudoClose {
		t.Errorf("pseudo: %q (a filled message is a catalogue's)", got)
	}
}

// TestCountAmongNamedValues: a "Count" among name/value pairs chooses
// the plural form as a lone count does.
func TestCountAmongNamedValues(t *testing.T) {
	for n, want := range map[int]string{1: "1 metus po uždarymo", 5: "5 metus po uždarymo", 10: "10 metų po uždarymo"} {
		if got := T(Lithuanian, "plan.years_after_closing", "Count", n); got != want {
			t.Errorf("lt %d: %q, want %q", n, got, want)
		}
	}
}
