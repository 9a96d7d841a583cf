package handlers_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/handlers"
	"mintedmind/metrics"
)

// The live-update stream is read over a real HTTP connection: app.Test
// waits for the whole response, and a stream has no end.

var servers sync.Map // *env → the address its app listens on

// mustServe starts the env's app on a loopback listener (once) and
// returns its address.
func (e *env) mustServe(t *testing.T) string {
	t.Helper()
	if addr, ok := servers.Load(e); ok {
		return addr.(string)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	// Registered after the pool's cleanup, so it runs before it: streams
	// still open end at their next heartbeat, once their readers are gone.
	e.t.Cleanup(func() { e.app.Shutdown() })
	servers.Store(e, ln.Addr().String())
	return ln.Addr().String()
}

// stream is one open event stream, read event by event.
type stream struct {
	t   *testing.T
	res *http.Response
	r   *bufio.Reader
}

// sseEvent is one event of a stream; Name "EOF" when the stream ended.
type sseEvent struct{ Name, Data string }

// openStream opens path (the live route) as the browser c, with its cookies.
func (c *browser) openStream(t *testing.T, path string) *stream {
	t.Helper()
	addr := c.e.mustServe(t)
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for _, ck := range c.jar.Cookies(baseURL.ResolveReference(&url.URL{Path: path})) {
		req.AddCookie(ck)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	res, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &stream{t: t, res: res, r: bufio.NewReader(res.Body)}
	t.Cleanup(s.close)
	return s
}

func (s *stream) close() { s.res.Body.Close() }

// next reads the next event, skipping heartbeats and retry lines.
func (s *stream) next() sseEvent {
	s.t.Helper()
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			if err == io.EOF || strings.Contains(err.Error(), "closed") {
				return sseEvent{Name: "EOF"}
			}
			s.t.Fatalf("read stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if ev.Name != "" || ev.Data != "" {
				return ev
			}
		case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry:"):
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.Data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// want reads the next event and fails unless it is name (with data, if given).
func (s *stream) want(name string, data ...string) {
	s.t.Helper()
	ev := s.next()
	if ev.Name != name || (len(data) > 0 && ev.Data != data[0]) {
		s.t.Fatalf("stream event %q (%q), want %q %v", ev.Name, ev.Data, name, data)
	}
}

// mustLive opens the browser's stream of agency a and reads its greeting.
func (c *browser) mustLive(t *testing.T, a *agency, tab string) *stream {
	t.Helper()
	s := c.openStream(t, "/a/"+a.Slug+"/live?tab="+tab)
	if s.res.StatusCode != http.StatusOK || !strings.HasPrefix(s.res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: status %d, type %q", s.res.StatusCode, s.res.Header.Get("Content-Type"))
	}
	s.want("live", "open")
	return s
}

// setStatus changes a case's status as browser c.
func setStatus(t *testing.T, c *browser, a *agency, caseID, status string) {
	t.Helper()
	wantStatus(t, c.post("/a/"+a.Slug+"/cases/"+caseID+"/status", url.Values{"status": {status}}), http.StatusSeeOther)
}

// liveFixture: agency A limits staff to their own cases, with an owner, a
// restricted staff member, and contacts of two clients; agency B has an
// owner and a case of its own.
type liveFixture struct {
	e                  *env
	a, b               *agency
	staff, cx, cy      *browser
	staffID            string
	caseX, caseXStaff  string // client X's cases: nobody's, and the staff member's
	caseY, caseB       string
	clientX, clientYID string
}

func mustLiveFixture(t *testing.T, opts ...func(*handlers.Config)) *liveFixture {
	t.Helper()
	f := &liveFixture{e: mustNewEnv(t, opts...)}
	f.a, f.b = f.e.mustSignup(t, "live-a"), f.e.mustSignup(t, "live-b")
	wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"own"}}), http.StatusSeeOther)
	var staffEmail, xEmail, yEmail string
	f.staff, staffEmail = f.e.mustAddUser(t, f.a, "staff")
	f.staffID = f.e.mustUserID(t, f.a, staffEmail)
	f.cx, xEmail = f.e.mustAddUser(t, f.a, "client")
	f.cy, yEmail = f.e.mustAddUser(t, f.a, "client")
	f.clientX = f.e.caseQuery(t, f.a, `SELECT client_id FROM users WHERE email = ?`, xEmail)
	f.clientYID = f.e.caseQuery(t, f.a, `SELECT client_id FROM users WHERE email = ?`, yEmail)
	f.caseX = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.clientX}, "title": {"X's case"}})
	f.caseXStaff = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.clientX}, "title": {"X's case for staff"}, "assignee_id": {f.staffID}})
	f.caseY = mustCreateCase(t, f.a.Owner, f.a, url.Values{"client_id": {f.clientYID}, "title": {"Y's case"}})
	bClient := f.e.mustCaseClient(t, f.b, "B's client", "")
	f.caseB = mustCreateCase(t, f.b.Owner, f.b, url.Values{"client_id": {bClient}, "title": {"B's case"}})
	return f
}

