// Package e2e drives the real mintedmind binary with Debian's Chromium.
//
// The test builds the binary once, starts it on a free loopback port with an
// empty data directory, and walks the story of a new agency: sign up, land on
// the dashboard, sign out, fail and then succeed to sign in again. It runs the
// story at desktop width and at phone width, saves screenshots into
// e2e/artifacts/, and fails on any console error, uncaught exception or CSP
// violation in the pages.
//
// Without Chromium the test skips; with CI=true it fails instead.
//
//	apt-get install -y chromium
//	go test ./e2e -run TestBrowser -v
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"mintedmind/internal/syncbuf"
	"mintedmind/mail/mailtest"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// password is every test account's password.
const password = "correct horse battery staple"

// buildDir is TestMain's temporary directory; binary builds the server
// into it at most once per run.
var (
	buildDir  string
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mintedmind-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireChromium returns the browser's path, or skips the test (fails it
// when CI=true) if the browser is not installed.
func requireChromium(t *testing.T) string {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else {
			msg := "chromium is not installed: install it with `apt-get install -y chromium` to run the browser tests"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg + " (CI=true: the browser tests must run in CI)")
			}
			t.Skip(msg)
		}
	}
	return path
}

// binary builds the real mintedmind binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		buildBin = filepath.Join(buildDir, "mintedmind")
		cmd := exec.Command("go", "build", "-o", buildBin, ".")
		cmd.Dir = ".." // the module root, where package main lives
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		t.Logf("built %s in %s", buildBin, time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// startServer runs the binary on a free loopback port with a fresh data
// directory (and extraArgs, more flags) and returns its base URL. It stops the server with SIGTERM when
// the test ends, and prints the server's log if the test failed.
func startServer(t *testing.T, extraArgs ...string) string {
	t.Helper()
	bin := binary(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr

	logs := &syncbuf.Buffer{}
	// One person's live-update streams are capped (8 by default); a story
	// under TestLighthouse opens one more for every audited page, so the
	// cap is raised here: over it a page falls back to polling, and its
	// refused stream is a console error Lighthouse counts.
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-data", t.TempDir(), "-base-url", base, "-live-streams-per-person", "200"}, extraArgs...)...)
	cmd.Stdout = logs
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server exited with %v after SIGTERM", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("server did not stop within 10s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})

	// The server logs "MintedMind is running" once it listens; /readyz
	// must then answer 200 at the first asking.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	running := make(chan error, 1)
	go func() { running <- logs.WaitFor(ctx, "MintedMind is running") }()
	select {
	case err := <-exited:
		t.Fatalf("server exited before it was ready: %v\nserver log:\n%s", err, logs.String())
	case err := <-running:
		if err != nil {
			t.Fatalf("server not running at %s after 15s: %v\nserver log:\n%s", base, err, logs.String())
		}
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/readyz")
	if err != nil {
		t.Fatalf("server at %s: GET /readyz: %v\nserver log:\n%s", base, err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("server at %s: GET /readyz answered %d once running, want 200\nserver log:\n%s", base, resp.StatusCode, logs.String())
	}
	return base
}

// newBrowser starts headless Chromium and returns a context of its first tab.
func newBrowser(t *testing.T, execPath string) context.Context {
	t.Helper()
	browserLog := &syncbuf.Buffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider"),
		chromedp.Flag("no-pings", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(browserLog),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:], opts...)...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		if t.Failed() {
			if s := strings.TrimSpace(browserLog.String()); s != "" {
				t.Logf("chromium output:\n%s", s)
			}
		}
	})
	// The first Do starts the browser; it must not have a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v\n%s", err, browserLog.String())
	}
	return ctx
}

// consoleWatch collects the errors that pages report: console.error calls,
// uncaught exceptions and error entries of the browser log (CSP violations,
// failed loads).
type consoleWatch struct {
	mu      sync.Mutex
	entries []string
	added   chan struct{} // closed (and replaced) when an entry is added
}

// next is a channel closed when the next entry is collected.
func (w *consoleWatch) next() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.added == nil {
		w.added = make(chan struct{})
	}
	return w.added
}

func (w *consoleWatch) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		parts := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			switch {
			case len(a.Value) > 0:
				parts = append(parts, string(a.Value))
			case a.Description != "":
				parts = append(parts, a.Description)
			default:
				parts = append(parts, string(a.Type))
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		msg = fmt.Sprintf("exception: %s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1)
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("log (%s): %s %s", e.Source, e.Text, e.URL)
	default:
		return
	}
	w.mu.Lock()
	w.entries = append(w.entries, msg)
	if w.added != nil {
		close(w.added)
		w.added = nil
	}
	w.mu.Unlock()
}

