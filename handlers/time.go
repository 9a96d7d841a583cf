package handlers

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// timeForm is a time entry as typed.
type timeForm struct {
	TaskID   string
	Date     string
	Duration string
	Note     string
	Billable bool
}

func readTimeForm(c *fiber.Ctx) timeForm {
	return timeForm{TaskID: formValue(c, "task_id"), Date: formValue(c, "date"), Duration: formValue(c, "duration"), Note: c.FormValue("note"),
		Billable: c.FormValue("billable") == "1"}
}

func (f timeForm) input(caseID string) tenant.TimeInput {
	return tenant.TimeInput{CaseID: caseID, TaskID: f.TaskID, Date: f.Date, Minutes: parseDuration(f.Duration), Note: f.Note, Billable: f.Billable}
}

// parseDuration reads how long as people type it: "1:30", "1.5h", "1h 30m",
// "90m" or "90" (minutes). Anything else is 0, which the input refuses.
func parseDuration(s string) int {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if h, m, ok := strings.Cut(s, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm >= 60 {
			return 0
		}
		return hh*60 + mm
	}
	total := 0.0
	if h, rest, ok := strings.Cut(s, "h"); ok {
		v, err := strconv.ParseFloat(strings.ReplaceAll(h, ",", "."), 64)
		if err != nil || v < 0 || v > 48 {
			return 0
		}
		total, s = v*60, rest
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "min"), "m")
	if s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0
		}
		total += float64(v)
	}
	return int(math.Round(total))
}

// mayAllTime reports whether u may see and change everyone's time.
func mayAllTime(u *tenant.User) bool {
	return tenant.RoleRank(u.Role) >= tenant.RoleRank(tenant.RoleAdmin)
}

// timeEntryView is an entry with its display strings.
type timeEntryView struct {
	tenant.TimeEntry
	Duration string
	EditURL  string // "" once invoiced, or not the viewer's to change
	CaseURL  string
}

func newTimeEntryViews(r *Request, list []tenant.TimeEntry) []timeEntryView {
	out := make([]timeEntryView, len(list))
	for i, e := range list {
		out[i] = timeEntryView{TimeEntry: e, Duration: tenant.FormatMinutes(e.Minutes), CaseURL: caseBase(r) + "/" + e.CaseID}
		if !e.Invoiced() && (e.UserID == r.User.ID || mayAllTime(r.User)) {
			out[i].EditURL = timeBase(r) + "/" + e.ID
		}
	}
	return out
}

func timeBase(r *Request) string { return "/a/" + r.Agency.Slug + "/time" }

// timerView is the person's running timer, for the timer controls.
type timerView struct {
	Running  bool
	Case     string
	CaseURL  string
	Task     string
	Started  time.Time
	StartURL string
	StopURL  string
}

func (h *Handlers) timerOf(c *fiber.Ctx, r *Request) (timerView, error) {
	tm, err := r.Tenant.RunningTimer(c.UserContext(), r.User.ID)
	if err != nil {
		return timerView{}, err
	}
	v := timerView{StartURL: "/a/" + r.Agency.Slug + "/timer", StopURL: "/a/" + r.Agency.Slug + "/timer/stop"}
	if tm != nil {
		v.Running, v.Case, v.CaseURL, v.Task, v.Started = true, tenant.CaseNumber(tm.CaseNumber)+" "+tm.CaseTitle, caseBase(r)+"/"+tm.CaseID, tm.TaskTitle, tm.StartedAt
	}
	return v, nil
}

// caseTimeView is the case page's time section, for
// views/partials/time/case.html: the totals, the timer, the entry form,
// the latest entries and "Invoice unbilled time".
type caseTimeView struct {
	TimeTotal       string
	TimeUnbilled    string
	TimeHasUnbilled bool
	TimeURL         string
	InvoiceTimeURL  string
	Timer           timerView
	TimerHere       bool // the running timer is on this case
	TimeForm        timeForm
	TimeError       string            // the hand entry's message about no one field
	TimeErrors      map[string]string // the hand entry's messages by field name
	TimeTasks       []option
	TimeEntries     []timeEntryView
}

