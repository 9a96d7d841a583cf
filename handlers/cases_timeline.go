package handlers

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// timelineHTML renders a page of a case's history (and the "Older events"
// link) in Go, for the reason caseRowsHTML gives: a case page with 200
// events spent most of its time in html/template, one reflective call per
// action, thousands per page. Texts are escaped with their links made
// clickable (writeLinkified); everything else from data is escaped with
// writeEscaped. views/partials/cases/timeline.html places the result.
//
// The HTML comes in pieces of about 32 KB: the template prints each value
// through fmt, whose buffers are reused only up to 64 KB, so one piece of
// 100 KB would cost a fresh buffer on every request.
func timelineHTML(items []timelineItem, older string) []template.HTML {
	const piece = 32 << 10
	var pieces []template.HTML
	var b strings.Builder
	b.Grow(piece + 4<<10)
	var buf [32]byte
	for i := range items {
		if b.Len() >= piece {
			pieces = append(pieces, template.HTML(b.String()))
			b = strings.Builder{}
			b.Grow(piece + 4<<10)
		}
		it := &items[i]
		id := strconv.AppendInt(buf[:0], it.ID, 10)
		b.WriteString(`<li class="ev ev-`)
		writeEscaped(&b, it.Kind)
		b.WriteString(`" id="ev-`)
		b.Write(id)
		b.WriteString(`">` + "\n")
		if it.NoteID != "" {
			b.WriteString(`<span id="note-`)
			writeEscaped(&b, it.NoteID)
			b.WriteString(`"></span>`)
		}
		b.WriteString(`<p class="ev-head"><strong>`)
		writeEscaped(&b, it.Actor)
		b.WriteString(`</strong> `)
		writeEscaped(&b, it.Summary)
		b.WriteString(` · <time datetime="`)
		b.Write(appendISOTime(buf[:0], it.At))
		b.WriteString(`">`)
		b.Write(appendWhen(buf[:0], it.At))
		b.WriteString(`</time>`)
		if it.ForCli {
			b.WriteString(` <span class="badge-client">Client sees this</span>`)
		}
		if it.Edited {
			b.WriteString(` <small>(edited)</small>`)
		}
		if it.EditURL != "" {
			b.WriteString(` <a href="`)
			writeEscaped(&b, it.EditURL)
			b.WriteString(`" hx-get="`)
			writeEscaped(&b, it.EditURL)
			b.WriteString(`" hx-target="#ev-`)
			b.Write(strconv.AppendInt(buf[:0], it.ID, 10))
			b.WriteString(` .ev-body" hx-swap="innerHTML" class="ev-edit">Edit</a>`)
		}
		b.WriteString("</p>\n")
		if it.HasBody {
			b.WriteString(`<div class="ev-body case-text">`)
			writeLinkified(&b, it.Body)
			b.WriteString("</div>\n")
		}
		if it.HasDiff {
			if it.Long {
				b.WriteString(`<details class="ev-diff"><summary>Before and after</summary>`)
			} else {
				b.WriteString(`<div class="ev-diff">`)
			}
			b.WriteString(`<div class="diff"><div class="before"><small>Before</small><div class="case-text">`)
			writeLinkified(&b, it.Old)
			b.WriteString(`</div></div><div class="after"><small>After</small><div class="case-text">`)
			writeLinkified(&b, it.New)
			b.WriteString(`</div></div></div>`)
			if it.Long {
				b.WriteString("</details>\n")
			} else {
				b.WriteString("</div>\n")
			}
		}
		b.WriteString("</li>\n")
	}
	if len(items) == 0 {
		b.WriteString("<li>No history yet.</li>\n")
	}
	if older != "" {
		b.WriteString(`<li class="older"><a href="`)
		writeEscaped(&b, older)
		b.WriteString(`" hx-get="`)
		writeEscaped(&b, older)
		b.WriteString(`" hx-target="closest li" hx-swap="outerHTML" hx-select="#timeline &gt; li">Older events</a></li>` + "\n")
	}
	return append(pieces, template.HTML(b.String()))
}

// appendWhen appends t as 2026-11-02 09:00 UTC, the app's way of showing a
// moment (the "when" template function), without time.Format's parsing.
func appendWhen(dst []byte, t time.Time) []byte {
	return append(appendDateMinute(dst, t.UTC(), ' '), " UTC"...)
}

// appendISOTime appends t in RFC 3339 (UTC), for datetime attributes.
func appendISOTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	dst = append(appendDateMinute(dst, t, 'T'), ':')
	dst = appendDigits(dst, t.Second(), 2)
	return append(dst, 'Z')
}

// appendDateMinute appends t's date, sep, and its hour and minute.
func appendDateMinute(dst []byte, t time.Time, sep byte) []byte {
	y, mo, d := t.Date()
	dst = appendDigits(dst, y, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, d, 2)
	dst = append(dst, sep)
	dst = appendDigits(dst, t.Hour(), 2)
	dst = append(dst, ':')
	return appendDigits(dst, t.Minute(), 2)
}

// appendDigits appends n zero-padded to width digits.
func appendDigits(dst []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
