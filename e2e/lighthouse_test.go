package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"mintedmind/internal/syncbuf"
)

// TestLighthouse audits every distinct page the browser stories visit
// with Lighthouse (its npm package, run on Debian's Chromium) against the
// real binary, and requires 100 for accessibility and for best practices
// on each. It plays the stories themselves, at desktop width only: each
// time axe checks a state (axe_test.go), the page's address is reduced to
// its route (ids, the agency's address and tokens replaced, query values
// dropped but the tab's) and, the first time that route is seen, the page
// is audited there and then with the story's cookies, as a desktop, and
// as a phone too if it is the first page of its layout (lighthouseShell).
// A state that a GET of its address does not show (a form's
// answer to a POST, a page that redirects) is left out and listed.
//
// The audits run in one Node process and one Chromium
// (testdata/lighthouse-batch.mjs), one after another.
//
// It runs where LIGHTHOUSE names the lighthouse command (.ci/run installs
// a pinned version and sets it) and skips elsewhere:
//
//	npm i -E --prefix /tmp/lh lighthouse@12.2.3
//	LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse go test ./e2e -run TestLighthouse -v
func TestLighthouse(t *testing.T) {
	cli := os.Getenv("LIGHTHOUSE")
	if cli == "" {
		t.Skip("LIGHTHOUSE is not set: .ci/run installs Lighthouse and sets it")
	}
	execPath := requireChromium(t)
	lh := startLighthouse(t, cli, execPath)
	start := time.Now()

	// The stories, at desktop width, each page audited as it is reached.
	saved := viewports
	viewports = viewports[:1]
	lighthouseRun = lh
	t.Cleanup(func() { viewports, lighthouseRun = saved, nil })
	for _, st := range lighthouseStories {
		t.Run(st.name, st.run)
	}

	var routes []string
	for r := range lh.audited {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	t.Logf("lighthouse: %d pages audited as a desktop, %d layouts as a phone (%d runs) in %s:\n  %s", len(routes), len(lh.phoned), lh.runs, time.Since(start).Round(time.Second), strings.Join(routes, "\n  "))
	if len(lh.skipped) > 0 {
		t.Logf("lighthouse: states left out, a GET of their address shows another page:\n  %s", strings.Join(lh.skipped, "\n  "))
	}
	if len(routes) < 30 {
		t.Errorf("lighthouse: only %d pages audited; the stories visit more (did the stories stop early?)", len(routes))
	}
}

// lighthouseStories are the browser stories whose pages TestLighthouse
// audits. TestBrandColours and TestHTMXRequestWithABadCSRFToken are left
// out: their sessions are not the story's cookies Lighthouse is given (it
// is sent to sign-in), and every page they visit is audited through the
// stories below.
var lighthouseStories = []struct {
	name string
	run  func(*testing.T)
}{
	{"TestBrowser", TestBrowser}, {"TestFirstDay", TestFirstDay}, {"TestCRM", TestCRM}, {"TestDocuments", TestDocuments},
	{"TestBilling", TestBilling}, {"TestPortal", TestPortal}, {"TestPrivacy", TestPrivacy}, {"TestPlan", TestPlan},
	{"TestTasksAndTime", TestTasksAndTime}, {"TestShellByKeyboard", TestShellByKeyboard},
	{"TestPortalRequestFlow", TestPortalRequestFlow}, {"TestLiveUpdates", TestLiveUpdates},
}

// lighthouseRun is set while TestLighthouse plays the stories: newStory
// gives each story its visit.
var lighthouseRun *lighthouseBatch

// lighthouseBatch is testdata/lighthouse-batch.mjs running, and what it
// audited.
type lighthouseBatch struct {
	t       *testing.T
	in      io.WriteCloser
	out     *bufio.Reader
	dir     string
	audited map[string]bool // routes
	phoned  map[string]bool // layouts audited as a phone (lighthouseShell)
	skipped []string
	runs    int
}

func startLighthouse(t *testing.T, cli, chromium string) *lighthouseBatch {
	t.Helper()
	script, err := filepath.Abs("testdata/lighthouse-batch.mjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script)
	cmd.Env = append(os.Environ(), "LIGHTHOUSE="+cli, "CHROME_PATH="+chromium)
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node %s: %v", script, err)
	}
	t.Cleanup(func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("lighthouse-batch: %v\n%s", err, stderr.String())
		}
	})
	return &lighthouseBatch{t: t, in: in, out: bufio.NewReader(out), dir: t.TempDir(), audited: map[string]bool{}, phoned: map[string]bool{}}
}

// visit audits the page story s is on, if its route is new, as a desktop
// and as a phone.
func (b *lighthouseBatch) visit(s *story, page string) {
	s.t.Helper()
	loc := s.location()
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, s.base) {
		return
	}
	u.Fragment = ""
	route := lighthouseRoute(u)
	if b.audited[route] {
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base + "/"}})
	cancel()
	if err != nil {
		s.t.Fatal(err)
	}
	var cookies []string
	for _, c := range jar.Cookies {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	cookie := strings.Join(cookies, "; ")

	// Only a page that a GET of its address shows, as is.
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	req.Header.Set("Cookie", cookie)
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		s.t.Fatalf("lighthouse: GET %s: %v", u, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		b.skipped = append(b.skipped, fmt.Sprintf("%s (%s: GET answers %d %s)", route, page, res.StatusCode, res.Header.Get("Content-Type")))
		return
	}
	b.audited[route] = true
	b.audit(s.t, u.String(), route, true, cookie)
	if shell := lighthouseShell(route); !b.phoned[shell] {
		b.phoned[shell] = true
		b.audit(s.t, u.String(), route, false, cookie)
	}
}

