// Package i18n formats money, numbers and dates the way an agency's
// language writes them, and tells an agency's local date (issue 19).
package i18n

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Languages this package formats for; any other falls back to English.
const (
	English    = "en"
	Lithuanian = "lt"
	German     = "de"
)

type numberStyle struct {
	group, decimal string
	symbolAfter    bool // "1 911,50 €" rather than "1,911.50 EUR"
}

const nbsp = "\u00a0"

var styles = map[string]numberStyle{
	English:    {group: ",", decimal: "."},
	Lithuanian: {group: nbsp, decimal: ",", symbolAfter: true},
	German:     {group: ".", decimal: ",", symbolAfter: true},
}

func styleOf(lang string) numberStyle {
	if s, ok := styles[lang]; ok {
		return s
	}
	return styles[English]
}

var symbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "PLN": "zł"}

func group(digits, sep string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Number writes a count with the language's thousands separator: 42607 →
// "42,607" (en), "42 607" (lt, non-breaking space), "42.607" (de).
func Number(lang string, n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + group(strconv.FormatInt(n, 10), styleOf(lang).group)
}

// Money writes an amount of minor units (two decimals) in the language's
// format: 191150 EUR → "1,911.50 EUR" (en), "1 911,50 €" (lt),
// "1.911,50 €" (de). An empty currency writes the number alone, for line
// amounts beside a total that names the currency.
func Money(lang string, minor int64, currency string) string {
	st := styleOf(lang)
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	out := sign + group(strconv.FormatInt(minor/100, 10), st.group) + st.decimal + strconv.FormatInt(100+minor%100, 10)[1:]
	if currency == "" {
		return out
	}
	if st.symbolAfter {
		sym := symbols[currency]
		if sym == "" {
			sym = currency
		}
		return out + nbsp + sym
	}
	return out + " " + currency
}

// DateLayout is how dates are stored and exchanged: "2006-01-02".
const DateLayout = "2006-01-02"

// Zone loads an IANA time zone name, UTC for "" or an unknown name.
func Zone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := LoadZone(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// zones keeps the zones loaded so far by name. time.LoadLocation reads and
// parses the zone's file on every call, and every page asks for the
// agency's zone (a few per cent of a page's CPU); only names that load are
// kept, so the map holds at most the few hundred IANA names.
var zones sync.Map // string -> *time.Location

// LoadZone is time.LoadLocation, from memory after the first time.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// Today is the date at instant now in the agency's zone: at 00:30 in
// Vilnius (22:30 UTC the day before in winter) it is already the new day.
func Today(now time.Time, zone string) string {
	return now.In(Zone(zone)).Format(DateLayout)
}

// Languages are the languages the app is written in, in the order the
// language choices list them.
var Languages = []string{English, Lithuanian, German}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	if pseudo(lang) {
		return true
	}
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

var languageNames = map[string]string{English: "English", Lithuanian: "Lietuvių", German: "Deutsch"}

// LanguageName is a language's name in itself: "Lietuvių" for lt.
func LanguageName(lang string) string { return languageNames[lang] }
