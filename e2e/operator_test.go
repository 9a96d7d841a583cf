package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlan signs up (a trial on the default plan starts), opens the
// owner's plan page from the navigation and moves to Pro, at desktop and at
// phone width. Screenshots go to e2e/artifacts/plan-*.
//
//	go test ./e2e -run TestPlan -v
func TestPlan(t *testing.T) {
	forEachWidth(t, "plan", (*story).plan)
}

func (s *story) plan(slug string) {
	agencyPath := "/a/" + slug
	s.do("open the sign-up page", chromedp.Navigate(s.base+"/signup"))
	s.atPath("sign-up page", "/signup", "h1", "Create your agency")
	s.do("fill the sign-up form",
		s.fill("f-agency_name", "Plan Office "+s.vp.name),
		s.fill("f-slug", slug),
		s.fill("f-owner_name", "Pat Planner"),
		s.fill("f-email", slug+"@example.test"),
		s.fill("f-password", password),
	)
	s.atPath("address check", "/signup", "#slug-check .field-ok", "Available")
	s.do("submit the sign-up form", s.click("#signup-form button[type=submit]"))
	s.atPath("dashboard after sign-up", agencyPath, "h1", "Welcome, Pat Planner")

	s.navTo(`header nav a[href="` + agencyPath + `/settings"]`)
	s.do("open the plan page", s.click(`nav.subnav a[href="`+agencyPath+`/plan"]`))
	s.atPath("plan page", agencyPath+"/plan", "h1", "Plan and billing")
	s.atPath("the trial", agencyPath+"/plan", "article", "Status: Trial: your trial ends on")
	s.screenshot("plan-01-trial")
	s.noConsoleErrors("plan page")

	s.do("choose Pro", s.click(`form[data-plan="Pro"] button[type=submit]`))
	s.waitFor("a plan chosen", `location.pathname === `+js(agencyPath+"/plan")+` && document.readyState === "complete" && document.body.innerText.includes("You are now on")`, true)
	s.screenshot("plan-02-changed")
	s.noConsoleErrors("plan changed")
}
