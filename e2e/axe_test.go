package e2e

import (
	"context"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's script (e2e/testdata, vendored from its npm
// package), read once.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe-core-4.14.1/axe.min.js")
	return string(b), err
})

// axeStateJS names the page's current state: its address and a hash of
// its markup (open <details>, dropdowns and swapped fragments included),
// so that a state already checked is not checked again.
const axeStateJS = `(() => {
	const s = location.href + "\n" + document.documentElement.outerHTML;
	let h = 0;
	for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
	return location.href + "#" + s.length + ":" + h;
})()`

// axe runs axe-core on the page as it is (all its rules, WCAG 2.2 AA and
// best practices) and fails the test on any violation. It is the one
// accessibility check of every browser story: screenshot, atPath and
// expectAt call it on each state a story reaches, and a story calls it
// itself for a state it neither pictures nor waits for. A state already
// checked (the same address and markup) is not checked twice.
func (s *story) axe(page string) {
	s.t.Helper()
	src, err := axeSource()
	if err != nil {
		s.t.Fatalf("read axe-core: %v", err)
	}
	ctx, cancel := context.WithTimeout(s.ctx, 60*time.Second)
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeStateJS))
	if err != nil {
		s.t.Fatalf("read the state of %s (%s): %v", page, s.vp.name, err)
	}
	if s.axed == nil {
		s.axed = map[string]bool{}
	}
	if s.axed[state] {
		return
	}
	s.axed[state] = true
	// DevTools evaluates the script itself: the page's
	// Content-Security-Policy, which forbids eval, does not apply to it.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.axe`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
	}
	if err != nil {
		s.t.Fatalf("load axe-core on %s (%s): %v", page, s.vp.name, err)
	}
	report, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 5).map(n => n.target.join(" ") + (n.failureSummary ? " [" + n.failureSummary.replace(/\s+/g, " ") + "]" : "")).join("; ")))`, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("run axe-core on %s (%s): %v", page, s.vp.name, err)
	}
	if len(report) > 0 {
		s.t.Errorf("axe-core on %s (%s, %s): %d violation(s):\n  %s", page, s.vp.name, s.location(), len(report), strings.Join(report, "\n  "))
	}
	if s.visited != nil {
		s.visited(s, page)
	}
}
