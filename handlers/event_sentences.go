package handlers

import (
	"strings"
	"unicode/utf8"

	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// The sentences of case events, for every page that shows a case's
// history: the staff timeline (cases_show.go), the client page's Activity
// tab (clients_show.go) and the portal's case page and home (portal.go).
// One function per kind of event, in eventSentences; a kind written
// anywhere must be registered in tenant.EventKinds and have a row here
// (TestEventSentences fails otherwise, and on a raw code on any page).

// eventWords is what the pages say of one case event.
type eventWords struct {
	Staff  string // the staff timeline, after the actor's name: "issued invoice INV-2026-0001 · €100.00"
	Diff   bool   // the staff timeline shows the texts before and after
	Long   bool   // those texts are long: folded away
	Portal string // the portal, after the actor's name: what it means for the client
	// PortalStatus is the case status a portal sentence names (English
	// label): the sentence's catalogue message is then
	// "event.portal.changed the status to" with {{.Status}} in the reader's language.
	PortalStatus string
	Text         string // the portal: typed text under the sentence (a note, a file name, a reason)
	Label        string // the Activity tab's line: "Invoice issued"
	Detail       string // the Activity tab's detail beside it
}

// eventSentences has the words of each kind of case event.
var eventSentences = map[string]func(e tenant.Event) eventWords{
	tenant.EventCreated: func(e tenant.Event) eventWords {
		return eventWords{Staff: "opened the case", Portal: "opened the case", Label: "Case opened", Detail: e.NewValue}
	},
	tenant.EventStatus: func(e tenant.Event) eventWords {
		from, to := tenant.CaseStatusLabel(e.OldValue), tenant.CaseStatusLabel(e.NewValue)
		return eventWords{Staff: "changed the status from " + from + " to " + to, Portal: "changed the status to " + to, PortalStatus: to,
			Label: "Status changed", Detail: from + " → " + to}
	},
	tenant.EventAssigned: func(e tenant.Event) eventWords {
		w := eventWords{Label: "Assigned", Detail: caseOrNone(e.OldValue) + " → " + caseOrNone(e.NewValue)}
		switch {
		case e.NewValue == "":
			w.Staff, w.Portal, w.Label = "took "+e.OldValue+" off the case", "took "+e.OldValue+" off the case", "Unassigned"
		case e.OldValue == "":
			w.Staff, w.Portal = "assigned the case to "+e.NewValue, "put "+e.NewValue+" in charge of the case"
		default:
			w.Staff, w.Portal = "reassigned the case from "+e.OldValue+" to "+e.NewValue, "put "+e.NewValue+" in charge of the case"
		}
		return w
	},
	tenant.EventField: fieldSentence,
	tenant.EventNote: func(e tenant.Event) eventWords {
		text := e.NewValue
		if e.Note != nil {
			text = e.Note.Body
		}
		return eventWords{Staff: "added a note", Portal: "wrote", Text: text, Label: "Note added", Detail: shortText(text)}
	},
	tenant.EventNoteEdited: func(e tenant.Event) eventWords {
		if e.Field == tenant.FieldVisibility {
			if e.NewValue == "client" {
				return eventWords{Staff: "showed a note to the client", Portal: "shared a note with you", Label: "Note shown to the client"}
			}
			return eventWords{Staff: "made a note internal", Portal: "withdrew a note", Label: "Note made internal"}
		}
		return eventWords{Staff: "edited a note", Diff: true, Long: true, Portal: "edited a message", Text: e.NewValue, Label: "Note edited", Detail: shortText(e.NewValue)}
	},
	tenant.EventDocument: func(e tenant.Event) eventWords {
		w := eventWords{Staff: documentEventSummary(e), Text: e.NewValue, Detail: e.NewValue}
		switch e.Field {
		case tenant.DocumentShared:
			w.Portal, w.Label = "shared a document", "Document shared with the client"
		case tenant.DocumentUnshared:
			w.Portal, w.Label = "withdrew a document", "Document made internal"
		case tenant.DocumentDeleted:
			w.Portal, w.Label = "removed a document", "Document deleted"
		case tenant.DocumentRestored:
			w.Portal, w.Label = "restored a document", "Document restored"
		default:
			w.Portal, w.Label = "uploaded a document", "Document uploaded"
		}
		return w
	},
	tenant.EventInvoice: func(e tenant.Event) eventWords {
		return eventWords{Staff: "linked an invoice: " + e.NewValue, Portal: "sent an invoice", Text: e.NewValue, Label: "Invoice linked", Detail: e.NewValue}
	},
	tenant.EventInvoiceIssued: func(e tenant.Event) eventWords {
		label := "Invoice issued"
		if strings.HasPrefix(e.NewValue, "credit note") {
			label = "Credit note issued"
		}
		return eventWords{Staff: "issued " + e.NewValue, Portal: "issued " + e.NewValue, Label: label, Detail: e.NewValue}
	},
	tenant.EventInvoicePaid: func(e tenant.Event) eventWords {
		// new_value is the whole sentence: "recorded a payment of € 10.00 on INV-…"
		return eventWords{Staff: e.NewValue, Portal: e.NewValue, Label: "Payment recorded", Detail: strings.TrimPrefix(e.NewValue, "recorded a payment of ")}
	},
	tenant.EventInvoiceVoid: func(e tenant.Event) eventWords {
		return eventWords{Staff: "voided invoice " + e.NewValue, Portal: "voided invoice " + e.NewValue, Label: "Invoice voided", Detail: e.NewValue}
	},
	tenant.EventTask: func(e tenant.Event) eventWords {
		label := map[string]string{tenant.TaskAdded: "Task added", tenant.TaskEdited: "Task edited", tenant.TaskCompleted: "Task completed",
			tenant.TaskReopened: "Task reopened", tenant.TaskMoved: "Task moved", tenant.TaskDeleted: "Task deleted",
			tenant.TaskItemAdded: "Checklist item added", tenant.TaskItemDone: "Checklist item ticked", tenant.TaskItemUndone: "Checklist item unticked",
			tenant.TaskItemRemoved: "Checklist item removed", tenant.TaskTemplateApplied: "Task template applied"}[e.Field]
		if label == "" {
			label = "Task changed"
		}
		return eventWords{Staff: taskEventSummary(e), Portal: strings.TrimPrefix(portalTaskSentence(e), e.ActorName+" "), Label: label, Detail: e.NewValue}
	},
	tenant.EventTime: func(e tenant.Event) eventWords {
		label := map[string]string{tenant.TimeLogged: "Time recorded", tenant.TimeEdited: "Time changed", tenant.TimeDeleted: "Time deleted",
			tenant.TimeInvoiced: "Time invoiced", tenant.TimeReleased: "Time unbilled again"}[e.Field]
		if label == "" {
			label = "Time changed"
		}
		return eventWords{Staff: timeEventSummary(e), Portal: "recorded time on the case", Label: label, Detail: e.NewValue}
	},
	tenant.EventDocRequest: docRequestSentence,
	tenant.EventRequestOpened: func(e tenant.Event) eventWords {
		w := eventWords{Staff: "opened the request from the portal", Portal: "opened the request", Label: "Request opened", Detail: e.NewValue}
		if e.Field != "" {
			w.Staff += " (" + e.Field + ")"
		}
		return w
	},
	tenant.EventMessageHidden: func(e tenant.Event) eventWords {
		return eventWords{Staff: "hid the client's message from the client: " + e.NewValue, Portal: "hid a message", Label: "Message hidden", Detail: e.NewValue}
	},
}

// fieldSentence is the words of a change to one of the case's fields.
func fieldSentence(e tenant.Event) eventWords {
	w := eventWords{Detail: shortText(caseOrNone(e.OldValue)) + " → " + shortText(caseOrNone(e.NewValue))}
	switch e.Field {
	case tenant.FieldTitle:
		w.Staff, w.Diff, w.Portal, w.Label = "changed the title", true, "renamed the case “"+e.NewValue+"”", "Title changed"
	case tenant.FieldDescription:
		w.Staff, w.Diff, w.Long, w.Portal, w.Label = "edited the description", true, true, "updated the description", "Description edited"
	case tenant.FieldPriority:
		from, to := tenant.CasePriorityLabel(e.OldValue), tenant.CasePriorityLabel(e.NewValue)
		w.Staff, w.Portal, w.Label, w.Detail = "changed the priority from "+from+" to "+to, "changed the priority to "+to, "Priority changed", from+" → "+to
	case tenant.FieldDueDate:
		w.Label = "Due date changed"
		switch {
		case e.OldValue == "":
			w.Staff, w.Portal = "set the due date to "+e.NewValue, "set the due date to "+e.NewValue
		case e.NewValue == "":
			w.Staff, w.Portal = "removed the due date (was "+e.OldValue+")", "removed the due date"
		default:
			w.Staff, w.Portal = "moved the due date from "+e.OldValue+" to "+e.NewValue, "moved the due date to "+e.NewValue
		}
	case tenant.FieldLabels:
		w.Staff, w.Diff, w.Portal, w.Label = "changed the labels", true, "changed the labels", "Labels changed"
	case tenant.FieldClient:
		w.Staff, w.Portal, w.Label = "moved the case from "+e.OldValue+" to "+e.NewValue, "moved the case to "+e.NewValue, "Moved to another client"
	case tenant.FieldHourlyRate:
		w.Staff, w.Portal, w.Label = "changed the hourly rate from "+caseOrNone(e.OldValue)+" to "+caseOrNone(e.NewValue), "changed the hourly rate", "Hourly rate changed"
	default:
		w.Staff, w.Diff, w.Long, w.Portal, w.Label = "changed the case's details", true, true, "changed the case's details", "Details changed"
	}
	return w
}

// docRequestSentence is the words of a document asked for (docrequests*.go).
func docRequestSentence(e tenant.Event) eventWords {
	name := "“" + e.NewValue + "”"
	switch e.Field {
	case tenant.DocRequestSent:
		return eventWords{Staff: "sent " + name + ": " + e.OldValue, Portal: "sent " + name, Text: e.OldValue, Label: "Document sent", Detail: e.NewValue + ": " + e.OldValue}
	case tenant.DocRequestAccepted:
		return eventWords{Staff: "accepted " + name, Portal: "accepted " + name, Label: "Document accepted", Detail: e.NewValue}
	case tenant.DocRequestReturned:
		return eventWords{Staff: "sent " + name + " back: " + e.OldValue, Portal: "sent " + name + " back", Text: e.OldValue, Label: "Document sent back", Detail: e.NewValue + ": " + e.OldValue}
	case tenant.DocRequestEdited:
		return eventWords{Staff: "changed the document asked for: " + name + " (was “" + e.OldValue + "”)", Portal: "changed the document asked of you to " + name,
			Text: "was “" + e.OldValue + "”", Label: "Document asked for changed", Detail: e.NewValue + " (was " + e.OldValue + ")"}
	case tenant.DocRequestWithdrawn:
		return eventWords{Staff: "withdrew the request for " + name, Portal: "no longer needs " + name, Label: "Document no longer needed", Detail: e.NewValue}
	case tenant.DocRequestReminded:
		step := reminderStepWords[e.OldValue]
		return eventWords{Staff: "emailed the client a reminder for " + name + " (" + step + ")", Portal: "reminded you of " + name,
			Label: "Reminder sent", Detail: e.NewValue + " (" + step + ")"}
	}
	w := eventWords{Staff: "asked the client for " + name, Portal: "asked you for " + name, Label: "Document asked for", Detail: e.NewValue}
	if e.OldValue != "" {
		w.Staff += " by " + e.OldValue
		w.Portal += " by " + e.OldValue
		w.Detail += " by " + e.OldValue
	}
	return w
}

// docRequestKey names a document request event's sentence in the
// catalogues (event.staff.docrequest.KEY, event.portal.docrequest.KEY):
// its field, "asked_by" for one asked for by a due date. A sentence the
// catalogues lack stays English (docRequestSentence).
func docRequestKey(e tenant.Event) string {
	switch {
	case e.Field == "" || e.Field == tenant.DocRequestAsked:
		if e.OldValue != "" {
			return "asked_by"
		}
		return "asked"
	}
	return e.Field
}

// reminderStepWords says when a reminder went out, in English (the
// sentences' words before the catalogue); reminderStep is the same in lang.
var reminderStepWords = map[string]string{
	tenant.ReminderBefore: "before the due date",
	tenant.ReminderAfter:  "the day after the due date",
	tenant.ReminderLate:   "a week after the due date",
}

// reminderStep says when a reminder of step went out, in lang: the
// catalogue's docreq.step.<step>, or the step itself for one this binary
// does not know.
func reminderStep(lang, step string) string {
	if _, ok := reminderStepWords[step]; !ok {
		return step
	}
	return i18n.T(lang, "docreq.step."+step)
}

// wordsOf is the words of event e; a kind this binary does not know (a
// newer one wrote it) still reads as a sentence.
func wordsOf(e tenant.Event) eventWords {
	if say, ok := eventSentences[e.Kind]; ok {
		return say(e)
	}
	return eventWords{Staff: "changed the case", Portal: "updated the case", Label: "Case changed"}
}

// staffSentence is the staff timeline's words of event e in lang, after
// the actor's name: the catalogue's "event.staff.<English words>" for a
// sentence of fixed words, a status change and a document's events with
// their values filled in; a sentence the catalogues lack stays English.
func staffSentence(lang string, e tenant.Event, w eventWords) string {
	id, args := "event.staff."+w.Staff, []any{}
	switch {
	case e.Kind == tenant.EventStatus:
		id, args = "event.staff.changed the status", []any{"From", caseStatusText(lang, e.OldValue), "To", caseStatusText(lang, e.NewValue)}
	case e.Kind == tenant.EventDocument:
		id, args = "event.staff.document."+e.Field, []any{"Name", e.NewValue}
	case e.Kind == tenant.EventDocRequest:
		id, args = "event.staff.docrequest."+docRequestKey(e), []any{"Name", e.NewValue, "Value", e.OldValue}
		if e.Field == tenant.DocRequestReminded {
			args = append(args, "Step", reminderStep(lang, e.OldValue))
		}
	}
	if s := i18n.T(lang, id, args...); s != id {
		return s
	}
	return w.Staff
}

// portalSentence says what an event did, for the client, in lang: the
// sentence and the typed text under it. A sentence of fixed words is the
// catalogue's "event.portal.<English words>" with {{.Actor}}; one the
// catalogues lack is the English words after the actor's name.
func portalSentence(lang string, e tenant.Event) (string, string) {
	w := wordsOf(e)
	actor := e.ActorName
	if actor == "" {
		actor = i18n.T(lang, "event.someone")
	}
	id, args := "event.portal."+w.Portal, []any{"Actor", actor}
	if w.PortalStatus != "" {
		id, args = "event.portal.changed the status to", append(args, "Status", i18n.T(lang, w.PortalStatus))
	}
	if e.Kind == tenant.EventDocRequest {
		id, args = "event.portal.docrequest."+docRequestKey(e), append(args, "Name", e.NewValue, "Date", e.OldValue)
		if e.Field == tenant.DocRequestEdited {
			w.Text = i18n.T(lang, "docreq.was", "Value", e.OldValue)
		}
	}
	if s := i18n.T(lang, id, args...); s != id {
		return s, w.Text
	}
	return actor + " " + w.Portal, w.Text
}

// activityLine is the client page's Activity tab line of event e: its
// label (the page writes it through the catalogue) and its detail, that of
// a document asked for in lang.
func activityLine(lang string, e tenant.Event) (string, string) {
	w := wordsOf(e)
	if e.Kind == tenant.EventDocRequest {
		w.Detail = docRequestDetail(lang, e, w.Detail)
	}
	return w.Label, w.Detail
}

// docRequestDetail is the Activity tab's detail of a document asked for in
// lang; english is docRequestSentence's.
func docRequestDetail(lang string, e tenant.Event, english string) string {
	switch key := docRequestKey(e); key {
	case "asked_by":
		return i18n.T(lang, "activity.docrequest.asked_by", "Name", e.NewValue, "Date", e.OldValue)
	case tenant.DocRequestEdited:
		return i18n.T(lang, "activity.docrequest.edited", "Name", e.NewValue, "Value", e.OldValue)
	case tenant.DocRequestReminded:
		return e.NewValue + " (" + reminderStep(lang, e.OldValue) + ")"
	}
	return english
}

// shortText is a typed text cut to a line for the Activity tab.
func shortText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return string(r[:79]) + "…"
}