// TestLiveStreamIsolation: a stream carries only what its person may see.
// "Nothing" is shown by order: each stream's next event must be a later
// notice it may see, so the earlier one was never sent to it.
func TestLiveStreamIsolation(t *testing.T) {
	t.Parallel()
	f := mustLiveFixture(t)
	owner := f.a.Owner.mustLive(t, f.a, "owner")
	staff := f.staff.mustLive(t, f.a, "staff")
	cx := f.cx.mustLive(t, f.a, "cx")
	cy := f.cy.mustLive(t, f.a, "cy")
	other := f.b.Owner.mustLive(t, f.b, "b")

	setStatus(t, f.a.Owner, f.a, f.caseX, "in_progress")
	owner.want("case-"+f.caseX, "status")
	cx.want("case-"+f.caseX, "status")

	t.Run("an internal note reaches staff who see the case, never the client", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/notes", url.Values{"body": {"internal only"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseXStaff, "note")
		staff.want("case-"+f.caseXStaff, "note")
	})
	t.Run("a client-visible note reaches the client's contact", func(t *testing.T) {
		wantStatus(t, f.a.Owner.post("/a/"+f.a.Slug+"/cases/"+f.caseXStaff+"/notes", url.Values{"body": {"for the client"}, "visible_to_client": {"1"}}), http.StatusSeeOther)
		owner.want("case-"+f.caseXStaff, "message")
		staff.want("case-"+f.caseXStaff, "message")
		cx.want("case-"+f.caseXStaff, "message") // X's contact skipped the internal note: this is its next event
	})
	t.Run("the restricted staff member got nothing of the case not theirs", func(t *testing.T) {
		// staff's first event was caseXStaff's note, after caseX's status change: it never had caseX.
		setStatus(t, f.a.Owner, f.a, f.caseY, "waiting")
		owner.want("case-"+f.caseY, "status")
		cy.want("case-"+f.caseY, "status") // Y's contact: X's events never came
		setStatus(t, f.a.Owner, f.a, f.caseXStaff, "waiting")
		staff.want("case-"+f.caseXStaff, "status") // not caseY's
		cx.want("case-"+f.caseXStaff, "status")    // not caseY's
	})
	t.Run("another agency's stream got nothing of A", func(t *testing.T) {
		setStatus(t, f.b.Owner, f.b, f.caseB, "waiting")
		other.want("case-"+f.caseB, "status")
		owner.close()
		staff.close()
	})
	t.Run("another agency's owner cannot open A's stream", func(t *testing.T) {
		s := f.b.Owner.openStream(t, "/a/"+f.a.Slug+"/live")
		if s.res.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", s.res.StatusCode)
		}
	})
}

// TestLiveStreamCap: over the per-person or per-machine cap the stream
// says "poll" and ends; a tab's new stream replaces its old one.
func TestLiveStreamCap(t *testing.T) {
	t.Parallel()
	f := mustLiveFixture(t, func(c *handlers.Config) { c.LiveStreams.PerPerson, c.LiveStreams.PerMachine = 2, 3 })
	first := f.a.Owner.mustLive(t, f.a, "tab1")
	f.a.Owner.mustLive(t, f.a, "tab2")

	t.Run("a third tab of the same person polls", func(t *testing.T) {
		refused := metrics.Value("mintedmind_live_streams_refused_total", nil)
		s := f.a.Owner.openStream(t, "/a/"+f.a.Slug+"/live?tab=tab3")
		s.want("poll", "over-cap")
		s.want("EOF")
		if got := metrics.Value("mintedmind_live_streams_refused_total", nil); got < refused+1 {
			t.Fatalf("refused streams counted %v, then %v", refused, got)
		}
	})
	// Opened on the test, not the subtest: a subtest's stream is closed when
	// the subtest ends, and the server frees its place at the next
	// heartbeat, which the machine's cap below must not depend on.
	again := f.a.Owner.mustLive(t, f.a, "tab1")
	t.Run("the same tab again replaces its stream, under the cap", func(t *testing.T) {
		first.want("end", "replaced")
		first.want("EOF")
		setStatus(t, f.a.Owner, f.a, f.caseX, "waiting")
		again.want("case-"+f.caseX, "status")
	})
	t.Run("over the machine's cap another person polls too", func(t *testing.T) {
		f.staff.mustLive(t, f.a, "s1") // the third stream on the machine
		s := f.cx.openStream(t, "/a/"+f.a.Slug+"/live?tab=c1")
		s.want("poll", "over-cap")
	})
	t.Run("the page says how it falls back", func(t *testing.T) {
		res := f.a.Owner.get("/a/" + f.a.Slug + "/cases/" + f.caseX)
		wantContains(t, res, `sse-connect="/a/`+f.a.Slug+`/live"`)
		wantContains(t, res, `hx-trigger="sse:case-`+f.caseX+`, live-poll from:body"`)
		wantContains(t, res, `/assets/js/live.js`)
	})
}

