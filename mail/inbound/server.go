// Package inbound is the binary's SMTP listener for replies by email
// (github.com/emersion/go-smtp as a server). It takes mail only for the
// reply addresses notifications carry, reply+<token>@<inbound domain>,
// refuses in the SMTP dialogue what it will not store (an address not
// known, expired or withdrawn, mail from another sender, too large, too
// many recipients, an agency that takes no replies, a replay), drops
// automatic replies without answering them, and hands each reply to
// app.Inbound, which adds it to its case.
package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/i18n"
)

// Config is the listener's settings.
type Config struct {
	// Domain is the inbound domain: only reply+<token>@Domain is taken.
	Domain string
	// MaxBytes is the largest email, attachments and encoding included
	// (SIZE, and the DATA cut off past it: 552).
	MaxBytes int64
	// PerAddress is how many connections one remote address may open per
	// minute; past it the listener answers 421. Zero: DefaultPerAddress.
	PerAddress int
	// TLS, when set, is offered with STARTTLS.
	TLS *tls.Config
	// Timeout bounds each command and the storing of a reply.
	Timeout time.Duration
	// Resolver is asked for DKIM keys and SPF records (CheckDKIM,
	// CheckSPF); nil: net.DefaultResolver. A lookup that fails counts as
	// temperror, never as a failed check.
	Resolver Resolver
}

// DefaultPerAddress is the connections a minute one address may open.
const DefaultPerAddress = 30

// Server is the listener.
type Server struct {
	in    *app.Inbound
	cfg   Config
	smtp  *smtp.Server
	clock clock.Clock
	log   *slog.Logger

	mu     sync.Mutex
	window time.Time      // the start of the current minute's counts
	counts map[string]int // connections this minute, by remote address
}

// New makes the listener for in.
func New(in *app.Inbound, cfg Config, clk clock.Clock, log *slog.Logger) *Server {
	if cfg.PerAddress <= 0 {
		cfg.PerAddress = DefaultPerAddress
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if clk == nil {
		clk = clock.System{}
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if log == nil {
		log = slog.Default()
	}
	cfg.Domain = strings.ToLower(strings.TrimSpace(cfg.Domain))
	s := &Server{in: in, cfg: cfg, clock: clk, log: log, counts: map[string]int{}}
	srv := smtp.NewServer(s)
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.MaxBytes
	srv.MaxRecipients = 1 // one reply address per email; see Rcpt
	srv.ReadTimeout, srv.WriteTimeout = cfg.Timeout, cfg.Timeout
	srv.TLSConfig = cfg.TLS
	srv.ErrorLog = slogWriter{log}
	s.smtp = srv
	return s
}

// Serve takes connections on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.smtp.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops taking connections and waits for those open to end, up
// to ctx.
func (s *Server) Shutdown(ctx context.Context) error { return s.smtp.Shutdown(ctx) }

// Close ends the listener and every connection at once.
func (s *Server) Close() error { return s.smtp.Close() }

// NewSession counts the connection against its address's minute.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	host := remoteHost(c.Conn().RemoteAddr())
	if !s.allow(host) {
		s.log.Warn("inbound mail: too many connections", "remote", host)
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: reply("smtp.too_many_connections")}
	}
	return &session{s: s, conn: c, remote: host}, nil
}

// allow counts one connection from host, and reports whether it is within
// this minute's allowance.
func (s *Server) allow(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if now.Sub(s.window) >= time.Minute {
		s.window, s.counts = now, map[string]int{}
	}
	s.counts[host]++
	return s.counts[host] <= s.cfg.PerAddress
}

// remoteHost is the address without its port.
func remoteHost(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// session is one SMTP connection.
type session struct {
	s      *Server
	conn   *smtp.Conn
	remote string
	from   string // the envelope sender
	token  string // the reply address's token
}

// Reset forgets the email in progress.
func (ss *session) Reset() { ss.from, ss.token = "", "" }

// Logout ends the session.
func (ss *session) Logout() error { return nil }

// Mail takes the envelope sender. An empty one (<>) is a bounce or an
// automatic reply (RFC 3834): refused, which answers nobody.
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if strings.TrimSpace(from) == "" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: reply("smtp.bounce_refused")}
	}
	ss.from = from
	return nil
}

// Rcpt takes reply+<token>@Domain for a live token whose person is the
// envelope sender, and nothing else.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	local, domain, ok := strings.Cut(to, "@")
	token, isReply := strings.CutPrefix(strings.ToLower(local), "reply+")
	if !ok || !strings.EqualFold(domain, ss.s.cfg.Domain) || !isReply || token == "" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: reply("smtp.no_such_mailbox", "Domain", ss.s.cfg.Domain)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.Timeout)
	defer cancel()
	if err := ss.s.in.Check(ctx, token, ss.from); err != nil {
		return ss.refuse("rcpt", err)
	}
	ss.token = token
	return nil
}

