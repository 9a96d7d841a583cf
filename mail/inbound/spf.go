package inbound

import (
	"context"
	"net"
	"strconv"
	"strings"
)

// SPF results (RFC 7208 section 2.6).
const (
	SPFNone      = "none"
	SPFNeutral   = "neutral"
	SPFPass      = "pass"
	SPFFail      = "fail"
	SPFSoftFail  = "softfail"
	SPFTempError = "temperror"
	SPFPermError = "permerror"
)

// spfLookups is RFC 7208's limit on the mechanisms and modifiers that ask
// the DNS (include, a, mx, ptr, exists, redirect) in one check, and
// spfVoidLookups its limit on those that find nothing.
const (
	spfLookups     = 10
	spfVoidLookups = 2
	spfMXHosts     = 10
)

// CheckSPF is the SPF result (RFC 7208) for mail from sender (the envelope
// sender, or the HELO name's postmaster when it is empty) sent from ip,
// asking r for the records: ip4, ip6, a, mx, include, exists, all and
// redirect are evaluated, with the simple macros (%{s} %{l} %{o} %{d}
// %{i} %{h}, no transformers); ptr, discouraged by the RFC, never
// matches. A DNS failure other than "no such name" is a temperror (so on
// a machine without DNS every check is temperror or none, never a fail).
func CheckSPF(ctx context.Context, r Resolver, ip net.IP, sender, helo string) string {
	if ip == nil {
		return SPFNone
	}
	if sender == "" {
		sender = "postmaster@" + helo
	}
	local, domain, ok := strings.Cut(sender, "@")
	if !ok || domain == "" {
		return SPFNone
	}
	c := &spfCheck{ctx: ctx, r: r, ip: ip, local: local, sender: sender, helo: helo}
	return c.check(strings.ToLower(strings.TrimSuffix(domain, ".")), 0)
}

// spfCheck is one SPF check in progress.
type spfCheck struct {
	ctx                  context.Context
	r                    Resolver
	ip                   net.IP
	local, sender, helo  string
	lookups, voidLookups int
}

// check evaluates domain's SPF record; depth counts include and redirect.
func (c *spfCheck) check(domain string, depth int) string {
	if depth > spfLookups {
		return SPFPermError
	}
	txts, err := c.r.LookupTXT(c.ctx, domain)
	if err != nil {
		if notFound(err) {
			return SPFNone
		}
		return SPFTempError
	}
	var record string
	found := 0
	for _, t := range txts {
		if l := strings.ToLower(t); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
			record, found = t[len("v=spf1"):], found+1
		}
	}
	switch found {
	case 0:
		return SPFNone
	case 1:
	default:
		return SPFPermError
	}
	redirect := ""
	for _, term := range strings.Fields(record) {
		if name, value, ok := strings.Cut(term, "="); ok && isModifierName(name) {
			if strings.EqualFold(name, "redirect") {
				if redirect != "" {
					return SPFPermError
				}
				redirect = value
			}
			continue // exp= and unknown modifiers are ignored
		}
		qualifier := SPFPass
		switch term[0] {
		case '+':
			term = term[1:]
		case '-':
			qualifier, term = SPFFail, term[1:]
		case '~':
			qualifier, term = SPFSoftFail, term[1:]
		case '?':
			qualifier, term = SPFNeutral, term[1:]
		}
		matched, result := c.mechanism(term, domain, depth)
		if result != "" {
			return result
		}
		if matched {
			return qualifier
		}
	}
	if redirect == "" {
		return SPFNeutral
	}
	target, ok := c.expand(redirect, domain)
	if !ok || !c.count() {
		return SPFPermError
	}
	if result := c.check(target, depth+1); result != SPFNone {
		return result
	}
	return SPFPermError
}

// isModifierName reports whether name is a modifier's name (ALPHA then
// ALPHA, DIGIT, "-", "_" or "."), as opposed to a mechanism with a
// domain-spec that holds "=".
func isModifierName(name string) bool {
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'):
		default:
			return false
		}
	}
	return name != ""
}

// count counts one DNS-asking term, reporting whether it is within the limit.
func (c *spfCheck) count() bool {
	c.lookups++
	return c.lookups <= spfLookups
}

// void counts a lookup that found nothing, reporting whether it is within
// the limit.
func (c *spfCheck) void() bool {
	c.voidLookups++
	return c.voidLookups <= spfVoidLookups
}

