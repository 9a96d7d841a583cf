package handlers

import (
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
	"mintedmind/i18n"
)

// caseTimelineSize is how many events the case page shows at a time;
// "Older events" pages further back. The newest hundred cover a case's
// recent story; reading and drawing each event is most of the page's cost.
const caseTimelineSize = 100

// timelineItem is one event of a case's history, ready to show: who, when,
// the sentence, and the texts as typed, for views/partials/cases/event.html.
// It is comparable: rendered events are cached by it (caseEventCacheSize),
// so an edited note or a renamed actor is a new key.
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
	ByEmail bool   // a reply by email, with what its DKIM and SPF were
	Auth    mailAuthView
	Lang    string // the viewer's: an event is cached per language
}

// caseEventCacheSize is about how many rendered events are kept: a case
// page shows up to caseTimelineSize of them, and drawing each through the
// template is most of the page's cost.
const caseEventCacheSize = 2048

// caseView is a case with its display strings.
type caseView struct {
	*tenant.Case
	Number        string
	StatusLabel   string
	PriorityLabel string
	Overdue       bool
	IsOpen        bool
	URL           string
}

func (h *Handlers) newCaseView(r *Request, base string, k *tenant.Case) caseView {
	open := k.Status != tenant.CaseResolved && k.Status != tenant.CaseClosed
	shown := *k // its times in the agency's zone, for when
	shown.CreatedAt, shown.UpdatedAt, shown.ClosedAt, shown.ArchivedAt = r.local(k.CreatedAt), r.local(k.UpdatedAt), r.local(k.ClosedAt), r.local(k.ArchivedAt)
	k = &shown
	return caseView{Case: k, Number: tenant.CaseNumber(k.Number), StatusLabel: caseStatusText(r.Lang(), k.Status), PriorityLabel: casePriorityText(r.Lang(), k.Priority),
		Overdue: open && k.DueDate != "" && k.DueDate < h.caseToday(r), IsOpen: open, URL: base + "/" + k.ID}
}

// caseTimelineView is a page of a case's history, for
// views/partials/cases/timeline.html.
type caseTimelineView struct {
	Events []template.HTML // rendered by partials/cases/event, through caseEvents
	Older  string          // the next page back; empty at the start of the history
	Newest string          // the first page, when on an older one
}

// caseShowView is the case page; a plain htmx request for a page of the
// history gets its timeline partial alone, from the same view model.
type caseShowView struct {
	Page
	FormErrors
	Base          string
	Case          caseView
	Timeline      caseTimelineView
	StatusOptions []option
	PeopleOptions []option
	NoteForm      noteForm
	Thread        threadView      // messages.go
	Request       *requestDetails // requests.go; nil for a case the agency opened
	caseDocumentsView
	DocRequests   docRequestsView // docrequests.go
	caseTasksView                 // tasks.go
	caseTimeView                  // time.go
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
func timelineItems(lang, base string, k *tenant.Case, me *tenant.User, events []tenant.Event) []timelineItem {
	items := make([]timelineItem, 0, len(events))
	mayEditAny := tenant.RoleRank(me.Role) >= tenant.RoleRank(tenant.RoleAdmin)
	for _, e := range events {
		it := timelineItem{ID: e.ID, Kind: e.Kind, Actor: e.ActorName, At: e.At, ForCli: e.VisibleToClient, Lang: lang}
		if it.Actor == "" {
			it.Actor = i18n.T(lang, "event.someone")
		}
		w := wordsOf(e) // event_sentences.go
		it.Summary = staffSentence(lang, e, w)
		if w.Diff {
			it.Old, it.New, it.HasDiff, it.Long = caseOrNone(e.OldValue), caseOrNone(e.NewValue), true, w.Long
		}
		if e.Kind == tenant.EventNote {
			it.NoteID = e.NoteID
			body := e.NewValue
			if e.Note != nil {
				body, it.ForCli = e.Note.Body, e.Note.VisibleToClient
				it.ByEmail, it.Auth = e.Note.ViaEmail, newMailAuthView(lang, e.Note.MailAuth)
				it.Edited = e.Note.Edited() || (e.NewValue != "" && e.NewValue != e.Note.Body)
				if e.Note.AuthorID == me.ID || (mayEditAny && !e.Note.VisibleToClient) { // a message is its author's to correct (messages.go)
					it.EditURL = base + "/" + k.ID + "/notes/" + e.NoteID + "/edit"
				}
			}
			it.Body, it.HasBody = body, true
		}
		items = append(items, it)
	}
	return items
}

// caseShowView loads what the case page shows: the case, one page of its
// timeline (events older than before; 0 for the newest) and the controls.
func (h *Handlers) caseShowView(c *fiber.Ctx, r *Request, id string, before int64) (*caseShowView, error) {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return nil, err
	}
	k, err := r.Tenant.Case(ctx, v, id)
	if err != nil {
		return nil, err
	}
	events, err := r.Tenant.CaseEvents(ctx, v, k.ID, before, caseTimelineSize+1)
	if err != nil {
		return nil, err
	}
	base := caseBase(r)
	view := &caseShowView{Base: base, Case: h.newCaseView(r, base, k)}
	view.Title = view.Case.Number + " " + k.Title
	if len(events) > caseTimelineSize {
		events = events[:caseTimelineSize]
		view.Timeline.Older = view.Case.URL + "?before=" + strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	if before > 0 {
		view.Timeline.Newest = view.Case.URL
	}
	items := timelineItems(r.Lang(), base, k, r.User, events)
	for i := range items {
		items[i].At = r.local(items[i].At)
	}
	view.Timeline.Events = make([]template.HTML, len(items))
	for i := range items {
		if view.Timeline.Events[i], err = h.caseEvents.Render(items[i]); err != nil {
			return nil, err
		}
	}
	if wantsFragment(c) {
		return view, nil
	}
	people, err := r.Tenant.CaseStaff(ctx)
	if err != nil {
		return nil, err
	}
	view.PeopleOptions = caseAssigneeOptions(people, k.AssigneeID)
	if view.Thread, err = h.caseThread(c, r, v, k.ID); err != nil {
		return nil, err
	}
	if view.Request, err = h.requestDetails(c, r, v, k.ID); err != nil {
		return nil, err
	}
	view.StatusOptions = caseStatusOptions(r.Lang(), k.Status)
	if view.caseDocumentsView, err = h.caseDocuments(c, r, v, k.ID); err != nil {
		return nil, err
	}
	if view.DocRequests, err = h.caseDocRequests(c, r, v, k.ID); err != nil {
		return nil, err
	}
	if view.caseTasksView, err = h.caseTasks(c, r, v, k, taskForm{}); err != nil {
		return nil, err
	}
	if view.caseTimeView, err = h.caseTime(c, r, v, k, view.caseTasksView.taskList()); err != nil {
		return nil, err
	}
	return view, nil
}

// CaseShow is the case page: details, quick status and assignee controls,
// the note form and the timeline. With ?before= it pages back through the
// history; a plain htmx request gets that page of the timeline alone.
func (h *Handlers) CaseShow(c *fiber.Ctx, r *Request) error {
	var before int64
	if s := c.Query("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return apperr.New(apperr.Invalid, "That page of the history does not exist.")
		}
		before = n
	}
	view, err := h.caseShowView(c, r, c.Params("id"), before)
	if err != nil {
		return err
	}
	if err := r.Tenant.SeeClientActivity(c.UserContext(), r.User.ID, c.Params("id")); err != nil {
		return err
	}
	return h.formPage(c, "pages/cases/show", "partials/cases/timeline", view, nil)
}