// Data reads the email and adds it to the case, or drops it when a
// program sent it.
func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // too large (552) or the connection broke
	}
	e, err := Parse(strings.NewReader(string(raw)))
	if err != nil {
		ss.s.log.Info("inbound mail: unreadable", "remote", ss.remote, "err", err)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: reply("smtp.unreadable")}
	}
	if e.Auto != "" {
		// Accepted and dropped: refusing would bounce to the program that
		// sent it, and an automatic reply is never answered.
		ss.s.log.Info("inbound mail: automatic reply dropped", "remote", ss.remote, "why", e.Auto)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.Timeout)
	defer cancel()
	auth, f := ss.authenticate(ctx, raw, e.From)
	if f != nil {
		ss.s.log.Info("inbound mail: refused", "stage", "data", "remote", ss.remote, "code", 550, "why", f)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 20}, Message: reply("smtp.dkim_failed", "Domain", f.Domain)}
	}
	files := make([]app.UploadFile, len(e.Files))
	for i, f := range e.Files {
		files[i] = app.UploadFile{Name: f.Name, Body: strings.NewReader(string(f.Data))}
	}
	n, err := ss.s.in.Add(ctx, app.Reply{Token: ss.token, Sender: e.From, MessageID: e.MessageID, Text: e.Text, Files: files,
		Auth: app.MailAuth{DKIM: auth.DKIM, DKIMDomain: auth.DKIMDomain, SPF: auth.SPF}})
	if err != nil {
		return ss.refuse("data", err)
	}
	ss.s.log.Info("inbound mail: reply added", "remote", ss.remote, "case_id", n.CaseID, "quote_id", n.QuoteID, "files", len(files), "dkim", auth.DKIM, "dkim_domain", auth.DKIMDomain, "spf", auth.SPF)
	return nil
}

// authenticate checks the email raw's DKIM signatures (from is its From
// address) and SPF for the connecting address and the envelope sender;
// a signature that fails is returned, to refuse the email.
func (ss *session) authenticate(ctx context.Context, raw []byte, from string) (Auth, *DKIMFailure) {
	_, fromDomain, _ := strings.Cut(from, "@")
	dkimResult, dkimDomain, err := CheckDKIM(ctx, ss.s.cfg.Resolver, raw, fromDomain)
	var failed *DKIMFailure
	if errors.As(err, &failed) {
		return Auth{}, failed
	}
	helo := ""
	if ss.conn != nil {
		helo = ss.conn.Hostname()
	}
	spf := CheckSPF(ctx, ss.s.cfg.Resolver, net.ParseIP(ss.remote), ss.from, helo)
	return Auth{DKIM: dkimResult, DKIMDomain: dkimDomain, SPF: spf}, nil
}

// refuse answers err in the dialogue: what the sender can fix or must
// know as a permanent refusal with the reason, a fault of ours as a
// temporary one (the sender's server tries again).
func (ss *session) refuse(stage string, err error) error {
	code, enhanced := 550, smtp.EnhancedCode{5, 7, 1}
	switch apperr.CodeOf(err) {
	case apperr.Unauthorized, apperr.NotFound:
		enhanced = smtp.EnhancedCode{5, 1, 1}
	case apperr.Forbidden:
	case apperr.Conflict:
		enhanced = smtp.EnhancedCode{5, 7, 0}
	case apperr.Invalid:
		enhanced = smtp.EnhancedCode{5, 6, 0}
	case apperr.TooLarge, apperr.Insufficient:
		code, enhanced = 552, smtp.EnhancedCode{5, 3, 4}
	default:
		ss.s.log.Error("inbound mail: "+stage, "remote", ss.remote, "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: reply("smtp.temporary_failure")}
	}
	msg := reply(apperr.MessageOf(err))
	ss.s.log.Info("inbound mail: refused", "stage", stage, "remote", ss.remote, "code", code, "why", msg)
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
}

// reply is the text of an SMTP answer: message id of the English catalogue
// (the sender's language is not known; an application error's message is
// its own id there), with its args (i18n.T), on one line.
func reply(id string, args ...any) string { return oneLine(i18n.T(i18n.English, id, args...)) }

// oneLine keeps an SMTP reply's text on one printable ASCII line.
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			b.WriteByte(' ')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slogWriter is go-smtp's error log, written to slog.
type slogWriter struct{ log *slog.Logger }

// Printf logs a go-smtp error.
func (w slogWriter) Printf(format string, v ...any) {
	w.log.Warn("inbound mail: smtp", "detail", strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// Println logs a go-smtp error.
func (w slogWriter) Println(v ...any) {
	w.log.Warn("inbound mail: smtp", "detail", strings.TrimSpace(fmt.Sprintln(v...)))
}
