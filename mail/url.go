package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// Security is how the connection to the SMTP server is protected.
type Security string

// The three ways to reach an SMTP server, one per URL scheme.
const (
	// StartTLS (smtp://) upgrades the connection with STARTTLS when the server offers it.
	StartTLS Security = "starttls"
	// ImplicitTLS (smtps://) speaks TLS from the first byte.
	ImplicitTLS Security = "tls"
	// NoTLS (smtp+insecure://) never encrypts; only for a local relay or tests.
	NoTLS Security = "none"
)

// SMTPServer is a parsed SMTP URL.
type SMTPServer struct {
	Security Security
	Host     string
	Port     int
	Username string
	Password string
}

// schemeDefaults gives a scheme's security and the port used when the URL names none.
func schemeDefaults(scheme string) (Security, int, bool) {
	switch scheme {
	case "smtp":
		return StartTLS, 587, true
	case "smtps":
		return ImplicitTLS, 465, true
	case "smtp+insecure":
		return NoTLS, 25, true
	}
	return "", 0, false
}

// ParseURL checks an SMTP URL — smtp://[user:pass@]host[:port],
// smtps://[user:pass@]host[:port] or smtp+insecure://host[:port] — and
// returns its parts. Its errors never repeat the URL, which may hold a password.
func ParseURL(raw string) (*SMTPServer, error) {
	if raw == "" {
		return nil, errors.New("mail: SMTP URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included; keep only the reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("mail: parse SMTP URL: %w", err)
	}
	security, port, ok := schemeDefaults(u.Scheme)
	if !ok {
		return nil, fmt.Errorf("mail: SMTP URL scheme %q is not supported (use smtp://, smtps:// or smtp+insecure://)", u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: SMTP URL has no host (want %s://host[:port])", u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("mail: SMTP URL must not have a path, query or fragment")
	}
	s := &SMTPServer{Security: security, Host: u.Hostname(), Port: port}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q is not a number from 1 to 65535", p)
		}
		s.Port = port
	}
	if u.User != nil {
		if s.Security == NoTLS {
			return nil, errors.New("mail: smtp+insecure:// URLs take no credentials: they would cross the network in clear text")
		}
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.Username == "" {
			return nil, errors.New("mail: SMTP URL has a password but no user name")
		}
	}
	return s, nil
}

// maskURL returns raw with its password replaced by "xxxxx".
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid SMTP URL)"
	}
	return u.Redacted()
}
