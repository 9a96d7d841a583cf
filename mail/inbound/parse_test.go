package inbound

import (
	"strings"
	"testing"
)

// TestParse: the text is the plain part, else the HTML part as text; a
// named part is a file (base64 undone); charsets and encoded words are
// decoded; automatic mail is recognised.
func TestParse(t *testing.T) {
	t.Parallel()
	raw := strings.ReplaceAll(`From: =?iso-8859-1?q?J=FCrgen?= <jurgen@example.test>
Message-ID: <a@example.test>
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe, the file is attached.
--inner
Content-Type: text/html; charset=utf-8

<p>Ignored when there is a plain part</p>
--inner--
--outer
Content-Type: application/pdf; name="=?utf-8?q?Vertrag_M=C3=BCller.pdf?="
Content-Disposition: attachment
Content-Transfer-Encoding: base64

JVBERi0x
LjQK
--outer--
`, "\n", "\r\n")
	e, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if e.From != "jurgen@example.test" || e.MessageID != "<a@example.test>" || e.Auto != "" {
		t.Errorf("%+v", e)
	}
	if strings.TrimSpace(e.Text) != "Grüße, the file is attached." {
		t.Errorf("text %q", e.Text)
	}
	if len(e.Files) != 1 || e.Files[0].Name != "Vertrag Müller.pdf" || string(e.Files[0].Data) != "%PDF-1.4\n" {
		t.Errorf("files %+v", e.Files)
	}

	html := "From: a@example.test\r\nContent-Type: text/html; charset=utf-8\r\nAuto-Submitted: auto-replied\r\n\r\n" +
		"<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;there,</p><div>see you<br>soon &amp; well</div>" +
		"<blockquote>On Monday you wrote: the draft</blockquote></body></html>"
	e, err = Parse(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	if e.Text != "Hello there,\nsee you\nsoon & well" {
		t.Errorf("HTML as text %q", e.Text)
	}
	if e.Auto == "" {
		t.Error("an Auto-Submitted email was not recognised")
	}
}