// mechanism evaluates one mechanism (without its qualifier): whether it
// matches, or a result that ends the check (an error).
func (c *spfCheck) mechanism(term, domain string, depth int) (bool, string) {
	name, arg, hasArg := strings.Cut(term, ":")
	if !hasArg {
		name, arg, _ = strings.Cut(term, "/")
		if arg != "" {
			arg = "/" + arg
		}
	}
	switch strings.ToLower(name) {
	case "all":
		if hasArg || arg != "" {
			return false, SPFPermError
		}
		return true, ""
	case "ip4", "ip6":
		if !hasArg {
			return false, SPFPermError
		}
		_, n, err := net.ParseCIDR(withPrefix(arg))
		if err != nil {
			return false, SPFPermError
		}
		return n.Contains(c.ip), ""
	case "include":
		if !hasArg || !c.count() {
			return false, SPFPermError
		}
		target, ok := c.expand(arg, domain)
		if !ok {
			return false, SPFPermError
		}
		switch c.check(target, depth+1) {
		case SPFPass:
			return true, ""
		case SPFTempError:
			return false, SPFTempError
		case SPFPermError, SPFNone:
			return false, SPFPermError
		}
		return false, ""
	case "a", "mx":
		if !c.count() {
			return false, SPFPermError
		}
		spec, cidr4, cidr6, ok := splitCIDR(arg, hasArg)
		if !ok {
			return false, SPFPermError
		}
		target := domain
		if spec != "" {
			if target, ok = c.expand(spec, domain); !ok {
				return false, SPFPermError
			}
		}
		hosts := []string{target}
		if strings.EqualFold(name, "mx") {
			mxs, err := c.r.LookupMX(c.ctx, target)
			if err != nil && !notFound(err) {
				return false, SPFTempError
			}
			if len(mxs) == 0 && !c.void() {
				return false, SPFPermError
			}
			if len(mxs) > spfMXHosts {
				return false, SPFPermError
			}
			hosts = hosts[:0]
			for _, mx := range mxs {
				hosts = append(hosts, strings.TrimSuffix(mx.Host, "."))
			}
		}
		for _, h := range hosts {
			matched, result := c.addressMatches(h, cidr4, cidr6)
			if matched || result != "" {
				return matched, result
			}
		}
		return false, ""
	case "exists":
		if !hasArg || !c.count() {
			return false, SPFPermError
		}
		target, ok := c.expand(arg, domain)
		if !ok {
			return false, SPFPermError
		}
		addrs, err := c.r.LookupIPAddr(c.ctx, target)
		if err != nil && !notFound(err) {
			return false, SPFTempError
		}
		if len(addrs) == 0 && !c.void() {
			return false, SPFPermError
		}
		return len(addrs) > 0, ""
	case "ptr":
		if !c.count() {
			return false, SPFPermError
		}
		return false, ""
	}
	return false, SPFPermError
}

// addressMatches reports whether one of host's addresses, within the
// prefix lengths, holds the connecting address.
func (c *spfCheck) addressMatches(host string, cidr4, cidr6 int) (bool, string) {
	addrs, err := c.r.LookupIPAddr(c.ctx, host)
	if err != nil && !notFound(err) {
		return false, SPFTempError
	}
	if len(addrs) == 0 && !c.void() {
		return false, SPFPermError
	}
	for _, a := range addrs {
		bits, ones := 128, cidr6
		ip := a.IP
		if v4 := a.IP.To4(); v4 != nil {
			bits, ones, ip = 32, cidr4, v4
		}
		if (bits == 32) != (c.ip.To4() != nil) {
			continue
		}
		n := net.IPNet{IP: ip.Mask(net.CIDRMask(ones, bits)), Mask: net.CIDRMask(ones, bits)}
		if n.Contains(c.ip) {
			return true, ""
		}
	}
	return false, ""
}

// splitCIDR splits "domain/24//64" (or "/24", or "") into the domain-spec
// and the IPv4 and IPv6 prefix lengths (32 and 128 when not given).
func splitCIDR(arg string, hasArg bool) (spec string, cidr4, cidr6 int, ok bool) {
	cidr4, cidr6 = 32, 128
	spec, rest, _ := strings.Cut(arg, "/")
	if hasArg && spec == "" {
		return "", 0, 0, false
	}
	if rest == "" {
		return spec, cidr4, cidr6, true
	}
	v4, v6, dual := strings.Cut(rest, "//")
	if strings.HasPrefix(rest, "/") { // "//64" alone
		v4, v6, dual = "", rest[1:], true
	}
	var err error
	if v4 != "" {
		if cidr4, err = strconv.Atoi(v4); err != nil || cidr4 < 0 || cidr4 > 32 {
			return "", 0, 0, false
		}
	}
	if dual {
		if cidr6, err = strconv.Atoi(v6); err != nil || cidr6 < 0 || cidr6 > 128 {
			return "", 0, 0, false
		}
	}
	return spec, cidr4, cidr6, true
}

// withPrefix gives a bare address its full prefix length.
func withPrefix(s string) string {
	if strings.Contains(s, "/") {
		return s
	}
	if strings.Contains(s, ":") {
		return s + "/128"
	}
	return s + "/32"
}

// expand expands the simple macros of a domain-spec; a transformer or an
// unknown macro makes it invalid.
func (c *spfCheck) expand(spec, domain string) (string, bool) {
	if !strings.Contains(spec, "%") {
		return strings.ToLower(strings.TrimSuffix(spec, ".")), spec != ""
	}
	var b strings.Builder
	for i := 0; i < len(spec); i++ {
		if spec[i] != '%' {
			b.WriteByte(spec[i])
			continue
		}
		if i+1 >= len(spec) {
			return "", false
		}
		i++
		switch spec[i] {
		case '%':
			b.WriteByte('%')
		case '_':
			b.WriteByte(' ')
		case '-':
			b.WriteString("%20")
		case '{':
			end := strings.IndexByte(spec[i:], '}')
			if end != 2 { // one letter, no transformers
				return "", false
			}
			switch spec[i+1] | 0x20 {
			case 's':
				b.WriteString(c.sender)
			case 'l':
				b.WriteString(c.local)
			case 'o':
				_, o, _ := strings.Cut(c.sender, "@")
				b.WriteString(o)
			case 'd':
				b.WriteString(domain)
			case 'i':
				b.WriteString(macroIP(c.ip))
			case 'h':
				b.WriteString(c.helo)
			default:
				return "", false
			}
			i += end
		default:
			return "", false
		}
	}
	return strings.ToLower(strings.TrimSuffix(b.String(), ".")), true
}

// macroIP is %{i}: dotted for IPv4, dot-separated nibbles for IPv6.
func macroIP(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	const hex = "0123456789abcdef"
	parts := make([]string, 0, 32)
	for _, x := range ip.To16() {
		parts = append(parts, string(hex[x>>4]), string(hex[x&0xf]))
	}
	return strings.Join(parts, ".")
}
