package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
)

// recordPageView counts a successful full-page GET in the first-party
// analytics, by route pattern (never the URL, which holds slugs and ids),
// and only for a person who allowed analytics. It sets the analytics
// cookie (today's date, so a visitor is counted once a day) under the same
// condition. Fragments, errors, redirects and downloads are not counted.
func (h *Handlers) recordPageView(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if c.Method() != fiber.MethodGet || c.Response().StatusCode() != fiber.StatusOK || wantsFragment(c) {
		return nil
	}
	if !strings.HasPrefix(string(c.Response().Header.ContentType()), fiber.MIMETextHTML) || !h.consentOf(c).Analytics {
		return nil
	}
	r := c.Route()
	if r == nil || r.Path == "" || r.Path == "/" && c.Path() != "/" {
		return nil
	}
	now := h.Clock.Now().UTC()
	today := control.Day(now)
	newVisitor := h.readCookie(c, seenCookie) != today
	if newVisitor {
		endOfDay := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
		h.writeCookie(c, &fiber.Cookie{Name: seenCookie, Value: today, Path: "/", MaxAge: int(endOfDay.Sub(now).Seconds()) + 1})
	}
	if err := h.Control.RecordPageView(c.UserContext(), r.Path, newVisitor); err != nil {
		h.logger(c).Warn("record page view", "err", err)
	}
	return nil
}
