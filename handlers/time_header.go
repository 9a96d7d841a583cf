package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/tenant"
)

// timerCasesMax is how many cases the header timer offers to start on.
const timerCasesMax = 20

// headerTimerView is the staff shell's timer, for
// views/partials/time/header.html: the running case with the time so far
// and a stop button, or a form that starts the timer on one of the
// person's cases. The shell's header is cached per person and page kind,
// so it holds only an empty place for this widget, which htmx fills from
// GET /a/:slug/timer as the page loads and whenever the tab is shown again
// (a timer started or stopped in another tab), with ?case= the case page
// on screen (its #timer-here; the header's disabled #timer-none keeps the
// include from matching nothing elsewhere); without script, the place
// links to the same address as a page.
type headerTimerView struct {
	Page
	Timer   timerView
	Elapsed string   // h:mm since the timer started
	Cases   []option // where it can start; the case shown (?case=) first and chosen
}

// TimerWidget is the header's timer: the fragment for htmx, or a small page.
func (h *Handlers) TimerWidget(c *fiber.Ctx, r *Request) error {
	view := &headerTimerView{Page: Page{Title: "nav.timer"}}
	var err error
	if view.Timer, err = h.timerOf(c, r); err != nil {
		return err
	}
	if view.Timer.Running {
		view.Elapsed = elapsedText(h.Clock.Now().Sub(view.Timer.Started))
	} else if view.Cases, err = h.timerCases(c, r, c.Query("case")); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store") // another tab may start or stop it at any moment
	return h.pageOrFragment(c, "pages/time/timer", "partials/time/header", view)
}

// timerCases are the cases the header timer offers: the person's, with
// the case on screen (here, when v may see it) first and chosen.
func (h *Handlers) timerCases(c *fiber.Ctx, r *Request, here string) ([]option, error) {
	ctx := c.UserContext()
	v, err := r.Viewer(ctx)
	if err != nil {
		return nil, err
	}
	list, err := r.Tenant.TimerCases(ctx, v, r.User.ID, timerCasesMax)
	if err != nil {
		return nil, err
	}
	var out []option
	if here != "" {
		if k, err := r.Tenant.Case(ctx, v, here); err == nil {
			out = append(out, option{Value: k.ID, Label: tenant.CaseNumber(k.Number) + " " + k.Title, Selected: true})
		}
	}
	for _, k := range list {
		if len(out) > 0 && out[0].Value == k.ID {
			continue
		}
		out = append(out, option{Value: k.ID, Label: tenant.CaseNumber(k.Number) + " " + k.Title})
	}
	return out, nil
}

// elapsedText is a running time as h:mm.
func elapsedText(d time.Duration) string {
	m := max(int(d/time.Minute), 0)
	return strconv.Itoa(m/60) + ":" + twoDigits(m%60)
}