func (h *Handlers) caseTime(c *fiber.Ctx, r *Request, v tenant.Viewer, k *tenant.Case, tasks []*tenant.Task) (caseTimeView, error) {
	ctx := c.UserContext()
	sums, err := r.Tenant.CaseTimeTotals(ctx, v, k.ID)
	if err != nil {
		return caseTimeView{}, err
	}
	list, err := r.Tenant.TimeEntries(ctx, v, tenant.TimeFilter{CaseID: k.ID, Limit: 2000})
	if err != nil {
		return caseTimeView{}, err
	}
	if len(list) > 20 {
		list = list[len(list)-20:]
	}
	timer, err := h.timerOf(c, r)
	if err != nil {
		return caseTimeView{}, err
	}
	caseURL := caseBase(r) + "/" + k.ID
	view := caseTimeView{TimeTotal: tenant.FormatMinutes(sums.Minutes), TimeUnbilled: tenant.FormatMinutes(sums.Unbilled), TimeHasUnbilled: sums.Unbilled > 0,
		TimeURL: caseURL + "/time", InvoiceTimeURL: caseURL + "/invoice-time", Timer: timer, TimerHere: timer.Running && timer.CaseURL == caseURL,
		TimeForm: timeForm{Date: h.caseToday(r), Billable: true}, TimeEntries: newTimeEntryViews(r, list)}
	for _, t := range tasks {
		view.TimeTasks = append(view.TimeTasks, option{Value: t.ID, Label: t.Title})
	}
	return view, nil
}

// TimeCreate records time by hand on a case.
func (h *Handlers) TimeCreate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readTimeForm(c)
	if _, err := r.Tenant.LogTime(c.UserContext(), v, caseActor(r), form.input(c.Params("id"))); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		// The case page again, the form as sent, each message beside its field.
		view, viewErr := h.caseShowView(c, r, c.Params("id"), 0)
		if viewErr != nil {
			return viewErr
		}
		view.TimeForm, view.TimeErrors = form, apperr.FieldsOf(err)
		if len(view.TimeErrors) == 0 {
			view.TimeError = apperr.MessageOf(err)
		}
		for i := range view.TimeTasks {
			view.TimeTasks[i].Selected = view.TimeTasks[i].Value == form.TaskID
		}
		c.Status(statusOf[apperr.Invalid])
		return h.pageOrFragment(c, "pages/cases/show", "pages/cases/show", view)
	}
	h.publishTime(c, r, c.Params("id"))
	h.flash(c, tenant.FormatMinutes(parseDuration(form.Duration))+" recorded.")
	return h.redirect(c, caseBase(r)+"/"+c.Params("id")+"#time")
}

// TimerStart starts the person's timer on a case (stopping and saving one
// running elsewhere, in another tab too: the timer lives in the database).
func (h *Handlers) TimerStart(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	caseID := formValue(c, "case_id")
	saved, err := r.Tenant.StartTimer(c.UserContext(), v, caseActor(r), caseID, formValue(c, "task_id"), c.FormValue("note"), c.FormValue("billable") != "0")
	if err != nil {
		return err
	}
	msg := "Timer started."
	h.publishSavedTime(c, r, v, saved)
	if saved != "" {
		msg = "The running timer's time was saved; timer started here."
	}
	h.flash(c, msg)
	return h.redirect(c, caseBase(r)+"/"+caseID+"#time")
}

