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

// Subscription is one open stream.
type Subscription struct {
	AgencyID  string
	SessionID string
	Viewer    Viewer

	b      *Broker
	events chan Event
	done   chan struct{}
	once   sync.Once
	lagged bool // guarded by b.mu: a notice was dropped, the page should reload its parts
}

// Subscribe opens a stream for a signed-in person's session, or returns
// ErrOverCap.
func (b *Broker) Subscribe(agencyID, sessionID string, v Viewer) (*Subscription, error) {
	person := agencyID + "/" + v.UserID
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.total >= b.cfg.PerMachine || b.people[person] >= b.cfg.PerPerson {
		return nil, ErrOverCap
	}
	s := &Subscription{AgencyID: agencyID, SessionID: sessionID, Viewer: v, b: b,
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

// Done is closed when the stream must end: its session was signed out or
// revoked, or Close was called.
func (s *Subscription) Done() <-chan struct{} { return s.done }

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
func (s *Subscription) Close() {
	s.once.Do(func() {
		b := s.b
		b.mu.Lock()
		b.removeLocked(s)
		b.mu.Unlock()
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
	b.closeWhere(agencyID, func(s *Subscription) bool { return s.SessionID == sessionID })
}

// CloseUser ends every stream of one person (account disabled, password
// changed, role changed).
func (b *Broker) CloseUser(agencyID, userID string) {
	b.closeWhere(agencyID, func(s *Subscription) bool { return s.Viewer.UserID == userID })
}

// CloseAgency ends every stream of an agency (settings that change who sees what).
func (b *Broker) CloseAgency(agencyID string) {
	b.closeWhere(agencyID, func(*Subscription) bool { return true })
}

func (b *Broker) closeWhere(agencyID string, match func(*Subscription) bool) {
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
		s.Close()
	}
}

// Open returns the number of open streams on this machine.
func (b *Broker) Open() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}
