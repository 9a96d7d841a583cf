package app

import (
	"regexp"
	"strings"
)

// replyCut matches a line where a mail client starts the quoted earlier
// text or the sender's signature; everything from it on is cut.
var replyCut = regexp.MustCompile(`^(-- ?|-----\s*Original Message\s*-----.*|_{10,}|On .+ wrote:|.+ rašė:|Sent from my .+)$`)

// ReplyText is the new text of a reply by email: the lines before the
// quoted history (lines starting with ">", an "On … wrote:" line, an
// Outlook original-message rule) and the signature ("-- "), trimmed.
func ReplyText(body string) string {
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, ">") || replyCut.MatchString(strings.TrimRight(l, " \t")) || replyCut.MatchString(l) {
			break
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
