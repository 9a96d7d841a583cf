package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// langCookie keeps the language a visitor who is not signed in chose with
// the switcher (essential: set only when they ask for it, read only for
// the pages' language).
const langCookie = "mm_lang"

// browserLang is the language a visitor's browser asks for, when the app
// has it: the switcher's choice (langCookie), else the best match of
// Accept-Language; "" when neither names one of i18n.Languages.
func browserLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); i18n.Supported(l) {
		return l // the switcher's link; keepLangChoice remembers it
	}
	for _, name := range []string{hostCookiePrefix + langCookie, langCookie} { // over HTTPS the name has the prefix (writeCookie)
		if l := c.Cookies(name); i18n.Supported(l) {
			return l
		}
	}
	return i18n.Match(c.Get(fiber.HeaderAcceptLanguage))
}

// userLanguage is the language u chose on their account page, "" for the
// agency's default.
func userLanguage(u *tenant.User) string { return u.Language }

// amount is a sum of money a page shows, written by the template function
// money in the viewer's language (i18n.Money): "1,911.50 EUR" in English,
// "1 911,50 €" in Lithuanian. Currency "" is a line amount beside a total
// that names the currency; the zero amount (no language) writes nothing,
// for a column a row leaves empty (a credit note owes nothing).
type amount struct {
	Minor    int64
	Currency string
	Lang     string
}

// writeMoney is the template function money.
func writeMoney(a amount) string {
	if a.Lang == "" {
		return ""
	}
	return i18n.Money(a.Lang, a.Minor, a.Currency)
}

// writeNumber is the template function number: a count of things with
// the language's thousands separator, {{number $.Lang .N}} ("42 607").
func writeNumber(lang string, n int) string { return i18n.Number(lang, int64(n)) }

// Lang is the language the request's pages are in: the signed-in
// person's choice, else the agency's default language; a visitor who is
// not signed in gets the language of their browser (or the switcher's
// choice) when the app has it, else the agency's default.
func (r *Request) Lang() string {
	if r.lang != "" {
		return r.lang
	}
	r.lang = i18n.English
	switch {
	case r.User != nil && i18n.Supported(userLanguage(r.User)):
		r.lang = userLanguage(r.User)
	case r.User == nil && r.browserLang != "":
		r.lang = r.browserLang
	default:
		if s, err := r.Settings(context.Background()); err == nil { // read once per request
			r.lang = s.Language
		}
	}
	return r.lang
}

// money is minor units of currency in the request's language.
func (r *Request) money(minor int64, currency string) amount {
	return amount{Minor: minor, Currency: currency, Lang: r.Lang()}
}

// langOf is the language of the request's page: the agency request's
// (Request.Lang), else the browser's when the app has it, else English.
func langOf(c *fiber.Ctx) string {
	if r := stateOf(c).req; r != nil && (r.Tenant != nil || r.lang != "") {
		return r.Lang()
	}
	if l := browserLang(c); l != "" {
		return l
	}
	return i18n.English
}

// keepLangChoice remembers the language a visitor chose with the
// switcher (a ?lang= link on the pages of people not signed in) for
// their next pages.
func (h *Handlers) keepLangChoice(c *fiber.Ctx) {
	if l := c.Query("lang"); i18n.Supported(l) && h.readCookie(c, langCookie) != l {
		h.writeCookie(c, &fiber.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax"})
	}
}

// langChoice is one link of the language switcher.
type langChoice struct {
	Code, Name, Href string
	Current          bool
}

// langSwitcher is the language switcher of a page at path in lang: a link
// per language, to the same page in it.
func langSwitcher(path, lang string) []langChoice {
	out := make([]langChoice, 0, len(i18n.Languages))
	for _, l := range i18n.Languages {
		out = append(out, langChoice{Code: l, Name: i18n.LanguageName(l), Href: path + "?lang=" + l, Current: l == lang})
	}
	return out
}

// Zone is the time zone the request's times are shown in: the agency's
// (its time_zone setting), UTC when unset or unreadable. Times are stored
// in UTC; the template function when writes a time in its own location,
// so a view model's times go through local first.
func (r *Request) Zone() *time.Location {
	if r == nil || r.Tenant == nil {
		return time.UTC
	}
	s, err := r.Settings(context.Background()) // read once per request
	if err != nil {
		return time.UTC
	}
	return i18n.Zone(s.TimeZone)
}

// local is t in the request's zone (Zone); a zero time stays zero.
func (r *Request) local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(r.Zone())
}

// writeWhen is the template function when: an instant in its own
// location with the zone named, "2026-03-01 00:30 EET" for a time local
// gave the agency's zone, "2026-02-28 22:30 UTC" for one left in UTC
// (a time in the machine's zone, time.Local, is written in UTC).
func writeWhen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	if t.Location() == time.Local {
		t = t.UTC()
	}
	return t.Format("2006-01-02 15:04 MST")
}

// writeDate is the template function date: t's calendar day in its own
// location (see writeWhen).
func writeDate(t time.Time) string {
	if t.Location() == time.Local {
		t = t.UTC()
	}
	return t.Format(i18n.DateLayout)
}

// monthName is month m in lang ("November", "lapkritis"); short gives the
// chart's label ("Nov", "lapkr.").
func monthName(lang string, m time.Month, short bool) string {
	id := "month." + strconv.Itoa(int(m))
	if short {
		id = "month.short." + strconv.Itoa(int(m))
	}
	return i18n.T(lang, id)
}

// translated is opts with each label (a catalogue id: the English text)
// in lang; for the fixed choices of a menu, never for people's names.
func translated(lang string, opts []option) []option {
	for i := range opts {
		opts[i].Label = i18n.T(lang, opts[i].Label)
	}
	return opts
}

// caseStatusText is status s named in lang.
func caseStatusText(lang, s string) string { return i18n.T(lang, tenant.CaseStatusLabel(s)) }

// casePriorityText is priority p named in lang.
func casePriorityText(lang, p string) string { return i18n.T(lang, tenant.CasePriorityLabel(p)) }