// lighthouseShell names the layout a route's page is drawn in: TestLighthouse
// audits every page as a desktop and the first page of each layout as a
// phone too (axe checks every state of every story at 375 px already, and
// Lighthouse's best practices do not depend on the page's content).
func lighthouseShell(route string) string {
	rest, agency := strings.CutPrefix(route, "/a/:slug")
	switch {
	case strings.HasPrefix(route, "/operator"):
		return "console"
	case !agency:
		return "public"
	case strings.HasPrefix(rest, "/portal"):
		return "portal"
	case strings.HasPrefix(rest, "/settings"):
		return "settings"
	case strings.HasPrefix(rest, "/login") || strings.HasPrefix(rest, "/invite") || strings.HasPrefix(rest, "/reset") || strings.HasPrefix(rest, "/privacy"):
		return "agency public"
	}
	return "staff"
}

// audit runs Lighthouse on address and fails t unless both categories
// score 100 and it audited that address.
func (b *lighthouseBatch) audit(t *testing.T, address, route string, desktop bool, cookie string) {
	t.Helper()
	form := "phone"
	if desktop {
		form = "desktop"
	}
	b.runs++
	began := time.Now()
	out := filepath.Join(b.dir, fmt.Sprintf("report-%d.json", b.runs))
	req, _ := json.Marshal(map[string]any{"url": address, "desktop": desktop, "headers": map[string]string{"Cookie": cookie}, "out": out})
	if _, err := b.in.Write(append(req, '\n')); err != nil {
		t.Fatalf("lighthouse-batch: %v", err)
	}
	line, err := b.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("lighthouse-batch: %v", err)
	}
	var answer struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(line, &answer); err != nil || !answer.OK {
		t.Fatalf("lighthouse %s (%s): %s %v", route, form, answer.Error, err)
	}
	failures, scores, final, err := lighthouseFailures(out)
	if err != nil {
		t.Fatalf("lighthouse %s (%s): %v", route, form, err)
	}
	if final != address {
		t.Errorf("lighthouse %s (%s): audited %s instead of %s (signed out?)", route, form, final, address)
	}
	t.Logf("lighthouse %s (%s): %s (%s)", route, form, scores, time.Since(began).Round(100*time.Millisecond))
	if len(failures) > 0 {
		t.Errorf("lighthouse %s (%s, %s): %s; failing audits:\n  %s", route, form, address, scores, strings.Join(failures, "\n  "))
	}
}

// lighthouseRoute is the route an address is a page of: "/a/:slug/cases/:id",
// "/a/:slug/clients/:id?tab=portal", "/a/:slug/search?q".
func lighthouseRoute(u *url.URL) string {
	parts := strings.Split(u.Path, "/")
	for i, p := range parts {
		switch {
		case i == 2 && parts[1] == "a":
			parts[i] = ":slug"
		case uuidLike.MatchString(p):
			parts[i] = ":id"
		case digits.MatchString(p):
			parts[i] = ":n"
		case len(p) >= 20:
			parts[i] = ":token"
		}
	}
	route := strings.Join(parts, "/")
	q := u.Query()
	var keys []string
	for k := range q {
		if k == "tab" {
			keys = append(keys, k+"="+q.Get(k))
		} else {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		route += "?" + strings.Join(keys, "&")
	}
	return route
}

var (
	uuidLike = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}$`)
	digits   = regexp.MustCompile(`^[0-9]+$`)
)

// lighthouseFailures reads a Lighthouse JSON report: the audits that
// failed, the categories' scores, and the address it audited in the end.
func lighthouseFailures(path string) (failures []string, scores, final string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", err
	}
	var report struct {
		Final      string `json:"finalDisplayedUrl"`
		Categories map[string]struct {
			Score *float64 `json:"score"`
		} `json:"categories"`
		Audits map[string]struct {
			Title   string   `json:"title"`
			Score   *float64 `json:"score"`
			Mode    string   `json:"scoreDisplayMode"`
			Details struct {
				Items []struct {
					Node struct {
						Selector string `json:"selector"`
						Snippet  string `json:"snippet"`
					} `json:"node"`
					Description string `json:"description"`
				} `json:"items"`
			} `json:"details"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(b, &report); err != nil {
		return nil, "", "", fmt.Errorf("read the report: %w", err)
	}
	var parts []string
	for name, c := range report.Categories {
		if c.Score == nil {
			parts = append(parts, name+" none")
			failures = append(failures, name+": no score")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.0f", name, *c.Score*100))
		if *c.Score < 1 {
			failures = append(failures, fmt.Sprintf("%s: %.0f, not 100", name, *c.Score*100))
		}
	}
	sort.Strings(parts)
	for id, a := range report.Audits {
		if a.Score == nil || *a.Score >= 1 || a.Mode == "informative" || a.Mode == "notApplicable" || a.Mode == "manual" {
			continue
		}
		line := id + ": " + a.Title
		for i, it := range a.Details.Items {
			if i == 3 {
				break
			}
			if it.Node.Selector != "" {
				line += " [" + it.Node.Selector + "]"
			} else if it.Description != "" {
				line += " [" + it.Description + "]"
			}
		}
		failures = append(failures, line)
	}
	sort.Strings(failures)
	return failures, strings.Join(parts, ", "), report.Final, nil
}
