package handlers

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/live"
)

// caseBulkMax bounds how many cases one bulk action changes.
const caseBulkMax = 500

// caseReturn is where a case action sends the browser back to: the form's
// "return" field when it is one of this agency's case pages, else fallback.
func caseReturn(c *fiber.Ctx, r *Request, fallback string) string {
	if ret := formValue(c, "return"); isCasePage(r, ret) {
		return ret
	}
	return fallback
}

// isCasePage reports whether ret is a local URL of this agency's cases.
func isCasePage(r *Request, ret string) bool {
	base := caseBase(r)
	if ret == "" || strings.ContainsAny(ret, "\\\r\n\t") || strings.Contains(ret, "//") {
		return false
	}
	return ret == base || strings.HasPrefix(ret, base+"/") || strings.HasPrefix(ret, base+"?")
}

// caseListReturn is the list a bulk action goes back to. The filters
// change the URL through htmx without reloading the page, so the address
// htmx reports (HX-Current-URL) is fresher than the form's return field.
func caseListReturn(c *fiber.Ctx, r *Request) string {
	if u, err := url.Parse(c.Get("HX-Current-URL")); err == nil && u.Path != "" {
		if ret := u.RequestURI(); isCasePage(r, ret) {
			return ret
		}
	}
	return caseReturn(c, r, caseBase(r))
}

// caseOneMessage turns invalid input about fields into one message, for
// actions that have no form to show the messages beside.
func caseOneMessage(err error) error {
	fields := apperr.FieldsOf(err)
	if len(fields) == 0 {
		return err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return apperr.New(apperr.Invalid, "%s", fields[keys[0]])
}

// CaseSetStatus moves a case to another status (the board's buttons and
// drag, the case page's quick control, reopening), then goes back.
func (h *Handlers) CaseSetStatus(c *fiber.Ctx, r *Request) error {
	status := formValue(c, "status")
	if !tenant.ValidCaseStatus(status) {
		return apperr.New(apperr.Invalid, "%s", tenant.UnknownStatusMessage(status))
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	id := c.Params("id")
	changed, err := r.Tenant.UpdateCase(c.UserContext(), v, caseActor(r), id, 0, tenant.CaseChange{Status: &status})
	if err != nil {
		return caseOneMessage(err)
	}
	if changed {
		h.publish(c, r, id, live.KindStatus, true, false)
	}
	page := caseBase(r) + "/" + id
	ret := caseReturn(c, r, page)
	if changed && ret == page {
		h.flash(c, "Status changed to "+tenant.CaseStatusLabel(status)+".")
	}
	return h.redirect(c, ret)
}

// parseCaseBulk reads the bulk form's selected case ids (unique, at most
// caseBulkMax) and its action ("status:S" or "assign:ID", "" for nobody):
// the change CasesBulk applies and its confirmation describes.
func parseCaseBulk(raw [][]byte, action string) (ids []string, ch tenant.CaseChange, err error) {
	seen := map[string]bool{}
	for _, b := range raw {
		if id := strings.TrimSpace(string(b)); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, ch, apperr.New(apperr.Invalid, "Select at least one case first.")
	}
	if len(ids) > caseBulkMax {
		return nil, ch, apperr.New(apperr.Invalid, "Change at most %d cases at once (%d are selected).", caseBulkMax, len(ids))
	}
	kind, value, _ := strings.Cut(action, ":")
	switch kind {
	case "status":
		ch.Status = &value
	case "assign":
		ch.AssigneeID = &value
	default:
		return nil, ch, apperr.New(apperr.Invalid, "Choose what to do with the selected cases.")
	}
	return ids, ch, nil
}

// CasesBulk assigns, or changes the status of, every selected case. It is
// all or nothing: an unknown or hidden case changes none of them.
func (h *Handlers) CasesBulk(c *fiber.Ctx, r *Request) error {
	ids, ch, err := parseCaseBulk(c.Request().PostArgs().PeekMulti("ids"), formValue(c, "action"))
	if err != nil {
		return err
	}
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	n, err := r.Tenant.BulkUpdateCases(c.UserContext(), v, caseActor(r), ids, ch)
	if err != nil {
		return caseOneMessage(err)
	}
	for _, id := range ids {
		h.publish(c, r, id, live.KindStatus, true, ch.AssigneeID != nil)
	}
	switch n {
	case 0:
		h.flash(c, "Nothing to change: the selected cases were already like that.")
	case 1:
		h.flash(c, "1 case updated.")
	default:
		h.flash(c, fmt.Sprintf("%d cases updated.", n))
	}
	return h.redirect(c, caseListReturn(c, r))
}
