package handlers

import (
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db"
)

// caseTimelineSize is how many events the case page shows at a time;
// "Older events" pages further back. The newest hundred cover a case's
// recent story; reading and drawing each event is most of the page's cost.
const caseTimelineSize = 100

// timelineItem is one event of a case's history, ready to show: who, when,
// the sentence, and the texts (as typed; timelineHTML escapes them and
// makes their links clickable).
type timelineItem struct {
	ID      int64
	Kind    string
	Actor   string
	At      time.Time
	Summary string
	Old     string
	New     string
	HasDiff bool
	Long    bool   // the before/after are long texts, folded away
	Body    string // a note's current text
	HasBody bool
	Edited  bool
	ForCli  bool // the client sees this (in the portal)
	EditURL string
	NoteID  string // for a note: the anchor search results link to (#note-<id>)
}

// caseView is a case with its display strings.
type caseView struct {
	*db.Case
	Number          string
	StatusLabel     string
	PriorityLabel   string
	DescriptionHTML template.HTML
	Overdue         bool
	IsOpen          bool
	URL             string
}

func (h *Handlers) newCaseView(base string, k *db.Case) caseView {
	open := k.Status != db.CaseResolved && k.Status != db.CaseClosed
	return caseView{Case: k, Number: db.CaseNumber(k.Number), StatusLabel: db.CaseStatusLabel(k.Status), PriorityLabel: db.CasePriorityLabel(k.Priority),
		DescriptionHTML: linkify(k.Description), Overdue: open && k.DueDate != "" && k.DueDate < h.caseToday(), IsOpen: open, URL: base + "/" + k.ID}
}

// caseOrNone shows an empty value as a dash-like word.
func caseOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// timelineItems turns events into what the timeline shows, for the
// signed-in person me (who may edit their own notes, or any as an admin).
func timelineItems(base string, k *db.Case, me *db.User, events []db.Event) []timelineItem {
	items := make([]timelineItem, 0, len(events))
	mayEditAny := db.RoleRank(me.Role) >= db.RoleRank(db.RoleAdmin)
	for _, e := range events {
		it := timelineItem{ID: e.ID, Kind: e.Kind, Actor: e.ActorName, At: e.At, ForCli: e.VisibleToClient}
		if it.Actor == "" {
			it.Actor = "Someone"
		}
		diff := func(old, new string, long bool) {
			it.Old, it.New, it.HasDiff, it.Long = caseOrNone(old), caseOrNone(new), true, long
		}
		switch e.Kind {
		case db.EventCreated:
			it.Summary = "opened the case"
		case db.EventStatus:
			it.Summary = "changed the status from " + db.CaseStatusLabel(e.OldValue) + " to " + db.CaseStatusLabel(e.NewValue)
		case db.EventAssigned:
			switch {
			case e.NewValue == "":
				it.Summary = "took " + e.OldValue + " off the case"
			case e.OldValue == "":
				it.Summary = "assigned the case to " + e.NewValue
			default:
				it.Summary = "reassigned the case from " + e.OldValue + " to " + e.NewValue
			}
		case db.EventField:
			switch e.Field {
			case db.FieldTitle:
				it.Summary = "changed the title"
				diff(e.OldValue, e.NewValue, false)
			case db.FieldDescription:
				it.Summary = "edited the description"
				diff(e.OldValue, e.NewValue, true)
			case db.FieldPriority:
				it.Summary = "changed the priority from " + db.CasePriorityLabel(e.OldValue) + " to " + db.CasePriorityLabel(e.NewValue)
			case db.FieldDueDate:
				switch {
				case e.OldValue == "":
					it.Summary = "set the due date to " + e.NewValue
				case e.NewValue == "":
					it.Summary = "removed the due date (was " + e.OldValue + ")"
				default:
					it.Summary = "moved the due date from " + e.OldValue + " to " + e.NewValue
				}
			case db.FieldLabels:
				it.Summary = "changed the labels"
				diff(e.OldValue, e.NewValue, false)
			case db.FieldClient:
				it.Summary = "moved the case from " + e.OldValue + " to " + e.NewValue
			default:
				it.Summary = "changed " + e.Field
				diff(e.OldValue, e.NewValue, true)
			}
		case db.EventNote:
			it.Summary = "added a note"
			it.NoteID = e.NoteID
			body := e.NewValue
			if e.Note != nil {
				body, it.ForCli = e.Note.Body, e.Note.VisibleToClient
				it.Edited = e.Note.Edited() || (e.NewValue != "" && e.NewValue != e.Note.Body)
				if e.Note.AuthorID == me.ID || mayEditAny {
					it.EditURL = base + "/" + k.ID + "/notes/" + e.NoteID + "/edit"
				}
			}
			it.Body, it.HasBody = body, true
		case db.EventNoteEdited:
			if e.Field == db.FieldVisibility {
				it.Summary = "made a note internal"
				if e.NewValue == "client" {
					it.Summary = "showed a note to the client"
				}
			} else {
				it.Summary = "edited a note"
				diff(e.OldValue, e.NewValue, true)
			}
		case db.EventDocument:
			it.Summary = documentEventSummary(e)
		case db.EventInvoice:
			it.Summary = "linked an invoice: " + e.NewValue
		case db.EventInvoiceIssued:
			it.Summary = "issued " + e.NewValue
		case db.EventInvoicePaid:
			it.Summary = e.NewValue
		case db.EventInvoiceVoid:
			it.Summary = "voided invoice " + e.NewValue
		default:
			it.Summary = e.Kind + " " + e.NewValue
		}
		items = append(items, it)
	}
	return items
}

