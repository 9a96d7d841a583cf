// Package mailtest runs a real SMTP server in the test process, so tests
// can send mail through the whole stack and read what arrived.
package mailtest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one email the server accepted.
type Message struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Data    string   // the raw message, headers and encoded body
	Subject string   // decoded Subject header
	Body    string   // the plain-text body (transfer encoding undone), LF line ends
	HTML    string   // the text/html alternative, "" if none
	Header  mail.Header
	Parts   []Part // every leaf part of a multipart message, in order
}

// Part is one leaf of a multipart message, its transfer encoding undone.
type Part struct {
	ContentType string // media type, lower case, without parameters
	Header      textproto.MIMEHeader
	Data        []byte
}

// Server is an in-process SMTP server that keeps every message it accepts.
type Server struct {
	addr string

	mu       sync.Mutex
	messages []Message
	taken    []bool        // taken[i]: messages[i] was returned by WaitFor
	arrived  chan struct{} // closed and replaced on each new message
	failNext int
}

// Start listens on a loopback port and serves until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{addr: l.Addr().String(), arrived: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.AllowInsecureAuth = true
	// The server outlives a test's logging; keep its connection chatter out.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

// URL returns the URL a mailer uses to reach the server.
func (s *Server) URL() string { return "smtp+insecure://" + s.addr }

// Messages returns a copy of every message accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	copy(out, s.messages)
	return out
}

// FailNext makes the next n transactions fail with a 451 temporary error at
// MAIL FROM, as a busy or greylisting server would.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// WaitFor returns the oldest message for `to` (an envelope recipient,
// compared without case) that no earlier WaitFor returned, waiting up to
// timeout; the test fails if none comes.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i, m := range s.messages {
			if !s.taken[i] && hasRecipient(m, to) {
				s.taken[i] = true
				s.mu.Unlock()
				return m
			}
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("mailtest: no email to %s within %s (%d messages received)", to, timeout, len(s.Messages()))
			return Message{}
		}
	}
}

func hasRecipient(m Message, to string) bool {
	for _, r := range m.To {
		if strings.EqualFold(r, to) {
			return true
		}
	}
	return false
}

// takeFailure reports whether the transaction starting now must fail.
func (s *Server) takeFailure() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return true
	}
	return false
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	s.taken = append(s.taken, false)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// session is one SMTP connection; it accepts any sender and recipient.
type session struct {
	server *Server
	from   string
	to     []string
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.server.takeFailure() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailtest: temporary failure, try again later"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: ss.from, To: ss.to, Data: string(raw)}
	d, err := decode(m.Data)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	m.Subject, m.Body, m.HTML, m.Header, m.Parts = d.subject, d.text, d.html, d.header, d.parts
	ss.server.add(m)
	return nil
}

// decode parses a message, single-part or multipart (walked with
// mime/multipart), and returns its subject, its plain-text body, its HTML
// alternative and its leaf parts.
func decode(data string) (*decoded, error) {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parse message: %w", err)
	}
	d := &decoded{header: msg.Header}
	d.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("decode subject: %w", err)
	}
	if err := d.walk(textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		return nil, err
	}
	for _, p := range d.parts {
		switch {
		case p.ContentType == "text/plain" && d.text == "":
			d.text = strings.ReplaceAll(string(p.Data), "\r\n", "\n")
		case p.ContentType == "text/html" && d.html == "":
			d.html = strings.ReplaceAll(string(p.Data), "\r\n", "\n")
		}
	}
	return d, nil
}

type decoded struct {
	header              mail.Header
	subject, text, html string
	parts               []Part
}

// walk adds the leaves under a part with header h and body r.
func (d *decoded) walk(h textproto.MIMEHeader, r io.Reader) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s part: %w", media, err)
			}
			if err := d.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); enc {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "", "7bit", "8bit", "binary":
	default:
		return errors.New("unknown transfer encoding " + enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	d.parts = append(d.parts, Part{ContentType: media, Header: h, Data: b})
	return nil
}
