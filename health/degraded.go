package health

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
	"mintedmind/db/control"
	"mintedmind/metrics"
)

// Degraded agencies: their database is damaged or a migration failed on
// it. The control database records them (agency_health), the pool refuses
// them with a "being restored" answer, jobs skip them, and the operator is
// emailed once and restores them from the console.

// loadDegraded reads the degraded agencies at start, refuses them at the
// pool, and queues the emails not sent before a restart.
func (m *Monitor) loadDegraded(ctx context.Context) error {
	if m.control == nil {
		return nil
	}
	list, err := m.control.DegradedAgencies(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range list {
		m.degradedLocked(h)
		m.recorded[h.AgencyID] = true
		if !h.Notified {
			m.queueLocked(m.degradedAlert(h))
		}
	}
	return nil
}

// refreshDegraded picks up changes made elsewhere (another machine's
// console): agencies restored there are let through again.
func (m *Monitor) refreshDegraded(ctx context.Context) error {
	if m.control == nil {
		return nil
	}
	list, err := m.control.DegradedAgencies(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	for _, h := range list {
		seen[h.AgencyID] = true
		m.recorded[h.AgencyID] = true
		if _, ok := m.degraded[h.AgencyID]; !ok {
			m.degradedLocked(h)
		} else {
			m.degraded[h.AgencyID] = h
		}
	}
	for id := range m.degraded {
		if !seen[id] && m.recorded[id] {
			delete(m.recorded, id)
			delete(m.degraded, id)
			if m.pool != nil {
				m.pool.Admit(id)
			}
		}
	}
	return nil
}

// degradedLocked records h in memory and refuses its agency at the pool.
func (m *Monitor) degradedLocked(h *control.AgencyHealth) {
	m.degraded[h.AgencyID] = h
	if h.Name != "" {
		m.names[h.AgencyID] = h.Name
	}
	if m.pool != nil {
		m.pool.Refuse(h.AgencyID, m.restoringErrorLocked(h.AgencyID))
	}
}

// openFault is the pool's report of a database it could not open because
// it is damaged or a migration failed on it.
func (m *Monitor) openFault(agencyID string, err error) {
	m.markDegraded(context.Background(), agencyID, reasonOf(err), err)
}

// markDegraded marks the agency degraded, once: recorded in the control
// database, refused by the pool, the operator emailed.
func (m *Monitor) markDegraded(ctx context.Context, agencyID, reason string, cause error) {
	ctx = healthCtx(ctx)
	m.mu.Lock()
	_, already := m.degraded[agencyID]
	m.mu.Unlock()
	if already {
		return
	}
	name := ""
	if m.control != nil {
		if a, err := m.control.AgencyByID(ctx, agencyID); err == nil {
			name = a.Name
		}
	}
	h := &control.AgencyHealth{AgencyID: agencyID, Name: name, Degraded: true, DegradedAt: m.clock.Now(), Reason: reason, Error: cause.Error()}
	marked, recorded := true, false
	if m.control != nil {
		var err error
		if marked, err = m.control.MarkAgencyDegraded(ctx, agencyID, reason, cause.Error()); err != nil {
			// Kept in memory: the agency is refused and the operator told
			// all the same; the record follows when the control database
			// takes writes again (the next report or restart).
			m.log.Error("health: record degraded agency", "agency", agencyID, "err", err)
			marked = true
		} else {
			recorded = true
		}
		if a, err := m.control.AgencyByID(ctx, agencyID); err == nil {
			h.Slug = a.Slug
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.degraded[agencyID]; ok {
		return // marked by a concurrent report meanwhile
	}
	m.log.Error("health: agency degraded", "agency", agencyID, "reason", reason, "err", cause)
	m.degradedLocked(h)
	m.recorded[agencyID] = recorded
	m.status.Degraded = m.degradedListLocked()
	metrics.AgenciesDegraded(len(m.degraded))
	if marked {
		m.queueLocked(m.degradedAlert(h))
	}
}

// restoringError is the answer for a degraded agency's requests.
func (m *Monitor) restoringError(agencyID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.restoringErrorLocked(agencyID)
}

func (m *Monitor) restoringErrorLocked(agencyID string) error {
	return translate(db.Corrupt, false, agencyID, m.names[agencyID])
}

// DegradedAgencies lists the degraded agencies, the first found first.
func (m *Monitor) DegradedAgencies() []*control.AgencyHealth {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.degradedListLocked()
}

func (m *Monitor) degradedListLocked() []*control.AgencyHealth {
	out := make([]*control.AgencyHealth, 0, len(m.degraded))
	for _, h := range m.degraded {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].DegradedAt.Equal(out[j].DegradedAt) {
			return out[i].DegradedAt.Before(out[j].DegradedAt)
		}
		return out[i].AgencyID < out[j].AgencyID
	})
	return out
}

// Degraded returns the agency's degraded record, if it is degraded.
func (m *Monitor) Degraded(agencyID string) (*control.AgencyHealth, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.degraded[agencyID]
	return h, ok
}

// Recover puts a degraded agency back in service: its database is closed,
// restore (when given) replaces its files, and it is opened again, which
// migrates it and runs quick_check. On success the agency is no longer
// degraded; otherwise it stays so and the error says why.
func (m *Monitor) Recover(ctx context.Context, agencyID string, restore func(ctx context.Context) error) error {
	if m == nil || m.pool == nil {
		return errors.New("health: no monitor")
	}
	m.mu.Lock()
	_, ok := m.degraded[agencyID]
	m.mu.Unlock()
	if !ok {
		return apperr.New(apperr.Conflict, "This agency is not degraded.")
	}
	evictCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := m.pool.Evict(evictCtx, agencyID); err != nil {
		return err
	}
	if restore != nil {
		if err := restore(ctx); err != nil {
			return err
		}
	}
	m.pool.Admit(agencyID)
	_, release, err := m.pool.Acquire(ctx, agencyID)
	if err != nil {
		m.mu.Lock()
		m.pool.Refuse(agencyID, m.restoringErrorLocked(agencyID))
		m.mu.Unlock()
		return fmt.Errorf("the agency's database still does not open: %w", err)
	}
	release()
	if m.control != nil {
		if err := m.control.ClearAgencyDegraded(ctx, agencyID); err != nil {
			m.mu.Lock()
			m.pool.Refuse(agencyID, m.restoringErrorLocked(agencyID))
			m.mu.Unlock()
			return err
		}
	}
	m.mu.Lock()
	delete(m.degraded, agencyID)
	delete(m.recorded, agencyID)
	m.status.Degraded = m.degradedListLocked()
	metrics.AgenciesDegraded(len(m.degraded))
	m.mu.Unlock()
	m.log.Info("health: agency back in service", "agency", agencyID)
	return nil
}
