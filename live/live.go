// Package live carries "something changed" notices from the handler that
// committed a change to the event streams (Server-Sent Events) of the
// signed-in tabs that may see it. A notice names a case and a kind, never
// content: the page that receives it fetches the changed part through its
// ordinary routes, which apply every access rule again.
//
// The broker lives in one process: every agency is served by one machine
// (DESIGN.md, "Past one machine"), so everyone who may see an agency's
// change is connected to the machine that committed it.
package live

import (
	"errors"
	"sync"
	"time"
)

// Kind says what changed on a case.
type Kind string

// The kinds of notice. A page listens for its case and refreshes the part
// the kind names; counts (the inbox) listen for KindInbox.
const (
	KindMessage Kind = "message" // a message between agency and client (a client-visible note or a portal message)
	KindNote    Kind = "note"    // an internal note, staff only
	KindStatus  Kind = "status"  // the case's status (or its other fields) changed
	KindUpload  Kind = "upload"  // a document was added, shared or unshared
	KindRequest Kind = "request" // a client opened a request (a new case from the portal)
	KindEvent   Kind = "event"   // another history entry (invoice, assignment, …)
)

// Event is one notice about a case of one agency. Shared says the client's
// contacts may see it; AssigneeID and ResponsibleID are who among staff
// limited to their own cases may see it (the case's assignee and its
// client's responsible staff member), exactly as tenant.Viewer's caseFilter.
type Event struct {
	CaseID        string
	ClientID      string
	Kind          Kind
	Shared        bool
	Inbox         bool // the staff inbox counts change (new request, new client message)
	AssigneeID    string
	ResponsibleID string
}

// Viewer is who a stream is for, as tenant.Viewer: a client contact has
// ClientID; a staff member limited to their own cases has OwnOnly.
type Viewer struct {
	UserID   string
	OwnOnly  bool
	ClientID string
}

// May reports whether v may be told of e.
func (v Viewer) May(e Event) bool {
	if v.ClientID != "" {
		return e.Shared && e.ClientID == v.ClientID
	}
	if !v.OwnOnly {
		return true
	}
	return v.UserID != "" && (e.AssigneeID == v.UserID || e.ResponsibleID == v.UserID)
}

// Config bounds the streams.
type Config struct {
	PerPerson  int           // open streams one person may hold (tabs); 0: DefaultPerPerson
	PerMachine int           // open streams on this machine; 0: DefaultPerMachine
	Heartbeat  time.Duration // a comment line this often keeps proxies from closing an idle stream; 0: DefaultHeartbeat
	Buffer     int           // notices queued per stream before it is told to reload; 0: 16
}

// Defaults.
const (
	DefaultPerPerson  = 8
	DefaultPerMachine = 2000
	DefaultHeartbeat  = 25 * time.Second
)

// ErrOverCap is returned by Subscribe when the person or the machine holds
// as many streams as the cap allows; the page then polls instead.
var ErrOverCap = errors.New("live: too many open streams")

// Broker hands notices to the subscriptions that may see them.
type Broker struct {
	cfg Config

	mu       sync.Mutex
	agencies map[string]map[*Subscription]struct{}
	people   map[string]int // agencyID+"/"+userID → open streams
	total    int
	shut     bool
}

// New returns a broker with the given bounds.
func New(cfg Config) *Broker {
	if cfg.PerPerson <= 0 {
		cfg.PerPerson = DefaultPerPerson
	}
	if cfg.PerMachine <= 0 {
		cfg.PerMachine = DefaultPerMachine
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 16
	}
	return &Broker{cfg: cfg, agencies: map[string]map[*Subscription]struct{}{}, people: map[string]int{}}
}

// Config returns the broker's bounds, defaults filled in.
func (b *Broker) Config() Config { return b.cfg }

// Subscription is one open stream: one tab of one signed-in session.
type Subscription struct {
	AgencyID  string
	SessionID string
	Tab       string // the tab's own id (the page makes one per tab); a new stream of the same tab replaces the old
	Viewer    Viewer

	b      *Broker
	events chan Event
	done   chan struct{}
	once   sync.Once
	reason Reason // set before done is closed
	lagged bool   // guarded by b.mu: a notice was dropped, the page should reload its parts
}

// Reason says why a stream ended.
type Reason string

// The reasons. A stream that ends for ReasonSignedOut or ReasonReplaced
// tells its page to stop (the page must not ask again); the others end the
// stream quietly, and the browser opens a new one, which is checked afresh.
const (
	ReasonClosed    Reason = ""           // the connection ended, or the server shuts down
	ReasonSignedOut Reason = "signed-out" // the session was signed out or revoked, or the person disabled
	ReasonReplaced  Reason = "replaced"   // the same tab opened a new stream
	ReasonChanged   Reason = "changed"    // who sees what changed (a role, the agency's visibility setting): ask again
)

