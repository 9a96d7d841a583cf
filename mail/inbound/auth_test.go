package inbound

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/i18n"
	"mintedmind/mail/mailtest"
)

// signed is raw signed by domain's selector with key (go-msgauth's
// signer, relaxed canonicalization).
func signed(t *testing.T, raw, domain, selector string, key crypto.Signer) []byte {
	t.Helper()
	var out bytes.Buffer
	err := dkim.Sign(&out, strings.NewReader(raw), &dkim.SignOptions{Domain: domain, Selector: selector, Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Message-ID", "Date"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// publishKey publishes key's public half as domain's selector.
func publishKey(t *testing.T, dns *mailtest.DNS, domain, selector string, key crypto.Signer) {
	t.Helper()
	switch pub := key.Public().(type) {
	case ed25519.PublicKey:
		dns.SetTXT(selector+"._domainkey."+domain, "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(pub))
	default:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		dns.SetTXT(selector+"._domainkey."+domain, "v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(der))
	}
}

const dkimReply = "From: Xena <xena@xylo.test>\r\nTo: reply+x@in.mm.test\r\nSubject: Re: Xylo website\r\nMessage-ID: <signed@xylo.test>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe brief is fine.\r\n"

// TestCheckDKIM: real signatures made here with generated keys (RSA and
// Ed25519), their keys published in a test DNS: a signature that
// verifies passes with its domain; one its domain's key does not verify
// (the body or a signed header changed after signing) is a failure; no
// signature is none, a key not published permerror, a DNS that does not
// answer temperror (never a failure).
func TestCheckDKIM(t *testing.T) {
	ctx := context.Background()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dns := mailtest.NewDNS()
	publishKey(t, dns, "xylo.test", "rsa1", rsaKey)
	publishKey(t, dns, "xylo.test", "ed1", edKey)
	publishKey(t, dns, "relay.test", "r", edKey)
	dns.Broken["down._domainkey.xylo.test"] = true

	check := func(raw []byte) (string, string, error) { return CheckDKIM(ctx, dns, raw, "xylo.test") }
	for _, c := range []struct {
		name string
		key  crypto.Signer
		sel  string
	}{{"RSA", rsaKey, "rsa1"}, {"Ed25519", edKey, "ed1"}} {
		t.Run("a good "+c.name+" signature passes", func(t *testing.T) {
			res, domain, err := check(signed(t, dkimReply, "xylo.test", c.sel, c.key))
			if res != "pass" || domain != "xylo.test" || err != nil {
				t.Fatalf("%s %s %v", res, domain, err)
			}
		})
	}
	t.Run("a changed body fails", func(t *testing.T) {
		raw := bytes.Replace(signed(t, dkimReply, "xylo.test", "rsa1", rsaKey), []byte("is fine"), []byte("is void"), 1)
		_, _, err := check(raw)
		var f *DKIMFailure
		if !errors.As(err, &f) || f.Domain != "xylo.test" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a changed signed header fails", func(t *testing.T) {
		raw := bytes.Replace(signed(t, dkimReply, "xylo.test", "ed1", edKey), []byte("Subject: Re: Xylo"), []byte("Subject: Pay Xylo"), 1)
		if _, _, err := check(raw); err == nil {
			t.Fatal("taken")
		}
	})
	t.Run("another key than the one published fails", func(t *testing.T) {
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		if _, _, err := check(signed(t, dkimReply, "xylo.test", "ed1", other)); err == nil {
			t.Fatal("taken")
		}
	})
	t.Run("a failed signature is refused even beside another domain's good one", func(t *testing.T) {
		raw := bytes.Replace(signed(t, dkimReply, "xylo.test", "ed1", edKey), []byte("is fine"), []byte("is void"), 1)
		raw = signed(t, string(raw), "relay.test", "r", edKey)
		var f *DKIMFailure
		if _, _, err := check(raw); !errors.As(err, &f) || f.Domain != "xylo.test" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a relay's good signature passes with the relay's domain", func(t *testing.T) {
		res, domain, err := check(signed(t, dkimReply, "relay.test", "r", edKey))
		if res != "pass" || domain != "relay.test" || err != nil {
			t.Fatalf("%s %s %v", res, domain, err)
		}
	})
	t.Run("no signature is none", func(t *testing.T) {
		if res, _, err := check([]byte(dkimReply)); res != "none" || err != nil {
			t.Fatalf("%s %v", res, err)
		}
	})
	t.Run("a key not published is permerror", func(t *testing.T) {
		if res, _, err := check(signed(t, dkimReply, "xylo.test", "gone", edKey)); res != "permerror" || err != nil {
			t.Fatalf("%s %v", res, err)
		}
	})
	t.Run("a lookup that fails is temperror", func(t *testing.T) {
		if res, _, err := check(signed(t, dkimReply, "xylo.test", "down", edKey)); res != "temperror" || err != nil {
			t.Fatalf("%s %v", res, err)
		}
	})
}

// TestCheckSPF: the SPF result for the connecting address, from records
// in a test DNS.
func TestCheckSPF(t *testing.T) {
	ctx := context.Background()
	dns := mailtest.NewDNS()
	dns.SetTXT("xylo.test", "some other record", "v=spf1 ip4:192.0.2.0/24 a:web.xylo.test mx include:_spf.mailer.test -all")
	dns.IP["web.xylo.test"] = []string{"198.51.100.7", "2001:db8::7"}
	dns.MX["xylo.test"] = []string{"mx.xylo.test."}
	dns.IP["mx.xylo.test"] = []string{"203.0.113.25"}
	dns.SetTXT("_spf.mailer.test", "v=spf1 ip6:2001:db8:1::/48 ~all")
	dns.SetTXT("soft.test", "v=spf1 ip4:192.0.2.1 ~all")
	dns.SetTXT("neutral.test", "v=spf1 ?all")
	dns.SetTXT("redirected.test", "v=spf1 redirect=xylo.test")
	dns.SetTXT("macro.test", "v=spf1 exists:%{i}.%{d}.allow.test -all")
	dns.IP["192.0.2.200.macro.test.allow.test"] = []string{"127.0.0.2"}
	dns.SetTXT("two.test", "v=spf1 -all", "v=spf1 +all")
	dns.SetTXT("bad.test", "v=spf1 ip4:not-an-address -all")
	dns.SetTXT("loop.test", "v=spf1 include:loop.test -all")
	dns.SetTXT("brokeninclude.test", "v=spf1 include:down.test -all")
	dns.Broken["down.test"] = true

	for _, c := range []struct{ ip, sender, want string }{
		{"192.0.2.9", "xena@xylo.test", SPFPass},
		{"198.51.100.7", "xena@xylo.test", SPFPass},
		{"2001:db8::7", "xena@xylo.test", SPFPass},
		{"203.0.113.25", "xena@xylo.test", SPFPass},
		{"2001:db8:1::99", "xena@xylo.test", SPFPass},
		{"203.0.113.99", "xena@xylo.test", SPFFail},
		{"203.0.113.99", "xena@soft.test", SPFSoftFail},
		{"203.0.113.99", "xena@neutral.test", SPFNeutral},
		{"192.0.2.9", "xena@redirected.test", SPFPass},
		{"203.0.113.99", "xena@redirected.test", SPFFail},
		{"192.0.2.200", "xena@macro.test", SPFPass},
		{"192.0.2.201", "xena@macro.test", SPFFail},
		{"192.0.2.9", "xena@unknown.test", SPFNone},
		{"192.0.2.9", "xena@two.test", SPFPermError},
		{"192.0.2.9", "xena@bad.test", SPFPermError},
		{"192.0.2.9", "xena@loop.test", SPFPermError},
		{"192.0.2.9", "xena@down.test", SPFTempError},
		{"192.0.2.9", "xena@brokeninclude.test", SPFTempError},
	} {
		if got := CheckSPF(ctx, dns, net.ParseIP(c.ip), c.sender, "client.test"); got != c.want {
			t.Errorf("%s from %s: %s, want %s", c.sender, c.ip, got, c.want)
		}
	}
	// A connection without an address to check (not TCP) is none.
	if got := CheckSPF(ctx, dns, nil, "xena@xylo.test", ""); got != SPFNone {
		t.Errorf("no address: %s", got)
	}
}

// TestSMTPTextsFromTheCatalogue: the listener's answers are English
// catalogue entries (an id missing from it would come out as the id), the
// application's refusals included, on one line.
func TestSMTPTextsFromTheCatalogue(t *testing.T) {
	for _, id := range []string{"smtp.too_many_connections", "smtp.bounce_refused", "smtp.no_such_mailbox", "smtp.unreadable",
		"smtp.temporary_failure", "smtp.dkim_failed"} {
		if got := reply(id, "Domain", "in.mm.test"); got == id || strings.Contains(got, "{{") || strings.ContainsAny(got, "\r\n") {
			t.Errorf("%s: %q", id, got)
		}
	}
	if got := reply("smtp.dkim_failed", "Domain", "xylo.test"); !strings.Contains(got, "The DKIM signature of xylo.test does not verify") {
		t.Errorf("dkim_failed: %q", got)
	}
	msgs, err := i18n.Messages(i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{app.ErrAgencyClosed, app.ErrEmptyReply} {
		if msg := apperr.MessageOf(err); !hasKey(msgs, msg) {
			t.Errorf("%q is not in the English catalogue", msg)
		}
	}
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }
