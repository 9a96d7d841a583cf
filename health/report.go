package health

import (
	"context"
	"errors"
	"fmt"

	"mintedmind/apperr"
	"mintedmind/db"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/metrics"
)

// The answers people get when storage fails. Each says that nothing was
// saved: a write that failed rolled back whole.
const (
	msgFull       = "The server is out of storage; nothing was saved. The operator has been told."
	msgUnwritable = "The server's storage cannot take changes right now; nothing was saved. The operator has been told. Pages can still be read."
	msgMissing    = "This agency's data cannot be reached on the server's storage right now; nothing was saved. The operator has been told."
	msgRestoring  = "%s's data is being restored after a fault on the server. Please try again later."
	msgControl    = "The server's own database is damaged; nothing was saved. The operator has been told."
)

// retryLater is the Retry-After of a storage 503.
const retryLater = 300 // seconds

// Report turns a storage error into the answer people get, and acts on
// it: a full disk or unwritable storage is checked at once (and the
// operator emailed once per incident), a damaged agency database marks
// the agency degraded. agencyID is the request's or job's agency ("" for
// none). Errors that are no storage fault come back unchanged.
func (m *Monitor) Report(ctx context.Context, agencyID string, err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err // already an answer (a degraded agency's refusal among them)
	}
	if _, degraded := m.Degraded(agencyID); degraded {
		return m.restoringError(agencyID) // whatever failed, its data is being restored
	}
	missing := errors.Is(err, tenant.ErrMissing)
	fault := db.FaultOf(err)
	var me *db.MigrationError
	if errors.As(err, &me) && fault == db.NoFault && agencyID != "" && m != nil {
		m.markDegraded(ctx, agencyID, control.DegradedMigration, err)
		return m.restoringError(agencyID)
	}
	if !missing && fault == db.NoFault {
		return err
	}
	metrics.StorageFault(fault.String())
	if m == nil {
		return translate(fault, missing, agencyID, "")
	}
	if agencyID != "" && m.pool != nil && m.pool.Missing(agencyID) {
		missing = true
	}
	switch {
	case missing:
		m.askCheck()
	case fault == db.Full:
		m.mu.Lock()
		m.full = true
		m.mu.Unlock()
		m.askCheck()
	case fault == db.Unwritable:
		m.askCheck()
	case fault == db.Corrupt && agencyID != "":
		m.markDegraded(ctx, agencyID, reasonOf(err), err)
		return m.restoringError(agencyID)
	case fault == db.Corrupt:
		m.mu.Lock()
		m.incidentLocked("control-corrupt", true, func(bool) alert { return m.controlCorruptAlert(err) })
		m.mu.Unlock()
	}
	return translate(fault, missing, agencyID, "")
}

// translate is the answer for a storage fault, without acting on it.
func translate(fault db.Fault, missing bool, agencyID, name string) error {
	switch {
	case missing:
		return unavailable(msgMissing)
	case fault == db.Full:
		return apperr.New(apperr.Insufficient, msgFull)
	case fault == db.Unwritable:
		return unavailable(msgUnwritable)
	case fault == db.Corrupt && agencyID != "":
		if name == "" {
			name = "This agency"
		}
		return unavailable(fmt.Sprintf(msgRestoring, name))
	case fault == db.Corrupt:
		return unavailable(msgControl)
	}
	return nil
}

func unavailable(msg string) error {
	e := apperr.New(apperr.Unavailable, "%s", msg)
	e.RetryAfter = retryLater * 1e9
	return e
}

// RoomForUploads refuses uploads and imports, before their bodies are
// read, while free space is below the reserve or the storage takes no
// writes.
func (m *Monitor) RoomForUploads() error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.status.Unwritable:
		return unavailable(msgUnwritable)
	case m.low:
		return apperr.New(apperr.Insufficient, msgFull)
	}
	return nil
}

// WritesRefused is the answer to any change while the storage takes no
// writes; nil otherwise.
func (m *Monitor) WritesRefused() error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.status.Unwritable {
		return unavailable(msgUnwritable)
	}
	return nil
}

// Ready returns what keeps the server from taking writes, one line each;
// none when all is well. Degraded agencies are listed by Notes: they do
// not make the server unready.
func (m *Monitor) Ready() []string {
	if m == nil {
		return nil
	}
	s := m.Status()
	var out []string
	for _, v := range s.Volumes {
		switch {
		case v.ReadOnly:
			out = append(out, "storage takes no writes: "+v.String())
		case v.Size > 0 && s.Low && v.Free < v.Reserve+margin(v.Reserve):
			out = append(out, "storage low, uploads and imports refused: "+v.String())
		}
	}
	if s.Low && len(out) == 0 {
		out = append(out, "storage full: a write failed for want of space")
	}
	for _, id := range s.Missing {
		out = append(out, "agency "+id+": database file missing")
	}
	return out
}

// Notes returns what /readyz mentions without failing: degraded agencies.
func (m *Monitor) Notes() []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, h := range m.DegradedAgencies() {
		out = append(out, fmt.Sprintf("agency %s degraded (%s) since %s: see the operator console", h.AgencyID, h.Reason, h.DegradedAt.Format("2006-01-02 15:04 UTC")))
	}
	return out
}

// reasonOf is why err degrades an agency: a migration that failed on its
// own, or damage.
func reasonOf(err error) string {
	var me *db.MigrationError
	if errors.As(err, &me) && db.FaultOf(me.Err) != db.Corrupt {
		return control.DegradedMigration
	}
	return control.DegradedCorrupt
}

// healthCtx is a context for the monitor's own writes: a request's end
// must not cut short marking an agency degraded.
func healthCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
