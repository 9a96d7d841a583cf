package handlers

import (
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// auditPageSize is the entries of one page of the audit log; an export
// reads auditExportPage at a time, up to auditExportMax.
const (
	auditPageSize   = 50
	auditExportPage = 500
	auditExportMax  = 200000
)

// auditView is the audit log page; its filters and "Older entries" get
// the rows partial alone, from the same view model.
type auditView struct {
	Page
	Entries       []auditRow
	ActionOptions []option // the filter's choices, past "All actions"
	PeopleOptions []option // past "Everyone"
	Filter        auditFilterView
	Older         string // the next page of older entries; empty on the last
	ExportURL     string // the CSV of every entry the filter matches
}

// auditRow is one entry with its sentence (see audit_sentences.go).
type auditRow struct {
	tenant.Audit
	Sentence []auditPart
}

// auditFilterView is the audit log's filter as the URL holds it.
type auditFilterView struct {
	Action, Actor, From, To string
}

// query is the filter as URL parameters.
func (f auditFilterView) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"action": f.Action, "actor": f.Actor, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// parseAuditFilter reads the audit log's filter from the query string.
func parseAuditFilter(c *fiber.Ctx) (tenant.AuditFilter, auditFilterView, error) {
	fv := auditFilterView{Action: c.Query("action"), Actor: c.Query("actor"), From: c.Query("from"), To: c.Query("to")}
	f := tenant.AuditFilter{Action: fv.Action, ActorID: fv.Actor}
	errs := map[string]string{}
	if fv.From != "" {
		d, err := time.Parse("2006-01-02", fv.From)
		if err != nil {
			errs["from"] = "Use a date like 2026-01-31."
		}
		f.From = d
	}
	if fv.To != "" {
		d, err := time.Parse("2006-01-02", fv.To)
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
	return f, fv, apperr.FieldErrors(errs)
}

// auditRows turns entries into sentences, with what they name looked up.
func auditRows(c *fiber.Ctx, r *Request, entries []tenant.Audit) ([]auditRow, error) {
	refs, err := r.Tenant.AuditRefs(c.UserContext(), entries)
	if err != nil {
		return nil, err
	}
	base := "/a/" + r.Agency.Slug
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		e.At = r.local(e.At)
		rows[i] = auditRow{Audit: e, Sentence: auditSentenceOf(e, refs, base, r.Lang())}
	}
	return rows, nil
}

// Audit shows the agency's audit log as sentences, filtered by action,
// person and dates; every filter state is a URL, and the CSV export takes
// the same filter.
func (h *Handlers) Audit(c *fiber.Ctx, r *Request) error {
	t := r.Tenant
	f, fv, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	f.Limit = auditPageSize + 1
	entries, err := t.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	view := &auditView{Page: Page{Title: "nav.Audit log"}, Filter: fv}
	export := fv.query()
	view.ExportURL = "/a/" + r.Agency.Slug + "/audit.csv"
	if len(export) > 0 {
		view.ExportURL += "?" + export.Encode()
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		q := fv.query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		view.Older = c.Path() + "?" + q.Encode()
	}
	if view.Entries, err = auditRows(c, r, entries); err != nil {
		return err
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
		view.ActionOptions = append(view.ActionOptions, option{a, auditLabel(r.Lang(), a), a == fv.Action})
	}
	sort.SliceStable(view.ActionOptions, func(i, j int) bool { return view.ActionOptions[i].Label < view.ActionOptions[j].Label })
	for _, u := range users {
		view.PeopleOptions = append(view.PeopleOptions, option{u.ID, u.Name, u.ID == fv.Actor})
	}
	return h.page(c, "pages/audit/index", view)
}

// AuditExport sends every entry the audit log's filter matches as CSV,
// newest first: the sentence, and the raw action, target and detail for
// whoever reads it by machine.
func (h *Handlers) AuditExport(c *fiber.Ctx, r *Request) error {
	f, _, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	name := r.Agency.Slug + "-audit-" + h.caseToday(r) + ".csv"
	header := []string{"Time (UTC)", "Person", "What happened", "Action", "Target", "Detail", "Address", "Device"}
	return sendCSV(c, name, header, func(write func([]string) error) error {
		f.Limit = auditExportPage
		for n := 0; n < auditExportMax; {
			entries, err := r.Tenant.AuditLog(c.UserContext(), f)
			if err != nil {
				return err
			}
			rows, err := auditRows(c, r, entries)
			if err != nil {
				return err
			}
			for _, e := range rows {
				if err := write([]string{e.At.UTC().Format(time.RFC3339), e.ActorName, auditText(e.Sentence), e.Action, e.Target, e.Detail, e.IP, deviceName(e.UserAgent)}); err != nil {
					return err
				}
			}
			n += len(entries)
			if len(entries) < auditExportPage {
				break
			}
			f.Before = entries[len(entries)-1].ID
		}
		return nil
	})
}
