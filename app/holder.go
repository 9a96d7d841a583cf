package app

import (
	"context"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// Holder says which agencies this machine holds: the ones it serves and
// runs the jobs of (README "Scaling"). On one machine (no machine id) that
// is every agency whose database is in its data directory. On several,
// the control database decides: an agency is held by the machine it is
// placed on, and by none while it is being moved. A copy of its files on
// another machine's disk (the old one after a move, a restored backup)
// makes that machine hold nothing, so the agency's jobs run, and its
// emails go, once. An agency with no placement yet (created before the
// machine had an id) is claimed, once for all, by the first machine that
// finds its database.
type Holder struct {
	Control *control.Store
	Pool    *tenant.Pool
	Machine string // this machine's id; empty: one machine
}

// Placement returns an agency's placement, claiming an unplaced one whose
// database is here for this machine. It is nil on one machine, and for an
// unplaced agency whose database is not here.
func (h Holder) Placement(ctx context.Context, agencyID string) (*control.Placement, error) {
	if h.Machine == "" {
		return nil, nil
	}
	pl, err := h.Control.PlacementOf(ctx, agencyID)
	if err != nil || pl != nil {
		return pl, err
	}
	return h.claim(ctx, agencyID)
}

// Holds reports whether this machine holds the agency.
func (h Holder) Holds(ctx context.Context, agencyID string) (bool, error) {
	pl, err := h.Placement(ctx, agencyID)
	if err != nil {
		return false, err
	}
	return h.holds(pl, agencyID), nil
}

func (h Holder) claim(ctx context.Context, agencyID string) (*control.Placement, error) {
	if !h.Pool.Holds(agencyID) {
		return nil, nil
	}
	return h.Control.ClaimPlacement(ctx, agencyID, h.Machine)
}

// holds is the rule itself, given the agency's placement (nil: none).
func (h Holder) holds(pl *control.Placement, agencyID string) bool {
	if h.Machine == "" || pl == nil {
		return h.Machine == "" && h.Pool.Holds(agencyID)
	}
	return pl.Machine == h.Machine && !pl.Moving && h.Pool.Holds(agencyID)
}

// Holdings are the placements read once, for a job's loop over every
// agency.
type Holdings struct {
	h      Holder
	placed map[string]control.Placement
	err    error // the first claim that failed
}

// Holdings reads every placement (none on one machine).
func (h Holder) Holdings(ctx context.Context) (*Holdings, error) {
	s := &Holdings{h: h}
	if h.Machine == "" {
		return s, nil
	}
	var err error
	s.placed, err = h.Control.Placements(ctx)
	return s, err
}

// Holds reports whether this machine holds the agency (Holder), claiming
// an unplaced one whose database is here. An agency whose claim failed is
// not held (its work waits for the next run); Err says why.
func (s *Holdings) Holds(ctx context.Context, agencyID string) bool {
	if s.h.Machine == "" {
		return s.h.holds(nil, agencyID)
	}
	if pl, ok := s.placed[agencyID]; ok {
		return s.h.holds(&pl, agencyID)
	}
	pl, err := s.h.claim(ctx, agencyID)
	if err != nil && s.err == nil {
		s.err = err
	}
	if pl == nil {
		return false
	}
	s.placed[agencyID] = *pl
	return s.h.holds(pl, agencyID)
}

// Err is the first claim of an unplaced agency that failed, if any.
func (s *Holdings) Err() error { return s.err }