// TestLiveStreamEndsWithTheSession: signing out ends the session's
// streams with "end" (the page stops asking); past the session's idle
// deadline the stream ends quietly and the next one is refused with "end".
func TestLiveStreamEndsWithTheSession(t *testing.T) {
	t.Parallel()
	f := mustLiveFixture(t)
	t.Run("signing out ends the stream and the next one", func(t *testing.T) {
		c := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
		s := c.mustLive(t, f.a, "t")
		cookies := c.jar.Cookies(baseURL)
		wantStatus(t, c.post("/a/"+f.a.Slug+"/logout", nil), http.StatusSeeOther)
		s.want("end", "signed-out")
		s.want("EOF")
		stale := f.e.newClient()
		stale.jar.SetCookies(baseURL, cookies)
		again := stale.openStream(t, "/a/"+f.a.Slug+"/live?tab=t")
		again.want("end", "signed-out")
		again.want("EOF")
	})
	here := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
	t.Run("signing out everywhere else ends the other sessions' streams", func(t *testing.T) {
		there := f.e.mustLogin(t, f.a, f.a.OwnerEmail)
		mine, theirs := here.mustLive(t, f.a, "h"), there.mustLive(t, f.a, "t")
		wantStatus(t, here.post("/a/"+f.a.Slug+"/account/sessions/others/revoke", nil), http.StatusSeeOther)
		theirs.want("end", "signed-out")
		setStatus(t, here, f.a, f.caseX, "waiting")
		mine.want("case-"+f.caseX, "status")
	})
	t.Run("a disabled person's stream ends", func(t *testing.T) {
		s := f.staff.mustLive(t, f.a, "s")
		wantStatus(t, here.post("/a/"+f.a.Slug+"/users/"+f.staffID+"/disable", nil), http.StatusSeeOther)
		s.want("end", "signed-out")
	})
	t.Run("past the idle timeout the stream ends and is not reopened", func(t *testing.T) {
		s := f.cx.mustLive(t, f.a, "c")
		f.e.clock.Advance(f.e.cfg.SessionIdle + time.Minute)
		s.want("EOF") // quietly: the browser asks again, and is told
		again := f.cx.openStream(t, "/a/"+f.a.Slug+"/live?tab=c")
		again.want("end", "signed-out")
	})
}

// TestCaseLive: the staff case page's parts, fetched on a notice, follow
// the case page's rules.
func TestCaseLive(t *testing.T) {
	t.Parallel()
	f := mustLiveFixture(t)
	setStatus(t, f.a.Owner, f.a, f.caseX, "waiting")
	t.Run("the parts the page keeps are there, without the layout", func(t *testing.T) {
		res := f.a.Owner.get("/a/" + f.a.Slug + "/cases/" + f.caseX + "/live")
		wantStatus(t, res, http.StatusOK)
		for _, s := range []string{`id="case-state"`, `id="timeline"`, `id="case-documents-list"`, "Waiting"} {
			wantContains(t, res, s)
		}
		wantLacks(t, res, "<html")
	})
	t.Run("a restricted staff member's case not theirs is 404", func(t *testing.T) {
		wantStatus(t, f.staff.get("/a/"+f.a.Slug+"/cases/"+f.caseX+"/live"), http.StatusNotFound)
	})
	t.Run("another agency's case is 404", func(t *testing.T) {
		wantStatus(t, f.a.Owner.get("/a/"+f.a.Slug+"/cases/"+f.caseB+"/live"), http.StatusNotFound)
		wantStatus(t, f.b.Owner.get("/a/"+f.a.Slug+"/cases/"+f.caseX+"/live"), http.StatusNotFound)
	})
	t.Run("the portal page keeps its parts by id", func(t *testing.T) {
		res := f.cx.get("/a/" + f.a.Slug + "/portal/cases/" + f.caseX)
		for _, s := range []string{`id="portal-case-props"`, `id="portal-docs"`, `id="portal-history"`, `hx-trigger="sse:case-` + f.caseX + `, live-poll from:body"`} {
			wantContains(t, res, s)
		}
	})
}

// streamRefused opens a stream route as c and reports whether it was
// turned away: a 404, or a stream that only says "end".
func streamRefused(t *testing.T, c *browser, path string) bool {
	t.Helper()
	s := c.openStream(t, path)
	defer s.close()
	if s.res.StatusCode == http.StatusNotFound {
		return true
	}
	if s.res.StatusCode != http.StatusOK {
		t.Fatalf("stream %s: status %d", path, s.res.StatusCode)
	}
	ev := s.next()
	return ev.Name == "end"
}
