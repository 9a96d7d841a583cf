// Package webhook signs and sends an agency's webhook deliveries
// (issue 20 point 4) following the Standard Webhooks convention, and
// keeps them away from the server's own network: an address is checked
// when it is registered, and again at delivery, where the connection is
// dialled to the very IP that was checked (no second DNS answer).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrAddress is returned for an address a webhook may not be sent to;
// one of the errors below says why (errors.Is finds both).
var ErrAddress = errors.New("webhook: address not allowed")

// Why an address is refused.
var (
	ErrNotURL    = errors.New("not an absolute URL")
	ErrScheme    = errors.New("https only")
	ErrNoHost    = errors.New("the host does not resolve")
	ErrPrivateIP = errors.New("a private, loopback or link-local address")
)

// Sign returns the webhook-signature header value for one message:
// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
// the key being the base64 part of the endpoint's whsec_ secret.
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook: secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// allowedIP reports whether ip is a public unicast address.
func allowedIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !ip.IsUnspecified() && !ip.IsMulticast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(ip) && !netip.MustParsePrefix("fc00::/7").Contains(ip)
}

// Checker decides which addresses may receive webhooks.
type Checker struct {
	// Dev allows http:// (the server's development flag).
	Dev bool
	// Resolver looks names up; nil is net.DefaultResolver.
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
	// AllowIP, in tests only, admits an address allowedIP refuses
	// (the test receiver on loopback).
	AllowIP func(netip.Addr) bool
}

// NewChecker is the server's address rule: https only unless dev (the
// -webhooks-http flag), public addresses only unless loopback (the
// -webhooks-loopback flag, for tests of the real binary with a receiver on
// 127.0.0.1: private and link-local networks stay refused even then).
func NewChecker(dev, loopback bool) Checker {
	c := Checker{Dev: dev}
	if loopback {
		c.AllowIP = func(ip netip.Addr) bool { return ip.Unmap().IsLoopback() }
	}
	return c
}

func (c *Checker) ok(ip netip.Addr) bool {
	return allowedIP(ip) || (c.AllowIP != nil && c.AllowIP(ip))
}

// CheckURL validates an endpoint address: https (http only with Dev), a
// host, and every address it resolves to public. It returns the first
// allowed address to dial.
func (c *Checker) CheckURL(ctx context.Context, raw string) (netip.Addr, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return netip.Addr{}, fmt.Errorf("%w: %w", ErrAddress, ErrNotURL)
	}
	if u.Scheme != "https" && !(c.Dev && u.Scheme == "http") {
		return netip.Addr{}, fmt.Errorf("%w: %w", ErrAddress, ErrScheme)
	}
	host := u.Hostname()
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		r := c.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		if ips, err = r.LookupNetIP(ctx, "ip", host); err != nil || len(ips) == 0 {
			return netip.Addr{}, fmt.Errorf("%w: %s: %w", ErrAddress, host, ErrNoHost)
		}
	}
	for _, ip := range ips {
		if !c.ok(ip) {
			return netip.Addr{}, fmt.Errorf("%w: %s is %w", ErrAddress, ip, ErrPrivateIP)
		}
	}
	return ips[0], nil
}

// Sender posts signed deliveries.
type Sender struct {
	Checker Checker
	// TLS is the client TLS config (tests trust their receiver's cert).
	TLS     *tls.Config
	Timeout time.Duration
}

// Message is one delivery to send, signed with each of Secrets (the
// endpoint's, and during a rotation's overlap its previous one too: the
// header then carries two signatures, as Standard Webhooks allows).
type Message struct {
	ID, URL string
	Secrets []string
	Body    []byte
	At      time.Time
}

// Send checks the address again, dials the checked IP and posts the
// signed body. It returns the response code; ok is a 2xx answer.
func (s *Sender) Send(ctx context.Context, m Message) (code int, err error) {
	ip, err := s.Checker.CheckURL(ctx, m.URL)
	if err != nil {
		return 0, err
	}
	u, _ := url.Parse(m.URL)
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	target := net.JoinHostPort(ip.String(), port)
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		Proxy:           nil,
		TLSClientConfig: s.TLS,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, target)
		},
	}
	defer tr.CloseIdleConnections()
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	client := &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ts := m.At.Unix()
	var sigs []string
	for _, secret := range m.Secrets {
		sig, err := Sign(secret, m.ID, ts, m.Body)
		if err != nil {
			return 0, err
		}
		sigs = append(sigs, sig)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL, bytes.NewReader(m.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", m.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", strings.Join(sigs, " "))
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook: post: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook: %s answered %d", u.Host, resp.StatusCode)
	}
	return resp.StatusCode, nil
}
