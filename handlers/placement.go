package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/proxy"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/metrics"
)

// forwardedHeader marks a request one machine forwarded to another, so a
// placement that changed under it is answered, never forwarded in a loop.
const forwardedHeader = "X-Mintedmind-Forwarded-By"

// Placement modes: how a request for an agency on another machine gets there.
const (
	PlacementReplay  = "replay"  // answer with Fly's fly-replay header; Fly's proxy replays it there
	PlacementForward = "forward" // proxy the request to the machine's URL
)

// placeAgency sends a request for an agency that lives on another machine
// there, and reports whether it did (the response is then written). With
// no machine id configured every agency is local. Which machine holds an
// agency is app.Holder's rule: its placement, never a copy of its files.
func (p *Platform) placeAgency(c *fiber.Ctx, a *control.Agency) (bool, error) {
	h := p.Handlers
	if h.Config.Machine == "" {
		return false, nil
	}
	ctx := c.UserContext()
	pl, err := p.holder().Placement(ctx, a.ID)
	if err != nil {
		return true, err
	}
	if pl == nil {
		// Not placed and not here: on Fly, let another machine try.
		if h.Config.PlacementMode == PlacementReplay && c.Get("Fly-Replay-Src") == "" {
			metrics.PlacementRedirect("replay")
			c.Set("Fly-Replay", "elsewhere=true")
			return true, c.SendStatus(fiber.StatusMisdirectedRequest)
		}
		return true, apperr.New(apperr.NotFound, "Agency not found.")
	}
	if pl.Moving {
		c.Set(fiber.HeaderRetryAfter, "30")
		return true, apperr.New(apperr.Unavailable, "%s is being moved to another server. Please try again in a minute.", a.Name)
	}
	if pl.Machine == h.Config.Machine {
		return false, nil
	}
	if by := c.Get(forwardedHeader); by != "" {
		// Another machine thought the agency lived here: the placement
		// changed while the request travelled. Refuse rather than loop.
		h.logger(c).Warn("placement: forwarded request for an agency placed elsewhere", "agency", a.ID, "placed_on", pl.Machine, "forwarded_by", by)
		return true, apperr.New(apperr.Unavailable, "Please try again in a moment.")
	}
	if h.Config.PlacementMode == PlacementReplay {
		metrics.PlacementRedirect("replay")
		c.Set("Fly-Replay", "instance="+pl.Machine)
		return true, c.SendStatus(fiber.StatusMisdirectedRequest)
	}
	m, err := h.Control.MachineByID(ctx, pl.Machine)
	if err != nil {
		return true, err
	}
	if m == nil || m.URL == "" {
		h.logger(c).Error("placement: agency placed on a machine with no address", "agency", a.ID, "machine", pl.Machine)
		return true, apperr.New(apperr.Unavailable, "This agency's server cannot be reached. Please try again later.")
	}
	metrics.PlacementRedirect("forward")
	c.Request().Header.Set(forwardedHeader, h.Config.Machine)
	c.Request().Header.Set(fiber.HeaderXRequestID, requestIDOf(c))
	c.Request().Header.Set(fiber.HeaderXForwardedFor, c.IP())
	if err := proxy.Do(c, strings.TrimRight(m.URL, "/")+c.OriginalURL()); err != nil {
		h.logger(c).Error("placement: forward failed", "agency", a.ID, "machine", pl.Machine, "err", err)
		return true, apperr.New(apperr.Unavailable, "This agency's server cannot be reached. Please try again later.")
	}
	// The other machine's answer goes back as it is (its own security
	// headers and cookies included).
	return true, nil
}

// holder is the rule of which agencies this machine serves.
func (p *Platform) holder() app.Holder {
	return app.Holder{Control: p.Control, Pool: p.pool, Machine: p.Config.Machine}
}

// claimNewAgency places an agency just created here on this machine, so
// its next request finds it even when it reaches another machine first.
func (h *Handlers) claimNewAgency(c *fiber.Ctx, agencyID string) {
	if h.Config.Machine == "" {
		return
	}
	if _, err := h.Control.ClaimPlacement(c.UserContext(), agencyID, h.Config.Machine); err != nil {
		h.logger(c).Error("placement: claim new agency", "agency", agencyID, "err", err)
	}
}

// placeByEmail sends a root sign-in or forgot-password form (rows marked
// PlacedByEmail) to the other machine that holds every agency of its
// email. Agencies of one email spread over several machines are answered
// here as before (README "Scaling", limits). Payment callbacks need no
// such step: their agency is in the path, and loadAgency places them as
// it places every agency route.
func (p *Platform) placeByEmail(c *fiber.Ctx) error {
	if p.Config.Machine == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	agencies, err := p.Control.AgenciesForEmail(ctx, formValue(c, "email"))
	if err != nil || len(agencies) == 0 {
		return c.Next()
	}
	var target *control.Agency
	machine := ""
	for _, a := range agencies {
		pl, err := p.holder().Placement(ctx, a.ID)
		if err != nil || pl == nil || pl.Machine == p.Config.Machine || (machine != "" && pl.Machine != machine) {
			return c.Next() // at least one is here, or they are spread: answer here
		}
		machine, target = pl.Machine, a
	}
	if elsewhere, err := p.placeAgency(c, target); elsewhere {
		return err
	}
	return c.Next()
}