// take returns and clears what was collected.
// An aborted htmx request (a newer keystroke's request replacing it under
// hx-sync, or the page navigating away while it was in flight) is no
// failure, but htmx logs it as console errors: "htmx:afterRequest, <elt>"
// then "htmx:sendAbort, <elt>". take leaves out each such pair; a failed
// request (afterRequest with sendError or responseError) stays.
func (w *consoleWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entries
	w.entries = nil
	const after, abort = `console.error: "htmx:afterRequest`, `console.error: "htmx:sendAbort`
	var out []string
	for i := 0; i < len(e); i++ {
		if strings.HasPrefix(e[i], after) && i+1 < len(e) && e[i+1] == abort+strings.TrimPrefix(e[i], after) {
			i++ // the pair of one aborted request
			continue
		}
		out = append(out, e[i])
	}
	return out
}

// viewport is one screen the story runs on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

func TestBrowser(t *testing.T) {
	forEachWidth(t, "e2e", (*story).run)
}

// forEachWidth starts the binary and a browser once, then runs a story at
// desktop and at phone width, each for a fresh agency named after prefix.
func forEachWidth(t *testing.T, prefix string, play func(s *story, slug string)) {
	execPath := requireChromium(t)
	base := startServer(t)
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	for i, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			s := newStory(t, browser, base, artifacts, vp)
			play(s, fmt.Sprintf("%s-%d-%d", prefix, i, time.Now().UnixNano()%1_000_000))
		})
	}
}

// viewports are the screens every story runs on: a desktop and a phone.
var viewports = []viewport{
	{name: "desktop", width: 1280, height: 900},
	{name: "phone", width: 375, height: 812, mobile: true},
}

// mustArtifactsDir returns e2e/artifacts, where screenshots go, made if needed.
// staffAndContact plays a story of an agency's staff member and a client's
// contact, each in their own browser context, at every viewport, on one
// server that mails through an in-process SMTP server. The story gets a
// name unique to its run ("prefix-<viewport>-<n>") for the agency's slug.
func staffAndContact(t *testing.T, prefix string, play func(staff, contact *story, smtp *mailtest.Server, slug string)) {
	execPath := requireChromium(t)
	smtp := mailtest.Start(t)
	base := startServer(t, "-smtp-url", smtp.URL())
	browser := newBrowser(t, execPath)
	artifacts := mustArtifactsDir(t)
	for i, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			staff := newStory(t, browser, base, artifacts, vp)
			contact := newStory(t, browser, base, artifacts, vp)
			play(staff, contact, smtp, fmt.Sprintf("%s-%d-%d", prefix, i, time.Now().UnixNano()%1_000_000))
		})
	}
}

func mustArtifactsDir(t *testing.T) string {
	artifacts, err := filepath.Abs("artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	return artifacts
}

// story is one walk through sign-up and sign-in in its own browser profile.
type story struct {
	t         *testing.T
	ctx       context.Context
	base      string
	artifacts string
	vp        viewport
	watch     *consoleWatch
	// axed holds the states axe has checked (axe_test.go).
	axed map[string]bool
	// visited, when set, hears of each state axe checked (TestLighthouse
	// audits the pages the stories visit).
	visited func(s *story, page string)
}

func newStory(t *testing.T, browser context.Context, base, artifacts string, vp viewport) *story {
	watch := &consoleWatch{}
	// A new browser context per story: no cookies from the other story.
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(watch.listen))
	t.Cleanup(cancel)
	s := &story{t: t, ctx: ctx, base: base, artifacts: artifacts, vp: vp, watch: watch}
	if lighthouseRun != nil {
		s.visited = lighthouseRun.visit
	}
	// The first Do opens the tab, which lives as long as that call's
	// context: it must not be one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab (%s): %v", vp.name, err)
	}

	var emulate chromedp.Action[chromedp.Void]
	if vp.mobile {
		emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	} else {
		emulate = chromedp.EmulateViewport(vp.width, vp.height)
	}
	s.do("set the viewport", emulate)
	return s
}

// do runs actions with a time limit, failing the test on error.
func (s *story) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := s.try(actions...); err != nil {
		s.t.Fatalf("%s (%s): %v; page at %s", what, s.vp.name, err, s.location())
	}
}