// Subscribe opens a stream for one tab of a signed-in person's session, or
// returns ErrOverCap. An open stream of the same session and tab (a
// reload) is ended first, so a tab holds one stream.
func (b *Broker) Subscribe(agencyID, sessionID, tab string, v Viewer) (*Subscription, error) {
	if tab != "" {
		b.closeWhere(agencyID, ReasonReplaced, func(s *Subscription) bool { return s.SessionID == sessionID && s.Tab == tab })
	}
	person := agencyID + "/" + v.UserID
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shut || b.total >= b.cfg.PerMachine || b.people[person] >= b.cfg.PerPerson {
		return nil, ErrOverCap
	}
	s := &Subscription{AgencyID: agencyID, SessionID: sessionID, Tab: tab, Viewer: v, b: b,
		events: make(chan Event, b.cfg.Buffer), done: make(chan struct{})}
	subs := b.agencies[agencyID]
	if subs == nil {
		subs = map[*Subscription]struct{}{}
		b.agencies[agencyID] = subs
	}
	subs[s] = struct{}{}
	b.people[person]++
	b.total++
	return s, nil
}

// Events are the notices for this stream, in the order published.
func (s *Subscription) Events() <-chan Event { return s.events }

// Done is closed when the stream must end; Reason then says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Reason says why the stream ended, once Done is closed.
func (s *Subscription) Reason() Reason {
	<-s.done
	return s.reason
}

// Lagged reports, and clears, whether notices were dropped because the
// stream fell behind.
func (s *Subscription) Lagged() bool {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	l := s.lagged
	s.lagged = false
	return l
}

// Close ends the subscription and frees its place under the caps; safe to
// call more than once.
func (s *Subscription) Close() { s.end(ReasonClosed) }

func (s *Subscription) end(r Reason) {
	s.once.Do(func() {
		b := s.b
		b.mu.Lock()
		b.removeLocked(s)
		b.mu.Unlock()
		s.reason = r
		close(s.done)
	})
}

func (b *Broker) removeLocked(s *Subscription) {
	subs := b.agencies[s.AgencyID]
	if _, ok := subs[s]; !ok {
		return
	}
	delete(subs, s)
	if len(subs) == 0 {
		delete(b.agencies, s.AgencyID)
	}
	person := s.AgencyID + "/" + s.Viewer.UserID
	if b.people[person]--; b.people[person] <= 0 {
		delete(b.people, person)
	}
	b.total--
}

// Publish tells every stream of the agency that may see e. Call it after
// the change committed. It never blocks: a stream whose queue is full
// loses the notice and is marked lagged.
func (b *Broker) Publish(agencyID string, e Event) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.agencies[agencyID] {
		if !s.Viewer.May(e) {
			continue
		}
		select {
		case s.events <- e:
		default:
			s.lagged = true
		}
	}
}

// CloseSession ends every stream of one session (sign-out, revocation).
func (b *Broker) CloseSession(agencyID, sessionID string) {
	b.closeWhere(agencyID, ReasonSignedOut, func(s *Subscription) bool { return s.SessionID == sessionID })
}

// CloseUser ends every stream of one person: ReasonSignedOut when their
// sessions ended (account disabled, every session revoked), ReasonChanged
// when what they may see changed (their role).
func (b *Broker) CloseUser(agencyID, userID string, r Reason) {
	b.closeWhere(agencyID, r, func(s *Subscription) bool { return s.Viewer.UserID == userID })
}

// CloseUserExcept ends the streams of a person's other sessions (they
// signed out everywhere else, or changed their password).
func (b *Broker) CloseUserExcept(agencyID, userID, keepSessionID string) {
	b.closeWhere(agencyID, ReasonSignedOut, func(s *Subscription) bool { return s.Viewer.UserID == userID && s.SessionID != keepSessionID })
}

// CloseAgency ends every stream of an agency quietly (a setting changed
// who sees what); the pages open new ones, checked afresh.
func (b *Broker) CloseAgency(agencyID string) {
	b.closeWhere(agencyID, ReasonChanged, func(*Subscription) bool { return true })
}

// Shutdown ends every stream quietly and refuses new ones: the server is
// stopping, and the browsers will ask the next one.
func (b *Broker) Shutdown() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.shut = true
	var all []*Subscription
	for _, subs := range b.agencies {
		for s := range subs {
			all = append(all, s)
		}
	}
	b.mu.Unlock()
	for _, s := range all {
		s.end(ReasonClosed)
	}
}

func (b *Broker) closeWhere(agencyID string, r Reason, match func(*Subscription) bool) {
	if b == nil {
		return
	}
	b.mu.Lock()
	var closing []*Subscription
	for s := range b.agencies[agencyID] {
		if match(s) {
			closing = append(closing, s)
		}
	}
	b.mu.Unlock()
	for _, s := range closing {
		s.end(r)
	}
}

// Open returns the number of open streams on this machine.
func (b *Broker) Open() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}
