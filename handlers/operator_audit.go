package handlers

import (
	"net/url"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
)

// The operator console's audit log, as sentences like the agencies' (see
// audit_sentences.go): "Opal suspended Acme Agency (Active → Suspended)".

// operatorAuditLimit is how many of the newest entries the console's log
// shows and filters, and operatorAuditExportLimit how many its CSV holds.
const (
	operatorAuditLimit       = 300
	operatorAuditExportLimit = 100000
)

// operatorAuditRow is one entry of the operator audit log with its sentence.
type operatorAuditRow struct {
	*control.OperatorAuditEntry
	Sentence []auditPart
}

// operatorAuditPhrases are the operator audit log's actions.
var operatorAuditPhrases = map[string]auditPhrase{
	"agency.activate": {"Agency activated", opSays(" activated ", "")},
	"agency.suspend":  {"Agency suspended", opSays(" suspended ", "")},
	"agency.archive":  {"Agency archived", opSays(" archived ", "")},
	"agency.restore":  {"Agency restored from its archive", opSays(" restored ", " from its archive")},
	"agency.delete":   {"Agency deleted", opSays(" deleted ", " for good")},
	"agency.plan":     {"Agency's plan changed", opSays(" put ", " on the plan")},
	"agency.recover":  {"Agency recovered", opSays(" recovered ", "")},
	"payment.recorded": {"Subscription payment recorded", func(s *auditSentence) {
		s.actor()
		s.text(" recorded a subscription payment")
		if s.e.Target != "" {
			s.text(" from ")
			s.agency()
		}
		s.detail(": ")
	}},
	"payment.overpaid": {"Subscription overpayment kept", func(s *auditSentence) {
		s.actor()
		s.text(" took an overpayment")
		if s.e.Target != "" {
			s.text(" from ")
			s.agency()
		}
		s.text(", to refund or credit")
		s.detail(": ")
	}},
	"overpayment.settled": {"Subscription overpayment settled", func(s *auditSentence) {
		s.actor()
		s.text(" settled an overpayment")
		if s.e.Target != "" {
			s.text(" of ")
			s.agency()
		}
		s.detail(": ")
	}},
	"billing.settings": {"Subscription billing settings changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the ")
		s.link("subscription billing settings", "/operator/billing/settings")
	}},
	"job.run": {"Job run by hand", func(s *auditSentence) {
		s.actor()
		s.text(" ran the job ")
		s.link(orDefault(s.e.Detail, "a job"), "/operator/jobs")
		s.text(" by hand")
	}},
	"privacy.controller": {"Controller named", func(s *auditSentence) {
		s.actor()
		s.text(" named the controller on ")
		s.link("the privacy policy", "/privacy")
		s.detail(": ")
	}},
	"plan.created": {"Plan created", func(s *auditSentence) {
		s.actor()
		s.text(" created the plan ")
		s.link(orDefault(s.e.Detail, "a plan"), "/operator/plans")
	}},
	"plan.updated": {"Plan changed", func(s *auditSentence) {
		s.actor()
		s.text(" changed the plan ")
		s.link(orDefault(s.e.Detail, "a plan"), "/operator/plans")
	}},
}

// opSays is an agency phrase: the operator, before, the agency, after,
// then the detail in brackets ("Active → Suspended").
func opSays(before, after string) func(s *auditSentence) {
	return func(s *auditSentence) {
		s.actor()
		s.text(before)
		s.agency()
		s.text(after)
		s.detail(" (")
		s.closeParen()
	}
}

// agency is the entry's agency (its id is the target here), linked to its
// console page.
func (s *auditSentence) agency() {
	if s.e.Target == "" {
		s.text("an agency")
		return
	}
	s.link(orDefault(s.agencyName, "an agency since deleted"), "/operator/agencies/"+s.e.Target)
}

// operatorSentenceOf is operator audit entry e as a sentence.
func operatorSentenceOf(e *control.OperatorAuditEntry) []auditPart {
	s := &auditSentence{agencyName: e.AgencyName}
	s.e.ActorName, s.e.Target, s.e.Detail, s.e.Action = e.OperatorName, e.AgencyID, e.Detail, e.Action
	if p, ok := operatorAuditPhrases[e.Action]; ok {
		p.say(s)
	} else {
		s.actor()
		s.text(" did " + e.Action)
		s.detail(": ")
	}
	return s.parts
}

func operatorAuditRows(entries []*control.OperatorAuditEntry) []operatorAuditRow {
	rows := make([]operatorAuditRow, len(entries))
	for i, e := range entries {
		rows[i] = operatorAuditRow{OperatorAuditEntry: e, Sentence: operatorSentenceOf(e)}
	}
	return rows
}

// operatorAuditView is the operator audit log page.
type operatorAuditView struct {
	Page
	Entries       []operatorAuditRow
	ActionOptions []option // the filter's choices, past "All actions"
	Action        string   // the filter
	ExportURL     string
}

// OperatorAuditLog shows what operators did in the console, newest first,
// filtered by action.
func (h *Handlers) OperatorAuditLog(c *fiber.Ctx) error {
	entries, err := h.Control.OperatorAudit(c.UserContext(), "", operatorAuditLimit)
	if err != nil {
		return err
	}
	action := c.Query("action")
	view := &operatorAuditView{Page: Page{Title: "Operator audit log"}, Action: action, ExportURL: "/operator/audit.csv"}
	if action != "" {
		view.ExportURL += "?action=" + url.QueryEscape(action)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Action] {
			seen[e.Action] = true
			view.ActionOptions = append(view.ActionOptions, option{e.Action, operatorAuditLabel(e.Action), e.Action == action})
		}
	}
	sort.Slice(view.ActionOptions, func(i, j int) bool { return view.ActionOptions[i].Label < view.ActionOptions[j].Label })
	view.Entries = operatorAuditRows(filterOperatorAudit(entries, action))
	return h.page(c, "pages/operator/audit", view)
}

// OperatorAuditExport sends the operator audit log (filtered like the
// page) as CSV.
func (h *Handlers) OperatorAuditExport(c *fiber.Ctx) error {
	entries, err := h.Control.OperatorAudit(c.UserContext(), "", operatorAuditExportLimit)
	if err != nil {
		return err
	}
	entries = filterOperatorAudit(entries, c.Query("action"))
	name := "operator-audit-" + h.Clock.Now().UTC().Format("2006-01-02") + ".csv"
	return sendCSV(c, name, []string{"Time (UTC)", "Operator", "What happened", "Action", "Agency", "Detail"}, func(write func([]string) error) error {
		for _, e := range entries {
			if err := write([]string{e.At.UTC().Format(time.RFC3339), e.OperatorName, auditText(operatorSentenceOf(e)), e.Action, e.AgencyName, e.Detail}); err != nil {
				return err
			}
		}
		return nil
	})
}

func filterOperatorAudit(entries []*control.OperatorAuditEntry, action string) []*control.OperatorAuditEntry {
	if action == "" {
		return entries
	}
	var out []*control.OperatorAuditEntry
	for _, e := range entries {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func operatorAuditLabel(action string) string {
	if p, ok := operatorAuditPhrases[action]; ok {
		return p.label
	}
	return action
}
