package i18n

import (
	"testing"
	"time"

	"mintedmind/clock"
)

func TestMoneyByLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		v    int64
		cur  string
		want string
	}{
		{"en", 191150, "EUR", "1,911.50 EUR"},
		{"lt", 191150, "EUR", "1\u00a0911,50\u00a0€"},
		{"de", 191150, "EUR", "1.911,50\u00a0€"},
		{"lt", 126150, "", "1\u00a0261,50"},
		{"en", -5, "EUR", "-0.05 EUR"},
		{"xx", 100, "SEK", "1.00 SEK"},
	} {
		if got := Money(c.lang, c.v, c.cur); got != c.want {
			t.Errorf("Money(%s, %d, %s) = %q, want %q", c.lang, c.v, c.cur, got, c.want)
		}
	}
	if got := Number("lt", 42607); got != "42\u00a0607" {
		t.Errorf("Number(lt) = %q", got)
	}
	if got := Number("en", 42607); got != "42,607" {
		t.Errorf("Number(en) = %q", got)
	}
}

func TestTodayAtVilniusMidnight(t *testing.T) {
	// 00:30 on 3 December in Vilnius is 22:30 UTC on 2 December.
	c := clock.NewManual(time.Date(2026, 12, 2, 22, 30, 0, 0, time.UTC))
	if got := Today(c.Now(), "Europe/Vilnius"); got != "2026-12-03" {
		t.Errorf("Vilnius today at 00:30 = %s, want 2026-12-03", got)
	}
	if got := Today(c.Now(), ""); got != "2026-12-02" {
		t.Errorf("UTC today = %s, want 2026-12-02", got)
	}
	c.Set(time.Date(2026, 12, 2, 21, 30, 0, 0, time.UTC)) // 23:30 in Vilnius
	if got := Today(c.Now(), "Europe/Vilnius"); got != "2026-12-02" {
		t.Errorf("Vilnius today at 23:30 = %s, want 2026-12-02", got)
	}
}

// TestByteSize: the unit's name and the decimal separator are the language's.
func TestByteSize(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{English, 1, "1 byte"}, {English, 512, "512 bytes"}, {Lithuanian, 512, "512 baitų"}, {Lithuanian, 2, "2 baitai"},
		{English, 1536 * 1024, "1.5 MiB"}, {Lithuanian, 1536 * 1024, "1,5 MiB"}, {German, 10 * 1024 * 1024, "10 MiB"}} {
		if got := ByteSize(c.lang, c.n); got != c.want {
			t.Errorf("ByteSize(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
