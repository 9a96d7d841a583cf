package tenant

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"mintedmind/apperr"
)

// Case statuses, in the order of the board's columns.
const (
	CaseNew        = "new"
	CaseInProgress = "in_progress"
	CaseWaiting    = "waiting"
	CaseResolved   = "resolved"
	CaseClosed     = "closed"
)

// CaseStatuses lists every case status in board order.
var CaseStatuses = []string{CaseNew, CaseInProgress, CaseWaiting, CaseResolved, CaseClosed}

// OpenCaseStatuses are the statuses of cases that still need work.
var OpenCaseStatuses = []string{CaseNew, CaseInProgress, CaseWaiting}

var caseStatusLabels = map[string]string{
	CaseNew:        "New",
	CaseInProgress: "In progress",
	CaseWaiting:    "Waiting on client",
	CaseResolved:   "Resolved",
	CaseClosed:     "Closed",
}

// CaseStatusLabel names a status for people; an unknown one is shown as stored.
func CaseStatusLabel(s string) string {
	if l, ok := caseStatusLabels[s]; ok {
		return l
	}
	return s
}

// ValidCaseStatus reports whether s is a case status.
func ValidCaseStatus(s string) bool { _, ok := caseStatusLabels[s]; return ok }

// Case priorities, lowest first.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// CasePriorities lists every priority, lowest first.
var CasePriorities = []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

var casePriorityLabels = map[string]string{PriorityLow: "Low", PriorityNormal: "Normal", PriorityHigh: "High", PriorityUrgent: "Urgent"}

// CasePriorityLabel names a priority for people.
func CasePriorityLabel(p string) string {
	if l, ok := casePriorityLabels[p]; ok {
		return l
	}
	return p
}

// ValidCasePriority reports whether p is a case priority.
func ValidCasePriority(p string) bool { _, ok := casePriorityLabels[p]; return ok }

// Limits of a case's fields and of a note, each named in its message.
const (
	CaseTitleMax       = 200
	CaseDescriptionMax = 20000
	CaseLabelsMax      = 20
	CaseLabelMax       = 40
	NoteBodyMax        = 20000
)

// DueDateLayout is how a due date is typed and stored: a calendar day.
const DueDateLayout = "2006-01-02"

// CaseNumber formats a case's people-facing number, C-0042.
func CaseNumber(n int64) string { return fmt.Sprintf("C-%04d", n) }

// caseCleanText makes typed text storable: valid UTF-8, no NUL bytes, Unix line
// ends, no surrounding blank space. Everything else is kept as typed.
func caseCleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s)
}

// validateCaseTitle returns a case title ready to store, or a message.
func validateCaseTitle(s string) (string, string) {
	s = strings.Join(strings.Fields(caseCleanText(s)), " ")
	switch {
	case s == "":
		return "", "Enter a title."
	case utf8.RuneCountInString(s) > CaseTitleMax:
		return "", fmt.Sprintf("Use at most %d characters for the title (this has %d).", CaseTitleMax, utf8.RuneCountInString(s))
	}
	return s, ""
}

// validateCaseText checks a description or note body against max.
func validateCaseText(s, what string, max int, required bool) (string, string) {
	s = caseCleanText(s)
	if required && s == "" {
		return "", "Write something first."
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", fmt.Sprintf("Use at most %d characters for the %s (this has %d).", max, what, n)
	}
	return s, ""
}

// ParseDueDate checks a typed due date: empty for none, or a real calendar
// day as YYYY-MM-DD. It returns the date to store, or a message.
func ParseDueDate(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	d, err := time.Parse(DueDateLayout, s)
	if err != nil || d.Year() < 1900 || d.Year() > 2999 {
		return "", fmt.Sprintf("%q is not a real date: use YYYY-MM-DD, like 2026-03-31.", caseShorten(s, 20))
	}
	return d.Format(DueDateLayout), ""
}

