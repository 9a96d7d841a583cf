package opstest

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// acks records every write the server acknowledged (answered with its
// redirect): after a shutdown, a crash or a restore, each must be there.
type acks struct {
	mu        sync.Mutex
	clients   map[string][]string // agency slug → client ids
	cases     map[string][]string // agency slug → case ids
	notes     map[string][]string // agency slug → note bodies
	agencies  []string            // agencies signed up under load
	errors5xx atomic.Int64
	tries     atomic.Int64
	added     chan struct{} // signalled (without blocking) after each acknowledgement
}

func newAcks() *acks {
	return &acks{clients: map[string][]string{}, cases: map[string][]string{}, notes: map[string][]string{}, added: make(chan struct{}, 1)}
}

func (k *acks) add(m map[string][]string, slug, v string) {
	k.mu.Lock()
	m[slug] = append(m[slug], v)
	k.mu.Unlock()
	k.signal()
}

// signal tells waitFor that an acknowledgement arrived.
func (k *acks) signal() {
	select {
	case k.added <- struct{}{}:
	default:
	}
}

// waitFor waits until at least n writes are acknowledged: the load's own
// sign that it runs, instead of a fixed pause. It fails t after within.
func (k *acks) waitFor(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for k.count() < n {
		select {
		case <-k.added:
		case <-deadline:
			t.Fatalf("%d writes acknowledged after %s, waiting for %d (%d tries)", k.count(), within, n, k.tries.Load())
		}
	}
}

// snapshot copies what was acknowledged so far.
func (k *acks) snapshot() *acks {
	k.mu.Lock()
	defer k.mu.Unlock()
	cp := newAcks()
	for s, v := range k.clients {
		cp.clients[s] = append([]string(nil), v...)
	}
	for s, v := range k.cases {
		cp.cases[s] = append([]string(nil), v...)
	}
	for s, v := range k.notes {
		cp.notes[s] = append([]string(nil), v...)
	}
	cp.agencies = append([]string(nil), k.agencies...)
	return cp
}

func (k *acks) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := len(k.agencies)
	for _, m := range []map[string][]string{k.clients, k.cases, k.notes} {
		for _, v := range m {
			n += len(v)
		}
	}
	return n
}

// load is a mixed write load: per agency, writers that add clients, open
// cases for them and add notes to those cases; optionally one more that
// signs up new agencies (a control database write and a new database).
type load struct {
	stop chan struct{}
	wg   sync.WaitGroup
	acks *acks
}

func startLoad(base string, owners map[string]*agent, writersPerAgency, signups int) *load {
	l := &load{stop: make(chan struct{}), acks: newAcks()}
	for slug, a := range owners {
		for w := range writersPerAgency {
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				l.write(a, slug, w)
			}()
		}
	}
	if signups > 0 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := range signups {
				select {
				case <-l.stop:
					return
				default:
				}
				slug := fmt.Sprintf("load-%d-%d", i, len(owners))
				if newAgent(base).signup(slug) == nil {
					l.acks.mu.Lock()
					l.acks.agencies = append(l.acks.agencies, slug)
					l.acks.mu.Unlock()
					l.acks.signal()
				}
			}
		}()
	}
	return l
}

func (l *load) write(a *agent, slug string, w int) {
	var clientID, caseID string
	for i := 0; ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		l.acks.tries.Add(1)
		base := "/a/" + slug
		switch {
		case clientID == "" || i%3 == 0:
			res, _, err := a.post(base+"/clients", url.Values{"name": {fmt.Sprintf("Client %d-%d", w, i)}, "kind": {"person"}})
			if id := acked(res, err, l.acks); id != "" {
				clientID = id
				l.acks.add(l.acks.clients, slug, id)
			}
		case caseID == "" || i%3 == 1:
			res, _, err := a.post(base+"/cases", url.Values{"client_id": {clientID}, "title": {fmt.Sprintf("Case %d-%d", w, i)}, "priority": {"normal"}})
			if id := acked(res, err, l.acks); id != "" {
				caseID = id
				l.acks.add(l.acks.cases, slug, id)
			}
		default:
			body := fmt.Sprintf("note %s %d-%d", slug, w, i)
			res, _, err := a.post(base+"/cases/"+caseID+"/notes", url.Values{"body": {body}})
			if acked(res, err, l.acks) != "" {
				l.acks.add(l.acks.notes, slug, body)
			}
		}
	}
}

// finish stops the writers and waits for them.
func (l *load) finish() *acks {
	close(l.stop)
	l.wg.Wait()
	return l.acks
}

// acked returns the id at the end of an acknowledged write's redirect, or
// "" when the write was not acknowledged; it counts server errors.
func acked(res *http.Response, err error, k *acks) string {
	if err != nil {
		return ""
	}
	if res.StatusCode >= 500 {
		k.errors5xx.Add(1)
	}
	if res.StatusCode != http.StatusSeeOther {
		return ""
	}
	loc := res.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// mustHaveAcked checks that every acknowledged write is in the databases
// of the data directory, read straight from the files.
func mustHaveAcked(t *testing.T, data string, k *acks) {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	control := openDB(t, filepath.Join(data, "control.db"))
	for _, slug := range k.agencies {
		var id string
		if err := control.QueryRow(`SELECT id FROM agencies WHERE slug = ?`, slug).Scan(&id); err != nil {
			t.Fatalf("acknowledged sign-up %s is missing: %v", slug, err)
		}
		var owners int
		openDB(t, filepath.Join(data, "tenants", id, "tenant.db")).QueryRow(`SELECT COUNT(*) FROM users WHERE role = 'owner'`).Scan(&owners)
		if owners != 1 {
			t.Fatalf("acknowledged agency %s has %d owners", slug, owners)
		}
	}
	slugs := map[string]bool{}
	for _, m := range []map[string][]string{k.clients, k.cases, k.notes} {
		for s := range m {
			slugs[s] = true
		}
	}
	for slug := range slugs {
		var id string
		if err := control.QueryRow(`SELECT id FROM agencies WHERE slug = ?`, slug).Scan(&id); err != nil {
			t.Fatalf("agency %s: %v", slug, err)
		}
		tenant := openDB(t, filepath.Join(data, "tenants", id, "tenant.db"))
		check := func(what, query string, values []string) {
			for _, v := range values {
				var n int
				if err := tenant.QueryRow(query, v).Scan(&n); err != nil || n != 1 {
					t.Fatalf("acknowledged %s %q of %s is missing (%d rows, %v)", what, v, slug, n, err)
				}
			}
		}
		check("client", `SELECT COUNT(*) FROM clients WHERE id = ?`, k.clients[slug])
		check("case", `SELECT COUNT(*) FROM cases WHERE id = ?`, k.cases[slug])
		check("note", `SELECT COUNT(*) FROM notes WHERE body = ?`, k.notes[slug])
	}
}
