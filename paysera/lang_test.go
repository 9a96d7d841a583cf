package paysera

import "testing"

func TestLang(t *testing.T) {
	for lang, want := range map[string]string{"lt": "LIT", "en": "ENG", "de": "GER", "fr": "", "": ""} {
		if got := Lang(lang); got != want {
			t.Errorf("Lang(%q) = %q, want %q", lang, got, want)
		}
	}
}
