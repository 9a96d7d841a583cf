package handlers

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

const auditPageSize = 50

// Audit shows the agency's audit log, filtered by action, person and dates;
// every filter state is a URL.
func (h *Handlers) Audit(c *fiber.Ctx) error {
	t := tenantOf(c)
	f := db.AuditFilter{Action: c.Query("action"), ActorID: c.Query("actor"), Limit: auditPageSize + 1}
	errs := map[string]string{}
	if v := c.Query("from"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			errs["from"] = "Use a date like 2026-01-31."
		}
		f.From = d
	}
	if v := c.Query("to"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			errs["to"] = "Use a date like 2026-01-31."
		}
		f.To = d.AddDate(0, 0, 1)
	}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs["before"] = "Not a valid page."
		}
		f.Before = n
	}
	if err := apperr.FieldErrors(errs); err != nil {
		return err
	}
	entries, err := t.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	users, err := t.Users(c.UserContext())
	if err != nil {
		return err
	}
	actions, err := t.AuditActions(c.UserContext())
	if err != nil {
		return err
	}
	older := ""
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		q := url.Values{}
		for _, k := range []string{"action", "actor", "from", "to"} {
			if v := c.Query(k); v != "" {
				q.Set(k, v)
			}
		}
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		older = c.Path() + "?" + q.Encode()
	}
	return h.mapPageOrFragment(c, "pages/audit/index", "partials/audit/rows", fiber.Map{
		"Title": "Audit log", "Entries": entries, "Users": users, "Actions": actions, "Older": older,
		"Filter": fiber.Map{"Action": c.Query("action"), "Actor": c.Query("actor"), "From": c.Query("from"), "To": c.Query("to")},
	})
}
