package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// calendarFeedsMax is how many due cases and tasks of each a feed lists.
const calendarFeedsMax = 1000

// calendarFeedView is one of the person's feeds on the calendar page.
type calendarFeedView struct {
	Scope     string
	Label     string
	Live      bool
	CreatedAt time.Time
	LastUsed  time.Time
	NewURL    string // the feed's address, shown once right after it is made
	Action    string
	RevokeURL string
}

// calendarView is the page of a person's calendar feeds.
type calendarView struct {
	Page
	Feeds []calendarFeedView
}

func calendarBase(r *Request) string { return "/a/" + r.Agency.Slug + "/calendar" }

// mayFeed reports whether u may have a feed of scope.
func mayFeed(u *tenant.User, scope string) bool {
	switch scope {
	case tenant.FeedPerson:
		return true
	case tenant.FeedAgency:
		return tenant.RoleRank(u.Role) >= tenant.RoleRank(tenant.RoleAdmin)
	}
	return false
}

func (h *Handlers) calendarPage(c *fiber.Ctx, r *Request, newScope, newToken string) error {
	feeds, err := r.Tenant.CalendarFeeds(c.UserContext(), r.User.ID)
	if err != nil {
		return err
	}
	view := &calendarView{Page: Page{Title: "cal.title"}}
	for _, s := range []struct{ scope, label string }{{tenant.FeedPerson, "cal.mine"}, {tenant.FeedAgency, "cal.agency"}} {
		if !mayFeed(r.User, s.scope) {
			continue
		}
		f, live := feeds[s.scope]
		fv := calendarFeedView{Scope: s.scope, Label: s.label, Live: live, CreatedAt: f.CreatedAt, LastUsed: f.LastUsedAt,
			Action: calendarBase(r) + "/" + s.scope, RevokeURL: calendarBase(r) + "/" + s.scope + "/revoke"}
		if s.scope == newScope {
			fv.NewURL = h.Config.BaseURL + calendarBase(r) + "/feed/" + newToken + ".ics"
		}
		view.Feeds = append(view.Feeds, fv)
	}
	return h.page(c, "pages/time/calendar", view)
}

// Calendar shows the person's calendar feeds.
func (h *Handlers) Calendar(c *fiber.Ctx, r *Request) error { return h.calendarPage(c, r, "", "") }

// CalendarFeedNew makes a new secret address for a feed (the old one stops
// working) and shows it once.
func (h *Handlers) CalendarFeedNew(c *fiber.Ctx, r *Request) error {
	scope := c.Params("scope")
	if !mayFeed(r.User, scope) {
		return apperr.New(apperr.NotFound, "No such calendar.")
	}
	token, err := r.Tenant.NewCalendarFeed(c.UserContext(), r.User.ID, scope, auditFor(c, "calendar.feed_created", ""))
	if err != nil {
		return err
	}
	return h.calendarPage(c, r, scope, token)
}

// CalendarFeedRevoke turns a feed's address off.
func (h *Handlers) CalendarFeedRevoke(c *fiber.Ctx, r *Request) error {
	scope := c.Params("scope")
	if !mayFeed(r.User, scope) {
		return apperr.New(apperr.NotFound, "No such calendar.")
	}
	found, err := r.Tenant.RevokeCalendarFeed(c.UserContext(), r.User.ID, scope, auditFor(c, "calendar.feed_revoked", ""))
	if err != nil {
		return err
	}
	if found {
		h.flash(c, i18n.T(r.Lang(), "cal.turned_off"))
	}
	return h.redirect(c, calendarBase(r))
}

// CalendarFeed serves a feed to a calendar app: the secret in the address
// is the only credential, and a revoked or unknown one is a 404.
func (h *Handlers) CalendarFeed(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	u, scope, err := r.Tenant.CalendarFeedUser(ctx, strings.TrimSuffix(c.Params("token"), ".ics"))
	if err != nil {
		return err
	}
	s, err := r.Settings(ctx)
	if err != nil {
		return err
	}
	v, name, who := tenant.NewViewer(u, s), r.Agency.Name+" · "+u.Name, u.ID
	if scope == tenant.FeedAgency {
		v, name, who = tenant.Viewer{UserID: u.ID}, r.Agency.Name+" · all due dates", ""
	}
	items, err := r.Tenant.DueItems(ctx, v, who, calendarFeedsMax)
	if err != nil {
		return err
	}
	feed := app.CalendarFeed{Name: name, BaseURL: h.Config.BaseURL + "/a/" + r.Agency.Slug, Items: items, Now: h.Clock.Now()}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.Send(feed.ICS())
}
