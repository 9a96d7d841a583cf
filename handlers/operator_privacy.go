package handlers

import (
	"os"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// analyticsDays is how many days the operator's chart shows.
const analyticsDays = 30

// chartBar is one day's bar of the page-view chart, in SVG units.
type chartBar struct {
	X, Y, W, H int
	Day        string
	Views      int64
	Visitors   int64
}

// pageViewChart lays out one bar per day in a 600×160 SVG.
func pageViewChart(days []control.DayStats) []chartBar {
	const width, height = 600, 150
	var max int64 = 1
	for _, d := range days {
		max = maxInt64(max, d.Views)
	}
	bars := make([]chartBar, len(days))
	slot := width / max1(len(days))
	for i, d := range days {
		h := int(d.Views * height / max)
		if d.Views > 0 && h < 2 {
			h = 2
		}
		bars[i] = chartBar{X: i * slot, Y: height - h, W: max1(slot - 2), H: h, Day: d.Day, Views: d.Views, Visitors: d.Visitors}
	}
	return bars
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// OperatorPrivacy shows the operator the analytics of every agency
// together (no personal data: route patterns and counts), the policy
// editor, and the archived agencies.
func (h *Handlers) OperatorPrivacy(c *fiber.Ctx) error {
	return h.operatorPrivacyPage(c, "", nil)
}

func (h *Handlers) operatorPrivacyPage(c *fiber.Ctx, draft string, formErr error) error {
	return h.operatorPrivacyPageWith(c, draft, nil, formErr)
}

// operatorPrivacyPageWith is the page with the controller form as typed
// (nil: as stored).
func (h *Handlers) operatorPrivacyPageWith(c *fiber.Ctx, draft string, controller *control.PrivacyController, formErr error) error {
	ctx := c.UserContext()
	if controller == nil {
		pc, err := h.Control.PrivacyController(ctx)
		if err != nil {
			return err
		}
		controller = &pc
	}
	now := h.Clock.Now()
	from := now.AddDate(0, 0, -(analyticsDays - 1))
	days, err := h.Control.AnalyticsDays(ctx, from, now)
	if err != nil {
		return err
	}
	paths, err := h.Control.AnalyticsTopPaths(ctx, from, now, 20)
	if err != nil {
		return err
	}
	policy, err := h.policy(c)
	if err != nil {
		return err
	}
	agencies, err := h.Control.RetentionAgencies(ctx)
	if err != nil {
		return err
	}
	if draft == "" {
		draft = policy.Body
	}
	var total, visitors int64
	for _, d := range days {
		total, visitors = total+d.Views, visitors+d.Visitors
	}
	view := &operatorPrivacyView{Page: Page{Title: "Privacy and analytics"}, Bars: pageViewChart(days), Days: days, Paths: paths,
		TotalViews: total, TotalVisitors: visitors, Policy: policy, Draft: draft, Agencies: agencies, Controller: *controller}
	return h.formPage(c, "pages/privacy/operator", "pages/privacy/operator", view, formErr)
}

// operatorPrivacyView is the console's analytics, policy editor and
// agencies' data page.
type operatorPrivacyView struct {
	Page
	FormErrors
	Bars          []chartBar
	Days          []control.DayStats
	Paths         []control.PathStats
	TotalViews    int64
	TotalVisitors int64
	Policy        *control.Policy
	Draft         string // the policy text in the editor
	Agencies      []*control.RetentionAgency
	Controller    control.PrivacyController // who the policy page names, as stored or typed
}

// OperatorPolicySave publishes the edited policy as a new version.
func (h *Handlers) OperatorPolicySave(c *fiber.Ctx) error {
	shipped, err := h.shippedPolicy()
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	p, err := h.Control.SavePrivacyPolicy(c.UserContext(), shipped, body, operatorOf(c).Email)
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.operatorPrivacyPage(c, strings.TrimSpace(body), err)
	}
	if err != nil {
		return err
	}
	h.Log.Info("privacy policy published", "version", p.Version, "operator", operatorOf(c).ID)
	h.flash(c, "Version "+strconv.Itoa(p.Version)+" of the privacy policy is published.")
	return h.redirect(c, "/operator/privacy")
}

// operatorAgency loads the agency the :id names; deleted ones are gone.
func (h *Handlers) operatorAgency(c *fiber.Ctx) (*control.Agency, error) {
	a, err := h.Control.AgencyByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if a.Status == control.AgencyDeleted {
		return nil, apperr.New(apperr.NotFound, "Agency not found.")
	}
	return a, nil
}

// OperatorAgencyArchive sends the operator a whole agency: a fresh archive
// of a live agency, or the retention job's archive of an archived one.
func (p *Platform) OperatorAgencyArchive(c *fiber.Ctx) error {
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	p.Log.Info("operator downloaded an agency archive", "agency", a.ID, "operator", operatorOf(c).ID)
	if a.Status == control.AgencyArchived {
		f, err := os.Open(p.pool.ArchivePath(a.ID))
		if err != nil {
			return apperr.New(apperr.NotFound, "This agency's archive file is missing.")
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		c.Set(fiber.HeaderContentType, "application/gzip")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+a.Slug+`-archived.tar.gz"`)
		return c.SendStream(f, int(st.Size()))
	}
	t, release, err := p.pool.Acquire(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	defer release()
	return p.sendAgencyArchive(c, a, t)
}

// OperatorAgencyRestore brings an archived agency back (app.RestoreAgency):
// its database and files are unpacked, its status is active again, and its
// inactivity is counted from now.
func (p *Platform) OperatorAgencyRestore(c *fiber.Ctx) error {
	a, err := p.operatorAgency(c)
	if err != nil {
		return err
	}
	if err := app.RestoreAgency(c.UserContext(), p.Control, p.pool, a, tenant.Audit{ActorName: "Platform operator", Action: "agency.restored", Target: a.Slug, IP: c.IP()}); err != nil {
		return err
	}
	p.Log.Info("agency restored from archive", "agency", a.ID, "operator", operatorOf(c).ID)
	p.flash(c, a.Name+" is restored: its people can sign in again.")
	return p.redirect(c, "/operator/privacy")
}
