package inbound

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// Resolver is the DNS the listener asks for DKIM keys and SPF records:
// net.DefaultResolver unless Config.Resolver gives another (the tests
// give one that answers from a map, as this machine has no DNS).
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
}

// Auth is what the listener found of an email's sender authentication.
//
// DKIM (RFC 6376, verified with github.com/emersion/go-msgauth): "none"
// without a signature, "pass" with the domain of a signature that
// verifies (the From address's domain preferred), "temperror" when a
// key could not be looked up (a DNS failure other than "no such name": a
// lookup that fails is never taken as a failed signature), "permerror"
// when no signature could be checked (no key published for it,
// malformed, expired, From not signed). A signature that does not verify
// with the key its domain publishes is a failure, which DKIM returns as
// an error: the domain signs, so the email was changed or forged, and
// the listener refuses it.
//
// SPF (RFC 7208, checkSPF): the result for the connecting address and the
// envelope sender's domain, kept on the message but never a reason to
// refuse (forwarding breaks SPF and the reply token and From check already
// name the person); a DNS failure is "temperror", no record "none".
type Auth struct {
	DKIM, DKIMDomain, SPF string
}

// DKIMFailure is a signature that its domain's key does not verify.
type DKIMFailure struct {
	Domain string
	Err    error
}

func (e *DKIMFailure) Error() string {
	return "inbound: DKIM signature of " + e.Domain + ": " + e.Err.Error()
}

// maxSignatures bounds the DKIM signatures checked in one email.
const maxSignatures = 5

// CheckDKIM verifies the DKIM signatures of the email raw (fromDomain is
// its From address's domain), asking r for the keys. It returns the
// result (see Auth) and, for a domain whose signatures all fail, a
// *DKIMFailure.
func CheckDKIM(ctx context.Context, r Resolver, raw []byte, fromDomain string) (result, domain string, err error) {
	verifications, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) { return lookupTXT(ctx, r, name) }, MaxVerifications: maxSignatures})
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return "permerror", "", nil // the header could not be read for signatures
	}
	passed := map[string]bool{}
	var failed []*DKIMFailure
	temp, perm := false, false
	for _, v := range verifications {
		d := strings.ToLower(v.Domain)
		switch {
		case v.Err == nil:
			passed[d] = true
			if domain == "" || strings.EqualFold(d, fromDomain) {
				domain = d
			}
		case dkim.IsTempFail(v.Err):
			temp = true
		case dkim.IsPermFail(v.Err):
			perm = true
		default: // the body hash or the signature does not verify
			failed = append(failed, &DKIMFailure{Domain: d, Err: v.Err})
		}
	}
	for _, f := range failed {
		if !passed[f.Domain] {
			return "", "", f
		}
	}
	switch {
	case domain != "":
		return "pass", domain, nil
	case temp:
		return "temperror", "", nil
	case perm:
		return "permerror", "", nil
	}
	return "none", "", nil
}

// lookupTXT asks r for name's TXT records. A failure other than "no such
// name" comes back as a temporary net.Error, which go-msgauth reports as
// a temporary failure (a permanent one when the name does not exist).
func lookupTXT(ctx context.Context, r Resolver, name string) ([]string, error) {
	txts, err := r.LookupTXT(ctx, name)
	if err != nil && !notFound(err) {
		return nil, temporary{err}
	}
	return txts, err
}

// notFound reports whether err is the DNS's "no such name" (or no record
// of that type), as opposed to a failure to ask.
func notFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// temporary marks a DNS failure as temporary (net.Error).
type temporary struct{ err error }

func (t temporary) Error() string   { return t.err.Error() }
func (t temporary) Unwrap() error   { return t.err }
func (t temporary) Timeout() bool   { return false }
func (t temporary) Temporary() bool { return true }
