package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// brandColours is what the browser computes for the accent's places.
type brandColours struct {
	Button, Link, Header, Name, Focus string
}

// TestBrandColours (issue 16 point 7): an owner sets a red accent; in the
// light and in the dark theme the browser's computed colours of a button,
// a link, the header's rule and the agency's name, and the focus ring's
// colour, are the accent's shades, not Pico's blue; the agency's sign-in
// page shows its name and colour too.
func TestBrandColours(t *testing.T) {
	execPath := requireChromium(t)
	base := startServer(t)
	browser := newBrowser(t, execPath)
	s := newStory(t, browser, base, mustArtifactsDir(t), viewports[0])
	slug := fmt.Sprintf("brand-%d", time.Now().UnixNano()%1_000_000)
	s.signUp(slug, "Redwood Studio", "Rae Owner")
	s.do("open the branding page", chromedp.Navigate(s.base+"/a/"+slug+"/settings/branding"))
	s.atPath("branding page", "/a/"+slug+"/settings/branding", "h1", "Branding")
	s.do("choose a red accent and save", chromedp.Evaluate[chromedp.Void](`document.getElementById('f-accent').value = '#b3261e'; const d = document.querySelector('[name=default_accent]'); if (d) d.checked = false`), s.click("main button[type=submit]"))
	s.waitFor("the brand stylesheet", `!!document.querySelector('link[href*="brand.css?v=b3261e"]')`, true)

	read := func(what, pageCSS string) brandColours {
		got, err := chromedp.Run(s.ctx, chromedp.Evaluate[brandColours](`(() => {
			const cs = (sel, prop) => { const el = document.querySelector(sel); return el ? getComputedStyle(el)[prop] : 'missing ' + sel; };
			return {Button: cs('main button[type=submit]', 'backgroundColor'), Link: cs(`+strconv.Quote(pageCSS)+`, 'color'),
				Header: cs('.app-header, .site-header', 'borderTopColor'), Name: cs('.brand strong', 'color'),
				Focus: getComputedStyle(document.documentElement).getPropertyValue('--mm-focus').trim()};
		})()`))
		if err != nil {
			t.Fatalf("read %s: %v", what, err)
		}
		return got
	}
	reddish := func(c string) bool {
		var r, g, b int
		if _, err := fmt.Sscanf(strings.TrimPrefix(c, "rgb("), "%d, %d, %d)", &r, &g, &b); err != nil {
			if strings.HasPrefix(c, "#") && len(c) == 7 {
				v, _ := strconv.ParseUint(c[1:], 16, 32)
				r, g, b = int(v>>16), int(v>>8&0xff), int(v&0xff)
			} else {
				return false
			}
		}
		return r > g+60 && r > b+60
	}
	for _, theme := range []string{"light", "dark"} {
		prefer(t, s, theme)
		s.do("open the branding page", chromedp.Navigate(s.base+"/a/"+slug+"/settings/branding"))
		s.atPath("branding page", "/a/"+slug+"/settings/branding", "h1", "Branding")
		got := read(theme+" colours", "main nav[aria-label=Breadcrumb] a")
		t.Logf("%s: %+v", theme, got)
		if got.Button != "rgb(179, 38, 30)" {
			t.Errorf("%s theme: the button is %s, not the accent", theme, got.Button)
		}
		for what, c := range map[string]string{"link": got.Link, "header": got.Header, "name": got.Name, "focus ring": got.Focus} {
			if !reddish(c) {
				t.Errorf("%s theme: the %s is %s, not a shade of the accent", theme, what, c)
			}
		}
		if theme == "light" && got.Link != "rgb(179, 38, 30)" {
			t.Errorf("light theme: the link is %s", got.Link)
		}
		s.screenshot("brand-" + theme)

		// The agency's sign-in page, seen by someone signed out.
		out := newStory(t, browser, base, s.artifacts, viewports[len(viewports)-1]) // the phone; the one width under TestLighthouse
		prefer(t, out, theme)
		out.do("open the sign-in page", chromedp.Navigate(base+"/a/"+slug+"/login"))
		out.waitFor("the agency's name", `document.querySelector('.brand strong')?.textContent === 'Redwood Studio'`, true)
		signIn, err := chromedp.Run(out.ctx, chromedp.Evaluate[brandColours](`({Button: getComputedStyle(document.querySelector('main button[type=submit]')).backgroundColor,
			Header: getComputedStyle(document.querySelector('.site-header')).borderTopColor, Name: getComputedStyle(document.querySelector('.brand strong')).color})`))
		if err != nil {
			t.Fatal(err)
		}
		if signIn.Button != "rgb(179, 38, 30)" || !reddish(signIn.Header) || !reddish(signIn.Name) {
			t.Errorf("%s theme, sign-in page: %+v", theme, signIn)
		}
		out.screenshot("brand-sign-in-" + theme)
	}
}

// prefer makes the story's tab prefer the light or dark colour scheme.
func prefer(t *testing.T, s *story, theme string) {
	t.Helper()
	if _, err := chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}}}); err != nil {
		t.Fatalf("prefer the %s theme: %v", theme, err)
	}
}
