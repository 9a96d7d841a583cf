package mailtest

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
)

// DNS answers the inbound listener's lookups (inbound.Resolver) from its
// maps, as this machine has no DNS: a name in none of them is "no such
// name", a name in Broken fails as a DNS server that does not answer.
type DNS struct {
	mu     sync.Mutex
	TXT    map[string][]string
	IP     map[string][]string // A and AAAA
	MX     map[string][]string
	Broken map[string]bool
}

// NewDNS is an empty DNS.
func NewDNS() *DNS {
	return &DNS{TXT: map[string][]string{}, IP: map[string][]string{}, MX: map[string][]string{}, Broken: map[string]bool{}}
}

// SetTXT sets name's TXT records.
func (d *DNS) SetTXT(name string, records ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.TXT[strings.ToLower(name)] = records
}

// SetBroken makes lookups of name fail as when the DNS does not answer.
func (d *DNS) SetBroken(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Broken[strings.ToLower(name)] = true
}

// answer is name's records in m, or the DNS's error.
func (d *DNS) answer(m map[string][]string, name string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if d.Broken[name] {
		return nil, &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
	}
	rs, ok := m[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return rs, nil
}

// LookupTXT returns name's TXT records.
func (d *DNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	return d.answer(d.TXT, name)
}

// LookupIPAddr returns host's addresses.
func (d *DNS) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	rs, err := d.answer(d.IP, host)
	var out []net.IPAddr
	for _, r := range rs {
		ip := net.ParseIP(r)
		if ip == nil {
			return nil, errors.New("mailtest: bad address " + r)
		}
		out = append(out, net.IPAddr{IP: ip})
	}
	return out, err
}

// LookupMX returns name's mail hosts.
func (d *DNS) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	rs, err := d.answer(d.MX, name)
	var out []*net.MX
	for i, r := range rs {
		out = append(out, &net.MX{Host: r, Pref: uint16(10 * (i + 1))})
	}
	return out, err
}
