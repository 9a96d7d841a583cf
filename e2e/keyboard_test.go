package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestShellByKeyboard uses the shell's menus with the keyboard only, at
// 1280 and at 375 px: Tab reaches the phone's drawer and the account
// menu, each with a visible focus ring; Enter and Space open them; Escape
// closes the one it is in and gives the focus back to its button (the
// account menu first, then the drawer around it on a phone).
func TestShellByKeyboard(t *testing.T) {
	forEachWidth(t, "keys", func(s *story, slug string) {
		s.signUp(slug, "Keyboard Studio "+s.vp.name, "Kit Keys")
		s.do("move the focus to the top of the page", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
		drawer, account := "header details.drawer > summary", "header details.account-menu > summary"
		if s.vp.mobile {
			s.tabTo(drawer, 40)
			s.focusVisible("the drawer's button")
			s.toggleBy("Enter", "header details.drawer", drawer, chromedp.KeyEvent(kb.Enter))
			s.toggleBy("Space", "header details.drawer", drawer, chromedp.KeyEvent(" "))
			s.do("open the drawer again", chromedp.KeyEvent(kb.Enter))
			s.waitFor("the drawer open", `document.querySelector("header details.drawer").open`, true)
		}
		s.tabTo(account, 60)
		s.focusVisible("the account menu's button")
		s.toggleBy("Enter", "header details.account-menu", account, chromedp.KeyEvent(kb.Enter))
		s.toggleBy("Space", "header details.account-menu", account, chromedp.KeyEvent(" "))
		// Open, Tab into it, and Escape from one of its links.
		s.do("open the account menu", chromedp.KeyEvent(kb.Enter))
		s.do("Tab into it", chromedp.KeyEvent(kb.Tab))
		s.waitFor("a link of the account menu has the focus", `!!document.activeElement.closest("details.account-menu[open] ul a")`, true)
		s.focusVisible("the account menu's first link")
		s.screenshot("keys-01-account-menu")
		s.do("press Escape", chromedp.KeyEvent(kb.Escape))
		s.waitFor("the account menu closed, its button focused", `!document.querySelector("header details.account-menu").open && document.activeElement === document.querySelector(`+js(account)+`)`, true)
		if s.vp.mobile {
			s.waitFor("the drawer still open", `document.querySelector("header details.drawer").open`, true)
			s.do("press Escape again", chromedp.KeyEvent(kb.Escape))
			s.waitFor("the drawer closed, its button focused", `!document.querySelector("header details.drawer").open && document.activeElement === document.querySelector(`+js(drawer)+`)`, true)
		}
		s.noConsoleErrors("the shell by keyboard")
	})
}

// tabTo presses Tab until the element css matches has the focus, at most
// limit times.
func (s *story) tabTo(css string, limit int) {
	s.t.Helper()
	for i := 0; i < limit; i++ {
		s.do("press Tab", chromedp.KeyEvent(kb.Tab))
		on, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector(`+js(css)+`)`))
		if err != nil {
			s.t.Fatal(err)
		}
		if on {
			return
		}
	}
	focused, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ""`))
	s.t.Fatalf("keyboard (%s): %d presses of Tab never reached %s; the focus is on %s", s.vp.name, limit, css, focused)
}

// focusVisible fails the test unless the focused element shows a focus
// ring: :focus-visible matches and an outline of at least 2px is drawn.
func (s *story) focusVisible(what string) {
	s.t.Helper()
	why, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return "nothing has the focus";
		if (!el.matches(":focus-visible")) return "it does not match :focus-visible";
		const st = getComputedStyle(el);
		if (st.outlineStyle === "none" || parseFloat(st.outlineWidth) < 2) return "no focus ring: outline " + st.outlineStyle + " " + st.outlineWidth;
		const r = el.getBoundingClientRect();
		if (r.width < 1 || r.height < 1) return "it is not rendered";
		return "";
	})()`))
	if err != nil {
		s.t.Fatal(err)
	}
	if why != "" {
		s.t.Errorf("focus (%s) on %s: %s", s.vp.name, what, why)
	}
}

// toggleBy opens the <details> details with key (its summary, css, has
// the focus), checks that it opened, then closes it with Escape and checks
// that the focus is back on the summary.
func (s *story) toggleBy(key, details, css string, press chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	s.do("press "+key, press)
	s.waitFor(fmt.Sprintf("%s opens %s", key, details), `document.querySelector(`+js(details)+`).open`, true)
	s.do("press Escape", chromedp.KeyEvent(kb.Escape))
	s.waitFor("Escape closes "+details+" and gives the focus back", `!document.querySelector(`+js(details)+`).open && document.activeElement === document.querySelector(`+js(css)+`)`, true)
	s.focusVisible("the button of " + details + " after Escape")
}
