package handlers

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

const auditPageSize = 50

// auditView is the audit log page; its filters and "Older entries" get
// the rows partial alone, from the same view model.
type auditView struct {
	Page
	Entries       []tenant.Audit
	ActionOptions []option // the filter's choices, past "All actions"
	PeopleOptions []option // past "Everyone"
	Filter        auditFilterView
	Older         string // the next page of older entries; empty on the last
}

// auditFilterView is the audit log's filter as the URL holds it.
type auditFilterView struct {
	Action, Actor, From, To string
}

// Audit shows the agency's audit log, filtered by action, person and dates;
// every filter state is a URL.
func (h *Handlers) Audit(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	f := tenant.AuditFilter{Action: c.Query("action"), ActorID: c.Query("actor"), Limit: auditPageSize + 1}
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
	view := &auditView{Page: Page{Title: "Audit log"}, Entries: entries,
		Filter: auditFilterView{Action: c.Query("action"), Actor: c.Query("actor"), From: c.Query("from"), To: c.Query("to")}}
	if len(entries) > auditPageSize {
		view.Entries = entries[:auditPageSize]
		q := url.Values{}
		for _, k := range []string{"action", "actor", "from", "to"} {
			if v := c.Query(k); v != "" {
				q.Set(k, v)
			}
		}
		q.Set("before", strconv.FormatInt(view.Entries[len(view.Entries)-1].ID, 10))
		view.Older = c.Path() + "?" + q.Encode()
	}
	if wantsFragment(c) { // the rows alone: no filter menus to fill
		return h.fragment(c, "partials/audit/rows", view)
	}
	users, err := t.Users(c.UserContext())
	if err != nil {
		return err
	}
	actions, err := t.AuditActions(c.UserContext())
	if err != nil {
		return err
	}
	for _, a := range actions {
		view.ActionOptions = append(view.ActionOptions, option{a, a, a == view.Filter.Action})
	}
	for _, u := range users {
		view.PeopleOptions = append(view.PeopleOptions, option{u.ID, u.Name, u.ID == view.Filter.Actor})
	}
	return h.page(c, "pages/audit/index", view)
}
