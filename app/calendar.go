package app

// Calendar feeds: a person's (or, for owners and admins, the agency's)
// due dates as an iCalendar file (RFC 5545) that calendar apps subscribe
// to. Dates are UTC until agencies have their own time zone: a task due at
// a time is an event at that UTC time, everything else an all-day event.

import (
	"strings"
	"time"
	"unicode/utf8"

	"mintedmind/db/tenant"
)

// CalendarFeed is what a feed shows.
type CalendarFeed struct {
	Name    string // the calendar's name in the app
	BaseURL string // the agency's staff pages, https://host/a/<slug>
	Items   []tenant.DueItem
	Now     time.Time
}

// ICS writes the feed as an iCalendar file.
func (f CalendarFeed) ICS() []byte {
	var b strings.Builder
	line := func(name, value string) { writeICSLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//MintedMind//Due dates//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icsText(f.Name))
	line("X-PUBLISHED-TTL", "PT1H")
	stamp := f.Now.UTC().Format("20060102T150405Z")
	for _, it := range f.Items {
		day, err := time.Parse(tenant.DueDateLayout, it.Date)
		if err != nil {
			continue
		}
		number := tenant.CaseNumber(it.CaseNumber)
		summary, url := number+" "+it.Title+" (due)", f.BaseURL+"/cases/"+it.CaseID
		if it.Kind == "task" {
			summary = it.Title + " · " + number
			url += "#task-" + it.ID
		}
		line("BEGIN", "VEVENT")
		line("UID", it.Kind+"-"+it.ID+"@mintedmind")
		line("DTSTAMP", stamp)
		if at, err := time.Parse("2006-01-02 15:04", it.Date+" "+it.Time); it.Time != "" && err == nil {
			line("DTSTART", at.UTC().Format("20060102T150405Z"))
			line("DTEND", at.Add(30*time.Minute).UTC().Format("20060102T150405Z"))
		} else {
			line("DTSTART;VALUE=DATE", day.Format("20060102"))
			line("DTEND;VALUE=DATE", day.AddDate(0, 0, 1).Format("20060102"))
		}
		line("SUMMARY", icsText(summary))
		line("DESCRIPTION", icsText(it.ClientName+"\n"+url))
		line("URL", url)
		if !it.Updated.IsZero() {
			line("LAST-MODIFIED", it.Updated.UTC().Format("20060102T150405Z"))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// icsText escapes a TEXT value: backslashes, semicolons, commas and line breaks.
func icsText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// writeICSLine writes a content line folded at 75 octets (a CRLF and a
// space before each continuation), never inside a character.
func writeICSLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
