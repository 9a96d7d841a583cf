package handlers

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/billing"
	"mintedmind/db/control"
)

// landingView is the public front page, for agencies: what it does for
// them and their clients, what it looks like, and what it costs.
type landingView struct {
	Page
	Plans      []landingPlan // empty: self-hosted, or no plan is offered
	SelfHosted bool
}

// landingPlan is one plan's column of the pricing table.
type landingPlan struct {
	Name             string
	Monthly, Yearly  string // "" when free
	Free             bool
	Seats, Clients   string // "Unlimited" when the plan sets no limit
	Storage          string
	TrialDays        int64
	Recommended      bool // the plan sign-ups start their trial on
	RetentionMonths  int64
	HasRetentionRule bool
}

// Landing is the public front page: what the product is, screenshots,
// pricing from the plans, sign up, sign in.
func (h *Handlers) Landing(c *fiber.Ctx) error {
	view := &landingView{Page: Page{Title: "Client portal and CRM for agencies"}, SelfHosted: h.Config.SelfHosted}
	if !h.Config.SelfHosted {
		plans, err := h.Control.Plans(c.UserContext())
		if err != nil {
			return err
		}
		for _, p := range plans {
			view.Plans = append(view.Plans, landingPlanOf(p))
		}
	}
	return h.page(c, "pages/landing/index", view)
}

func landingPlanOf(p *control.Plan) landingPlan {
	limit := func(n int64, unit string) string {
		if n <= 0 {
			return "Unlimited " + unit
		}
		return fmt.Sprintf("%d %s", n, unit)
	}
	lp := landingPlan{Name: p.Name, Free: !p.Priced(), Seats: limit(p.StaffSeats, "team members"), Clients: limit(p.MaxClients, "clients"),
		TrialDays: p.TrialDays, Recommended: p.IsDefault}
	if p.Priced() {
		lp.Monthly = billing.FormatMoney(p.MonthlyPrice, p.Currency)
		if p.YearlyPrice > 0 {
			lp.Yearly = billing.FormatMoney(p.YearlyPrice, p.Currency)
		}
	}
	switch {
	case p.StorageBytes <= 0:
		lp.Storage = "Unlimited storage"
	case p.StorageBytes >= 1<<30:
		lp.Storage = fmt.Sprintf("%d GB of documents", p.StorageBytes>>30)
	default:
		lp.Storage = fmt.Sprintf("%d MB of documents", p.StorageBytes>>20)
	}
	if p.CaseRetentionDays > 0 {
		lp.HasRetentionRule, lp.RetentionMonths = true, (p.CaseRetentionDays+15)/30
	}
	return lp
}

// publicPages are the pages search engines may index, for the sitemap.
var publicPages = []string{"/", "/signup", "/login", "/privacy", "/cookies"}

// Robots answers /robots.txt: the public pages may be indexed; no
// agency's pages, portal or console, and no sign-in link.
func (h *Handlers) Robots(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{"/a/", "/operator", "/setup/", "/signup/slug", "/pay/", "/forgot"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Allow: /\n\nSitemap: " + strings.TrimSuffix(h.Config.BaseURL, "/") + "/sitemap.xml\n")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Type("txt", "utf-8")
	return c.SendString(b.String())
}

// sitemap is /sitemap.xml's document (sitemaps.org).
type sitemap struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

// Sitemap answers /sitemap.xml: the public pages.
func (h *Handlers) Sitemap(c *fiber.Ctx) error {
	m := sitemap{}
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	for _, p := range publicPages {
		m.URLs = append(m.URLs, sitemapURL{Loc: base + p})
	}
	out, err := xml.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), append(out, '\n')...))
}