// caseShowData loads what the case page shows: the case, one page of its
// timeline (events older than before; 0 for the newest) and the controls.
func (h *Handlers) caseShowData(c *fiber.Ctx, id string, before int64) (fiber.Map, error) {
	t := tenantOf(c)
	v, err := h.viewer(c)
	if err != nil {
		return nil, err
	}
	k, err := t.Case(c.UserContext(), v, id)
	if err != nil {
		return nil, err
	}
	events, err := t.CaseEvents(c.UserContext(), v, k.ID, before, caseTimelineSize+1)
	if err != nil {
		return nil, err
	}
	base := caseBase(c)
	view := h.newCaseView(base, k)
	data := fiber.Map{"Title": view.Number + " " + k.Title, "Case": view, "Base": base}
	older := ""
	if len(events) > caseTimelineSize {
		events = events[:caseTimelineSize]
		older = view.URL + "?before=" + strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	if before > 0 {
		data["Newest"] = view.URL
	}
	data["TimelineHTML"] = timelineHTML(timelineItems(base, k, userOf(c), events), older)
	if wantsFragment(c) {
		return data, nil
	}
	people, err := t.CaseStaff(c.UserContext())
	if err != nil {
		return nil, err
	}
	// The quick controls' menus are rendered in Go: see caseOptionsHTML.
	data["PeopleOptions"] = caseOptionsHTML(caseAssigneeOptions(people, k.AssigneeID), "")
	data["StatusOptions"] = caseOptionsHTML(caseStatusOptions(k.Status), "")
	data["NoteForm"] = noteForm{}
	if err := h.addCaseDocuments(c, k.ID, data); err != nil {
		return nil, err
	}
	return data, nil
}

// CaseShow is the case page: details, quick status and assignee controls,
// the note form and the timeline. With ?before= it pages back through the
// history; a plain htmx request gets that page of the timeline alone.
func (h *Handlers) CaseShow(c *fiber.Ctx) error {
	var before int64
	if s := c.Query("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return apperr.New(apperr.Invalid, "That page of the history does not exist.")
		}
		before = n
	}
	data, err := h.caseShowData(c, c.Params("id"), before)
	if err != nil {
		return err
	}
	if err := tenantOf(c).SeeClientActivity(c.UserContext(), userOf(c).ID, c.Params("id")); err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/show", "partials/cases/timeline", data, nil)
}
