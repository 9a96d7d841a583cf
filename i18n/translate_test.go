package i18n

import (
	"sort"
	"strings"
	"testing"
)

// pluralForms are the forms each language's plural messages must give
// (CLDR: Lithuanian one 1, 21, 31…; few 2–9, 22…; many for fractions;
// other 0, 10–20, 30…).
var pluralForms = map[string]string{English: "one,other", Lithuanian: "few,many,one,other", German: "one,other"}

// TestEveryKeyInEveryLanguage fails on a message id one language's file
// has and another's lacks, and on a plural message without each of its
// language's forms: a language is complete or the build is red.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	all := map[string]map[string]string{}
	for _, l := range Languages {
		m, err := Messages(l)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Fatalf("%s has no messages", l)
		}
		all[l] = m
	}
	for _, l := range Languages {
		for _, other := range Languages {
			var missing []string
			for id := range all[other] {
				if _, ok := all[l][id]; !ok {
					missing = append(missing, id)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s.json lacks %d messages %s.json has: %s", l, len(missing), other, strings.Join(missing, "; "))
			}
		}
		for id, forms := range all[l] {
			if forms != "" && forms != pluralForms[l] {
				t.Errorf("%s.json: %s has the plural forms %s, want %s", l, id, forms, pluralForms[l])
			}
			if all[English][id] != "" && forms == "" {
				t.Errorf("%s.json: %s is plural in English and not here", l, id)
			}
		}
	}
}

// TestLithuanianPlurals: Lithuanian has three forms for whole numbers:
// one (1, 21), few (2–9, 22: "bylos") and other (10–20, 1000: "bylų").
func TestLithuanianPlurals(t *testing.T) {
	for n, want := range map[int]string{
		1: "1 baigta byla", 2: "2 baigtos bylos", 5: "5 baigtos bylos", 21: "21 baigta byla",
		10: "10 baigtų bylų", 11: "11 baigtų bylų", 22: "22 baigtos bylos", 1000: "1\u00a0000 baigtų bylų",
	} {
		if got := T(Lithuanian, "portal.finished", n); got != want {
			t.Errorf("lt %d: %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{1: "1 finished case", 2: "2 finished cases", 5: "5 finished cases", 21: "21 finished cases"} {
		if got := T(English, "portal.finished", n); got != want {
			t.Errorf("en %d: %q, want %q", n, got, want)
		}
	}
	if got := T(German, "portal.finished", 1); got != "1 abgeschlossener Vorgang" {
		t.Errorf("de 1: %q", got)
	}
}

func TestTranslate(t *testing.T) {
	cases := []struct{ lang, id, want string }{
		{Lithuanian, "nav.Invoices", "Sąskaitos"},
		{German, "nav.Invoices", "Rechnungen"},
		{"fr", "nav.Invoices", "Invoices"},                                              // a language the app lacks is English
		{Lithuanian, "No such message.", "No such message."},                            // a text without a translation stays as it is
		{Lithuanian, "The two passwords are not the same.", "Slaptažodžiai nesutampa."}, // a validation message is its own id
	}
	for _, c := range cases {
		if got := T(c.lang, c.id); got != c.want {
			t.Errorf("T(%s, %q) = %q, want %q", c.lang, c.id, got, c.want)
		}
	}
	if got := T(Lithuanian, "portal.hello", "Name", "Ona <b>"); got != "Sveiki, Ona <b>" {
		t.Errorf("with a name: %q (the page escapes it, the message must not)", got)
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"lt-LT,lt;q=0.9,en;q=0.8": Lithuanian,
		"de-AT":                   German,
		"fr-FR,de;q=0.5":          German,
		"en-US":                   English,
		"fr-FR":                   "",
		"":                        "",
		"@@@;q=x":                 "",
	} {
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}