// TimerStop stops the person's timer and saves its time. Stopping again
// (from a second tab) saves nothing more.
func (h *Handlers) TimerStop(c *fiber.Ctx, r *Request) error {
	tm, err := r.Tenant.RunningTimer(c.UserContext(), r.User.ID)
	if err != nil {
		return err
	}
	saved, err := r.Tenant.StopTimer(c.UserContext(), caseActor(r))
	if err != nil {
		return err
	}
	if saved != "" {
		h.publishTime(c, r, tm.CaseID)
	}
	if tm == nil {
		h.flash(c, "No timer was running: it was stopped already.")
		return h.redirect(c, timeBase(r))
	}
	if saved == "" {
		h.flash(c, "Timer stopped; under a minute, so nothing was recorded.")
	} else {
		h.flash(c, "Timer stopped and the time recorded.")
	}
	return h.redirect(c, caseBase(r)+"/"+tm.CaseID+"#time")
}

// timesheetView is a person's week of time, Monday to Sunday.
type timesheetView struct {
	Page
	Person      string
	PersonID    string
	People      []option // owners and admins choose whose week
	Week        string
	PrevWeek    string
	NextWeek    string
	Days        []timesheetDay
	Total       string
	Timer       timerView
	ReportURL   string
	CalendarURL string
}

type timesheetDay struct {
	Date    string
	Name    string
	Total   string
	Entries []timeEntryView
}

// weekStart is the Monday of the week of day (YYYY-MM-DD), or of today
// (the agency's date, YYYY-MM-DD).
func weekStart(day, today string) time.Time {
	d, err := time.Parse(tenant.DueDateLayout, day)
	if err != nil {
		d, _ = time.Parse(tenant.DueDateLayout, today)
	}
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Timesheet is a person's week: their own, or (owners and admins) anyone's.
func (h *Handlers) Timesheet(c *fiber.Ctx, r *Request) error {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	person, name := r.User.ID, r.User.Name
	view := &timesheetView{Page: Page{Title: "Timesheet"}, ReportURL: timeBase(r) + "/report", CalendarURL: "/a/" + r.Agency.Slug + "/calendar"}
	if mayAllTime(r.User) {
		team, err := r.Tenant.TeamRates(ctx)
		if err != nil {
			return err
		}
		if p := c.Query("person"); p != "" {
			found := false
			for _, m := range team {
				if m.ID == p {
					person, name, found = m.ID, m.Name, true
				}
			}
			if !found {
				return apperr.New(apperr.NotFound, "Person not found.")
			}
		}
		for _, m := range team {
			view.People = append(view.People, option{Value: m.ID, Label: m.Name, Selected: m.ID == person})
		}
	} else if p := c.Query("person"); p != "" && p != person {
		return apperr.New(apperr.NotFound, "Person not found.")
	}
	start := weekStart(c.Query("week"), h.caseToday(r))
	end := start.AddDate(0, 0, 6)
	list, err := r.Tenant.TimeEntries(ctx, v, tenant.TimeFilter{UserID: person, From: start.Format(tenant.DueDateLayout), To: end.Format(tenant.DueDateLayout), Limit: 2000})
	if err != nil {
		return err
	}
	entries := newTimeEntryViews(r, list)
	total := 0
	for d := 0; d < 7; d++ {
		day := start.AddDate(0, 0, d)
		td := timesheetDay{Date: day.Format(tenant.DueDateLayout), Name: day.Format("Monday 2 Jan")}
		mins := 0
		for _, e := range entries {
			if e.Date == td.Date {
				td.Entries = append(td.Entries, e)
				mins += e.Minutes
			}
		}
		td.Total, total = tenant.FormatMinutes(mins), total+mins
		view.Days = append(view.Days, td)
	}
	view.Person, view.PersonID, view.Week, view.Total = name, person, start.Format(tenant.DueDateLayout), tenant.FormatMinutes(total)
	view.PrevWeek, view.NextWeek = start.AddDate(0, 0, -7).Format(tenant.DueDateLayout), start.AddDate(0, 0, 7).Format(tenant.DueDateLayout)
	if view.Timer, err = h.timerOf(c, r); err != nil {
		return err
	}
	return h.page(c, "pages/time/timesheet", view)
}

// timeEditView is an entry's edit form.
type timeEditView struct {
	Page
	FormErrors
	Entry    timeEntryView
	Action   string
	Back     string
	TimeForm timeForm
	Tasks    []option
}

func (h *Handlers) timeEditPage(c *fiber.Ctx, r *Request, form *timeForm, formErr error) error {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return err
	}
	e, err := r.Tenant.TimeEntry(ctx, v, c.Params("entry"), mayAllTime(r.User))
	if err != nil {
		return err
	}
	if e.Invoiced() {
		return apperr.New(apperr.Conflict, "This time is on an invoice and can't be changed: void the invoice (or delete the draft) to free it.")
	}
	tasks, err := r.Tenant.CaseTasks(ctx, v, e.CaseID, false)
	if err != nil {
		return err
	}
	f := timeForm{TaskID: e.TaskID, Date: e.Date, Duration: strconv.Itoa(e.Minutes/60) + ":" + twoDigits(e.Minutes%60), Note: e.Note, Billable: e.Billable}
	if form != nil {
		f = *form
	}
	view := &timeEditView{Page: Page{Title: "Edit time"}, Entry: newTimeEntryViews(r, []tenant.TimeEntry{*e})[0], Action: timeBase(r) + "/" + e.ID,
		Back: timeBase(r) + "?week=" + e.Date, TimeForm: f}
	if e.UserID != r.User.ID {
		view.Back += "&person=" + e.UserID
	}
	for _, t := range tasks {
		view.Tasks = append(view.Tasks, option{Value: t.ID, Label: t.Title, Selected: t.ID == f.TaskID})
	}
	return h.formPage(c, "pages/time/edit", "pages/time/edit", view, formErr)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// TimeEdit shows an entry's form, until the entry is invoiced.
func (h *Handlers) TimeEdit(c *fiber.Ctx, r *Request) error { return h.timeEditPage(c, r, nil, nil) }

// TimeUpdate saves an entry not yet on an invoice.
func (h *Handlers) TimeUpdate(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	form := readTimeForm(c)
	before, _ := r.Tenant.TimeEntry(c.UserContext(), v, c.Params("entry"), mayAllTime(r.User))
	if err := r.Tenant.UpdateTime(c.UserContext(), v, caseActor(r), c.Params("entry"), mayAllTime(r.User), form.input("")); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		return h.timeEditPage(c, r, &form, err)
	}
	if before != nil {
		h.publishTime(c, r, before.CaseID)
	}
	h.flash(c, "Time saved.")
	return h.redirect(c, timeBase(r)+"?week="+form.Date)
}