// SplitLabels splits typed labels at commas: trimmed, lowercase, without
// duplicates or empty entries, in alphabetical order.
func SplitLabels(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range strings.Split(s, ",") {
		l = strings.ToLower(strings.Join(strings.Fields(caseCleanText(l)), " "))
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// validateCaseLabels normalises labels and checks their number and length.
func validateCaseLabels(labels []string) ([]string, string) {
	norm := SplitLabels(strings.Join(labels, ","))
	if len(norm) > CaseLabelsMax {
		return nil, fmt.Sprintf("Use at most %d labels (this has %d).", CaseLabelsMax, len(norm))
	}
	for _, l := range norm {
		if utf8.RuneCountInString(l) > CaseLabelMax {
			return nil, fmt.Sprintf("Each label can have at most %d characters: %q is longer.", CaseLabelMax, caseShorten(l, 60))
		}
	}
	return norm, ""
}

// CaseInput is a new case as typed. Validate normalises it in place.
type CaseInput struct {
	ClientID    string
	Title       string
	Description string
	Priority    string // empty means normal
	AssigneeID  string // empty means nobody
	DueDate     string // YYYY-MM-DD or empty
	Labels      []string
	// TaskTemplateID is a task template to apply as the case opens (in
	// the same transaction, beside its labels' templates); empty: none.
	TaskTemplateID string
}

// Validate checks every field and returns an invalid-input error with a
// message per field; the client and assignee are checked against the
// database when the case is written.
func (in *CaseInput) Validate() error {
	errs := map[string]string{}
	var msg string
	if in.Title, msg = validateCaseTitle(in.Title); msg != "" {
		errs["title"] = msg
	}
	if in.Description, msg = validateCaseText(in.Description, "description", CaseDescriptionMax, false); msg != "" {
		errs["description"] = msg
	}
	if in.Priority == "" {
		in.Priority = PriorityNormal
	}
	if !ValidCasePriority(in.Priority) {
		errs["priority"] = fmt.Sprintf("Unknown priority %q: choose low, normal, high or urgent.", caseShorten(in.Priority, 20))
	}
	if in.DueDate, msg = ParseDueDate(in.DueDate); msg != "" {
		errs["due_date"] = msg
	}
	if in.Labels, msg = validateCaseLabels(in.Labels); msg != "" {
		errs["labels"] = msg
	}
	if strings.TrimSpace(in.ClientID) == "" {
		errs["client_id"] = "Choose the client this case is for."
	}
	return apperr.FieldErrors(errs)
}

// CaseChange is an edit of a case: nil fields stay as they are. Validate
// normalises it in place.
type CaseChange struct {
	ClientID    *string
	Title       *string
	Description *string
	Status      *string
	Priority    *string
	AssigneeID  *string // pointer to "" takes the assignee off
	DueDate     *string // pointer to "" clears the due date
	Labels      *[]string
}

// Validate checks the fields that are set, like CaseInput.Validate.
func (ch *CaseChange) Validate() error {
	errs := map[string]string{}
	var msg string
	if ch.Title != nil {
		if *ch.Title, msg = validateCaseTitle(*ch.Title); msg != "" {
			errs["title"] = msg
		}
	}
	if ch.Description != nil {
		if *ch.Description, msg = validateCaseText(*ch.Description, "description", CaseDescriptionMax, false); msg != "" {
			errs["description"] = msg
		}
	}
	if ch.Status != nil && !ValidCaseStatus(*ch.Status) {
		errs["status"] = UnknownStatusMessage(*ch.Status)
	}
	if ch.Priority != nil && !ValidCasePriority(*ch.Priority) {
		errs["priority"] = fmt.Sprintf("Unknown priority %q: choose low, normal, high or urgent.", caseShorten(*ch.Priority, 20))
	}
	if ch.DueDate != nil {
		if *ch.DueDate, msg = ParseDueDate(*ch.DueDate); msg != "" {
			errs["due_date"] = msg
		}
	}
	if ch.Labels != nil {
		labels, msg := validateCaseLabels(*ch.Labels)
		if msg != "" {
			errs["labels"] = msg
		}
		ch.Labels = &labels
	}
	if ch.ClientID != nil && strings.TrimSpace(*ch.ClientID) == "" {
		errs["client_id"] = "Choose the client this case is for."
	}
	return apperr.FieldErrors(errs)
}

// UnknownStatusMessage is the answer to a status that does not exist.
func UnknownStatusMessage(s string) string {
	return fmt.Sprintf("Unknown status %q: choose new, in progress, waiting on client, resolved or closed.", caseShorten(s, 20))
}

// ValidateNoteBody checks a note's text and returns it ready to store.
func ValidateNoteBody(body string) (string, string) {
	return validateCaseText(body, "note", NoteBodyMax, true)
}

// caseShorten cuts s to at most n characters for quoting it in a message.
func caseShorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
