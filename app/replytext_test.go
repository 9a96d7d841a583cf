package app

import "testing"

func TestReplyText(t *testing.T) {
	for in, want := range map[string]string{
		"Thanks, done.\r\n\r\nOn Mon, 1 Dec 2026 at 10:00, Agency <a@b.test> wrote:\r\n> Please send the logo\r\n": "Thanks, done.",
		"Yes\n\n-- \nAnn Client\nAcme":                     "Yes",
		"Sure\n-----Original Message-----\nFrom: x":        "Sure",
		"Gerai\n\n2026-12-01, Agentūra rašė:\n> Ar galite": "Gerai",
		"Line one\nLine two\n> quoted":                     "Line one\nLine two",
		"Only text":                                        "Only text",
	} {
		if got := ReplyText(in); got != want {
			t.Errorf("ReplyText(%q) = %q, want %q", in, got, want)
		}
	}
}