// TimeDelete deletes an entry not yet on an invoice.
func (h *Handlers) TimeDelete(c *fiber.Ctx, r *Request) error {
	v, err := r.Viewer(c.UserContext())
	if err != nil {
		return err
	}
	before, _ := r.Tenant.TimeEntry(c.UserContext(), v, c.Params("entry"), mayAllTime(r.User))
	if err := r.Tenant.DeleteTime(c.UserContext(), v, caseActor(r), c.Params("entry"), mayAllTime(r.User)); err != nil {
		return err
	}
	if before != nil {
		h.publishTime(c, r, before.CaseID)
	}
	h.flash(c, "Time deleted.")
	return h.redirect(c, timeBase(r))
}

// timeEventSummary is the case timeline's sentence for a time event.
func timeEventSummary(e tenant.Event) string {
	switch e.Field {
	case tenant.TimeLogged:
		return "recorded " + e.NewValue
	case tenant.TimeEdited:
		return "changed time from " + e.OldValue + " to " + e.NewValue
	case tenant.TimeDeleted:
		return "deleted time: " + e.NewValue
	case tenant.TimeInvoiced:
		return "invoiced " + e.NewValue
	case tenant.TimeReleased:
		return "freed the time of " + e.OldValue + ": " + e.NewValue
	}
	return "changed time: " + e.NewValue
}
