package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestLighthouse audits the pages of the first-day story with Lighthouse
// (its npm package, run on Debian's Chromium) against the real binary, as
// a phone and as a desktop, and requires 100 for accessibility and for
// best practices on each. The signed-in pages are audited with the
// story's session cookie.
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
	base := startServer(t)
	browser := newBrowser(t, execPath)
	s := newStory(t, browser, base, mustArtifactsDir(t), viewports[0])

	// The story's agency, its first client, and the cookie choice made
	// (the banner is audited on the public pages, before it is).
	slug := fmt.Sprintf("lighthouse-%d", time.Now().UnixNano()%1_000_000)
	agencyPath := "/a/" + slug
	public := []string{"/", "/signup", "/login"}
	s.signUp(slug, "Lighthouse Studio", "Lia House")
	s.do("open the new client form", chromedp.Navigate(base+agencyPath+"/clients/new"))
	s.do("fill the client form", s.fill("f-name", "Quilla Marsh"), s.fillText("f-emails", "quilla-"+slug+"@example.test"))
	s.do("add the client", s.click("#client-form button[type=submit]"))
	s.waitFor("client page", `location.pathname.startsWith(`+js(agencyPath+"/clients/")+`) && !location.pathname.endsWith("/new") && document.readyState === "complete"`, true)
	clientPath := s.path()
	signedIn := []string{agencyPath, clientPath + "?tab=portal", agencyPath + "/settings/billing", agencyPath + "/users", agencyPath + "/search?q=quilla"}

	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, c := range jar.Cookies {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	headers, _ := json.Marshal(map[string]string{"Cookie": strings.Join(cookies, "; ")})

	dir := t.TempDir()
	audit := func(path string, desktop bool, extra []string) {
		t.Helper()
		form := "phone"
		args := []string{base + path, "--only-categories=accessibility,best-practices", "--output=json", "--quiet",
			"--chrome-flags=--headless=new --no-sandbox --disable-gpu"}
		if desktop {
			form = "desktop"
			args = append(args, "--preset=desktop")
		}
		out := filepath.Join(dir, "report.json")
		args = append(append(args, "--output-path="+out), extra...)
		cmd := exec.Command(cli, args...)
		cmd.Env = append(os.Environ(), "CHROME_PATH="+execPath)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("lighthouse %s (%s): %v\n%s", path, form, err, b)
		}
		failures, scores, final, err := lighthouseFailures(out)
		if err != nil {
			t.Fatalf("lighthouse %s (%s): %v", path, form, err)
		}
		if final != base+path {
			t.Errorf("lighthouse %s (%s): audited %s instead (signed out?)", path, form, final)
		}
		t.Logf("lighthouse %s (%s): %s", path, form, scores)
		if len(failures) > 0 {
			t.Errorf("lighthouse %s (%s): %s; failing audits:\n  %s", path, form, scores, strings.Join(failures, "\n  "))
		}
	}
	for _, desktop := range []bool{false, true} {
		for _, p := range public {
			audit(p, desktop, nil)
		}
		for _, p := range signedIn {
			audit(p, desktop, []string{"--extra-headers=" + string(headers)})
		}
	}
}

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