// try runs actions with a time limit and returns the error.
func (s *story) try(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(s.ctx, 15*time.Second)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// location is the tab's current URL, for messages.
func (s *story) location() string {
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// waitFor waits until a JavaScript condition is true in the page
// (chromedp.Poll: the browser re-evaluates it every 50 ms), and reports
// (with the page's URL and text) if it is not within 10s. The page may
// navigate in between, which ends an evaluation with an error; the wait
// then starts again in the new page. A fatal failure stops the test;
// otherwise waitFor returns false.
func (s *story) waitFor(what, expr string, fatal bool) bool {
	s.t.Helper()
	const limit = 10 * time.Second
	ctx, cancel := context.WithTimeout(s.ctx, limit)
	defer cancel()
	var lastErr error
	for ctx.Err() == nil {
		// A condition that throws (an element not there yet) counts as false.
		var ok bool
		ok, lastErr = chromedp.Run(ctx, chromedp.PollFunction[bool](`() => { try { return !!(`+expr+`) } catch (e) { return false } }`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(limit)))
		if lastErr == nil && ok {
			return true
		}
	}
	report := s.t.Errorf
	if fatal {
		report = s.t.Fatalf
	}
	report("%s (%s): not true after %s: %s\nlast error: %v\npage at %s shows:\n%s", what, s.vp.name, limit, expr, lastErr, s.location(), s.bodyText())
	return false
}

// bodyText is the visible text of the page, for messages.
func (s *story) bodyText() string {
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

// atPath waits until the tab is at path with an element matching css that
// contains text, and stops the test if it never is.
func (s *story) atPath(what, path, css, text string) {
	s.t.Helper()
	s.waitFor(what, atPathJS(path, css, text), true)
	s.axe(what)
}

// expectAt is atPath that lets the test go on after a failure.
func (s *story) expectAt(what, path, css, text string) bool {
	s.t.Helper()
	if !s.waitFor(what, atPathJS(path, css, text), false) {
		return false
	}
	s.axe(what)
	return true
}

func atPathJS(path, css, text string) string {
	return fmt.Sprintf(`(() => {
		if (location.pathname !== %s || document.readyState !== "complete") return false;
		const el = document.querySelector(%s);
		return !!el && el.textContent.includes(%s);
	})()`, js(path), js(css), js(text))
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// screenshot saves a full-page PNG into the artifacts directory.
func (s *story) screenshot(name string) {
	s.t.Helper()
	// A long page at the phone's scale of 2 is a large picture: on a
	// busy machine it takes more than 15 s.
	ctx, cancel := context.WithTimeout(s.ctx, 45*time.Second)
	defer cancel()
	// Nothing on the page may be wider than the screen.
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		s.t.Fatalf("measure %s (%s): %v", name, s.vp.name, err)
	}
	if overflow > 0 {
		s.t.Errorf("%s (%s): the page is %dpx wider than the %dpx screen (horizontal scrolling)", name, s.vp.name, overflow, s.vp.width)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s (%s): %v", name, s.vp.name, err)
	}
	path := filepath.Join(s.artifacts, fmt.Sprintf("%s-%dx%d-%s.png", s.vp.name, s.vp.width, s.vp.height, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screenshot: %s", path)
	s.axe(name)
}

// fill replaces the value of an input by typing, so that htmx sees input
// events. It empties the field's value itself first: chromedp.Clear empties
// the value attribute, which leaves a value that a script has set (the
// sign-up page's address, filled in from the name).
func (s *story) fill(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById(`+js(id)+`).value = ""`),
		chromedp.SendKeys(chromedp.ID(id), value),
	)
}

// clickableJS tells why the element that a CSS selector matches cannot be
// clicked by a person, or "" if it can: it must exist, be rendered (not inside
// a closed <details>, not display:none, not transparent) and be the element
// on top at its centre.
const clickableJS = `((sel) => {
	const el = document.querySelector(sel);
	if (!el) return "no element matches";
	if (!el.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true}))
		return "it is not rendered (display:none, visibility:hidden, opacity:0, or inside a closed <details>)";
	el.scrollIntoView({block: "center", inline: "center"});
	const r = el.getBoundingClientRect();
	if (r.width < 1 || r.height < 1) return "it has no size";
	const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (!hit) return "its centre is outside the viewport";
	if (hit !== el && !el.contains(hit)) return "it is covered by <" + hit.tagName.toLowerCase() + (hit.id ? "#" + hit.id : "") + (hit.className ? "." + String(hit.className).trim().replace(/\s+/g, ".") : "") + ">";
	return "";
})`

// click clicks the first element that css matches, once a person could: it
// waits up to 5s for the element to be rendered and on top, and fails with
// the reason if it never is.
func (s *story) click(css string) chromedp.Action[chromedp.Void] {
	expr := clickableJS + "(" + js(css) + ")"
	check := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(5 * time.Second)
		for {
			why, err := chromedp.Evaluate[string](expr)(ctx, t)
			if err == nil && why == "" {
				return nil
			}
			if time.Now().After(deadline) {
				if err != nil {
					return fmt.Errorf("%s: %w", css, err)
				}
				return fmt.Errorf("%s cannot be clicked: %s", css, why)
			}
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return err
			}
		}
	})
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(css)),
		check,
		chromedp.Click(chromedp.CSS(css)),
	)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// noConsoleErrors fails the test if the pages reported an error, except the
// ones that allowed says are expected.
func (s *story) noConsoleErrors(step string, allowed ...string) {
	s.t.Helper()
	var bad []string
next:
	for _, e := range s.watch.take() {
		for _, a := range allowed {
			if strings.Contains(e, a) {
				continue next
			}
		}
		bad = append(bad, e)
	}
	if len(bad) > 0 {
		s.t.Errorf("%s (%s): the page reported %d error(s) (CSP violation, blocked script, failed request or exception?):\n  %s",
			step, s.vp.name, len(bad), strings.Join(bad, "\n  "))
	}
}

// probe checks that the console watch sees what it must: a console.error
// call and a CSP violation from an inline script.
func (s *story) probe() {
	s.t.Helper()
	s.do("probe the console watch", chromedp.Evaluate[chromedp.Void](`(() => {
		console.error("e2e-probe");
		const el = document.createElement("script");
		el.textContent = "window.e2eInline = true";
		document.head.appendChild(el);
	})()`))
	timeout := time.After(5 * time.Second)
	var got []string
	for {
		next := s.watch.next() // before take: an entry added after take closes it
		got = append(got, s.watch.take()...)
		sawConsole, sawCSP := false, false
		for _, e := range got {
			sawConsole = sawConsole || strings.Contains(e, "e2e-probe")
			sawCSP = sawCSP || strings.Contains(e, "Content Security Policy")
		}
		if sawConsole && sawCSP {
			break
		}
		select {
		case <-next:
		case <-timeout:
			s.t.Fatalf("console watch (%s): after a console.error and an inline script, saw console.error=%v, CSP violation=%v; messages: %q",
				s.vp.name, sawConsole, sawCSP, got)
		}
	}
	ran, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`window.e2eInline === true`))
	if err != nil {
		s.t.Fatal(err)
	}
	if ran {
		s.t.Errorf("CSP (%s): an inline script ran; the policy must forbid inline script", s.vp.name)
	}
}

// csrfAgrees fails the test if the CSRF token that htmx sends (the nearest
// hx-headers) differs from the one in the page's forms. A boosted swap
// replaces the body's children but not the body's attributes, so a token
// kept on <body> would go stale after a sign-in or sign-out done by a swap.
func (s *story) csrfAgrees(step string) {
	s.t.Helper()
	why, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => {
		let header = "";
		const holder = document.querySelector("[hx-headers]");
		if (holder === document.body) return "hx-headers is on <body>, which a boosted swap never updates";
		try { header = (JSON.parse((holder && holder.getAttribute("hx-headers")) || "{}")["X-CSRF-Token"]) || ""; }
		catch (e) { return "hx-headers is not JSON: " + e; }
		const fields = [...document.querySelectorAll("form input[name=_csrf]")].map(i => i.value);
		if (!header || fields.length === 0) return "";
		const bad = fields.filter(v => v !== header);
		if (bad.length === 0) return "";
		return "hx-headers sends X-CSRF-Token " + header.slice(0, 12) + "… but the page's forms carry " + bad[0].slice(0, 12) + "…";
	})()`))
	if err != nil {
		s.t.Fatalf("%s (%s): read the CSRF tokens: %v", step, s.vp.name, err)
	}
	if why != "" {
		s.t.Errorf("%s (%s): stale CSRF token: %s; the next htmx post will get 403", step, s.vp.name, why)
	}
}

// openMenu opens the account menu, where signing out is (inside the
// drawer on phones), and takes a picture of it.
func (s *story) openMenu() {
	s.t.Helper()
	s.openAccountMenu()
	s.screenshot("03b-dashboard-menu")
}

// openAccountMenu opens the account menu under the person's name, opening
// the phone's drawer first.
func (s *story) openAccountMenu() {
	s.t.Helper()
	if s.vp.mobile {
		s.do("open the menu", s.click("header nav details > summary"))
	}
	s.do("open the account menu", s.click("header nav details.account-menu > summary"))
}

func (s *story) run(slug string) {
	t := s.t
	name := "Ada " + strings.ToUpper(s.vp.name[:1]) + s.vp.name[1:]
	email := slug + "@example.test"
	agency := "Lovelace & Co " + s.vp.name
	dashboard := "/a/" + slug
	start := time.Now()

	// Landing page.
	s.do("open the landing page", chromedp.Navigate(s.base+"/"))
	s.atPath("landing page", "/", "h1", "")
	s.probe()
	s.screenshot("01-landing")
	s.noConsoleErrors("landing page")

	// Sign up.
	s.do("open the sign-up page", chromedp.Navigate(s.base+"/signup"))
	s.atPath("sign-up page", "/signup", "h1", "Create your agency")
	s.do("fill the sign-up form",
		s.fill("f-agency_name", agency),
		s.fill("f-slug", slug),
		s.fill("f-owner_name", name),
		s.fill("f-email", email),
		s.fill("f-password", password),
	)
	// The address check answers through htmx as the person types.
	s.atPath("address check", "/signup", "#slug-check .field-ok", "Available")
	s.screenshot("02-signup-form")
	s.noConsoleErrors("sign-up form")

	s.do("submit the sign-up form", s.click("#signup-form button[type=submit]"))
	s.atPath("dashboard after sign-up", dashboard, "h1", "Welcome, "+name)
	s.atPath("welcome flash", dashboard, ".flash", "Your agency is ready")
	s.screenshot("03-dashboard")
	s.noConsoleErrors("dashboard after sign-up")
	s.csrfAgrees("dashboard after sign-up")

	// Sign out through the nav (a menu on phones).
	s.openMenu()
	signOut := `form[action="/a/` + slug + `/logout"] button[type=submit]`
	if err := s.try(s.click(signOut)); err != nil {
		// Report it, then submit the form as the button would, so that the
		// rest of the story still runs.
		t.Errorf("sign out (%s): a person cannot use the Sign out button: %v", s.vp.name, err)
		s.do("submit the sign-out form directly", chromedp.Evaluate[chromedp.Void](
			`document.querySelector(`+js(signOut)+`).form.requestSubmit(document.querySelector(`+js(signOut)+`))`))
	}
	// If signing out fails, say so and go on: the sign-in steps below still
	// work (a sign-in replaces the session) and still deserve checking.
	if s.expectAt("agency sign-in page after sign-out", "/a/"+slug+"/login", "#login-form", "Password") {
		s.atPath("signed-out flash", "/a/"+slug+"/login", ".flash", "signed out")
		s.csrfAgrees("agency sign-in page after sign-out")
	}
	s.noConsoleErrors("sign-out")

	// A wrong password on the global sign-in page.
	s.do("open the sign-in page", chromedp.Navigate(s.base+"/login"))
	s.atPath("sign-in page", "/login", "#login-form", "Password")
	s.do("sign in with a wrong password",
		s.fill("f-email", email),
		s.fill("f-password", "not the password"),
		s.click("#login-form button[type=submit]"),
	)
	s.atPath("wrong-password message", "/login", "#login-form .form-error", "don't match")
	s.screenshot("04-login-error")
	// The 401 answer itself is expected: Chromium logs the failed request,
	// and htmx logs a response error for every 4xx it swaps.
	s.noConsoleErrors("wrong password", "status of 401", "Response Status Error Code 401")

	// The right password.
	s.do("sign in",
		s.fill("f-email", email),
		s.fill("f-password", password),
		s.click("#login-form button[type=submit]"),
	)
	s.atPath("dashboard after sign-in", dashboard, "h1", "Welcome, "+name)
	s.noConsoleErrors("sign-in")
	s.csrfAgrees("dashboard after sign-in")

	t.Logf("%s story took %s", s.vp.name, time.Since(start).Round(time.Millisecond))
}

// signUp creates an agency through the sign-up page and waits for its
// dashboard, signed in as its owner.
func (s *story) signUp(slug, agencyName, ownerName string) {
	s.t.Helper()
	s.do("open the sign-up page", chromedp.Navigate(s.base+"/signup"))
	s.atPath("sign-up page", "/signup", "h1", "Create your agency")
	s.do("fill the sign-up form",
		s.fill("f-agency_name", agencyName),
		s.fill("f-slug", slug),
		s.fill("f-owner_name", ownerName),
		s.fill("f-email", slug+"@example.test"),
		s.fill("f-password", password),
	)
	s.atPath("address check", "/signup", "#slug-check .field-ok", "Available")
	s.do("submit the sign-up form", s.click("#signup-form button[type=submit]"))
	s.atPath("dashboard after sign-up", "/a/"+slug, "h1", "Welcome, "+ownerName)
}
