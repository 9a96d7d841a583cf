package health

import (
	"context"
	"os"
	"strings"
	"time"

	"mintedmind/db/control"
)

// Alerts are the operator's emails, one when an incident begins and one
// when it ends. They are sent at once over SMTP, not through the outbox:
// the outbox lives in the control database, which a full or read-only disk
// may keep from taking the email.

// Email templates of the alerts (views/emails).
const (
	TemplateStorageAlert   = "storage-alert"
	TemplateAgencyDegraded = "agency-degraded"
)

// alert is one email to every recipient; after runs once it was sent.
type alert struct {
	template string
	data     StorageAlert
	after    func(ctx context.Context)
}

// StorageAlert is the data of the alert templates.
type StorageAlert struct {
	Host     string // the machine, so an operator of several knows which
	Open     bool   // the incident begins (false: it is over)
	Summary  string // one line, the subject
	Details  []string
	Effect   string // what the server does meanwhile
	Action   string // what the operator should do
	Console  string // link to the console page
	Agency   string // agency name, for agency alerts
	AgencyID string
	Reason   string
	Error    string
}

// deliveryAttempts bounds the tries of one alert; between them the wait
// grows from retryBase.
const (
	deliveryAttempts = 6
	retryBase        = 5 * time.Second
)

func (m *Monitor) queueLocked(a alert) {
	a.data.Host, _ = os.Hostname()
	if a.data.Console == "" {
		a.data.Console = strings.TrimRight(m.cfg.BaseURL, "/") + "/operator"
	}
	m.pending.Add(1)
	select {
	case m.alerts <- a:
	default:
		m.pending.Done()
		m.log.Error("health: alert queue full, alert dropped", "summary", a.data.Summary)
	}
}

// Sync waits until every alert queued so far was delivered or given up
// (Run must be running).
func (m *Monitor) Sync() {
	if m != nil {
		m.pending.Wait()
	}
}

// deliver sends queued alerts until ctx ends.
func (m *Monitor) deliver(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			for { // what is left is given up: the log has it
				select {
				case a := <-m.alerts:
					m.log.Error("health: alert not sent (shutting down)", "summary", a.data.Summary)
					m.pending.Done()
				default:
					return
				}
			}
		case a := <-m.alerts:
			m.send(ctx, a)
			m.pending.Done()
		}
	}
}

// send delivers one alert to every recipient, retrying a while.
func (m *Monitor) send(ctx context.Context, a alert) {
	to, err := m.recipients(ctx)
	if err != nil || len(to) == 0 {
		m.log.Error("health: no one to alert (set -alert-email or create an operator)", "summary", a.data.Summary, "err", err)
		return
	}
	left := to
	for attempt := 1; len(left) > 0 && attempt <= deliveryAttempts; attempt++ {
		var failed []string
		for _, addr := range left {
			if m.mail == nil {
				m.log.Error("health: alert (no mailer)", "to", addr, "summary", a.data.Summary)
				continue
			}
			if err := m.mail.SendNow(ctx, addr, a.template, a.data); err != nil {
				m.log.Warn("health: send alert", "to", addr, "attempt", attempt, "err", err)
				failed = append(failed, addr)
			}
		}
		left = failed
		if len(left) > 0 && attempt < deliveryAttempts {
			select {
			case <-ctx.Done():
				return
			case <-time.After(retryBase * time.Duration(attempt*attempt)):
			}
		}
	}
	if len(left) > 0 {
		m.log.Error("health: alert not delivered", "to", left, "summary", a.data.Summary)
		return
	}
	if a.after != nil {
		a.after(ctx)
	}
}

func (m *Monitor) recipients(ctx context.Context) ([]string, error) {
	if len(m.cfg.AlertTo) > 0 {
		return m.cfg.AlertTo, nil
	}
	if m.control == nil {
		return nil, nil
	}
	return m.control.OperatorEmails(ctx)
}

func volumeLines(vols []Volume) []string {
	out := make([]string, len(vols))
	for i, v := range vols {
		out[i] = v.String()
	}
	return out
}

func (m *Monitor) lowAlert(open bool, vols []Volume) alert {
	d := StorageAlert{Open: open, Details: volumeLines(vols)}
	if open {
		d.Summary = "storage is running out"
		d.Effect = "Uploads and imports are refused (507) before anything is read, /readyz answers 503, and a change that finds the disk full is answered 507 with nothing saved. Everything already stored is safe, and pages are still served."
		d.Action = "Free space on the volume or make it larger. The server notices on its own within a minute; no restart is needed."
	} else {
		d.Summary = "storage has room again"
		d.Effect = "Uploads, imports and every other change are taken again."
	}
	return alert{template: TemplateStorageAlert, data: d}
}

func (m *Monitor) unwritableAlert(open bool, vols []Volume) alert {
	d := StorageAlert{Open: open, Details: volumeLines(vols)}
	if open {
		d.Summary = "storage takes no writes"
		d.Effect = "Every change is answered 503 with nothing saved, and /readyz answers 503. Pages of open databases are still served."
		d.Action = "Find out why the volume is read-only or failing (dmesg, the provider's status) and make it writable again. The server notices on its own; no restart is needed unless the volume must be unmounted and checked."
	} else {
		d.Summary = "storage takes writes again"
		d.Effect = "Changes are taken again."
	}
	return alert{template: TemplateStorageAlert, data: d}
}

func (m *Monitor) missingAlert(open bool, agencyID string) alert {
	d := StorageAlert{Open: open, AgencyID: agencyID, Agency: m.names[agencyID]}
	if open {
		d.Summary = "an agency's database file is missing"
		d.Details = []string{"agency " + agencyID + ": " + m.cfg.DataDir + "/tenants/" + agencyID + "/tenant.db is gone"}
		d.Effect = "Its changes are answered 503 with nothing saved; pages of its open database are still served until it closes."
		d.Action = "Put the agency's directory back (from a backup: mintedmind backup / restore, or the Litestream replica). The server picks it up on its own; no restart is needed."
	} else {
		d.Summary = "an agency's database file is back"
		d.Details = []string{"agency " + agencyID}
		d.Effect = "It is served from the file now on disk."
	}
	return alert{template: TemplateStorageAlert, data: d}
}

func (m *Monitor) controlCorruptAlert(err error) alert {
	return alert{template: TemplateStorageAlert, data: StorageAlert{Open: true, Summary: "the control database is damaged",
		Details: []string{err.Error()},
		Effect:  "Requests that need the damaged part fail with 503.",
		Action:  "Stop the server, restore control.db from the latest backup (mintedmind restore) or the Litestream replica, and start it again."}}
}

func (m *Monitor) degradedAlert(h *control.AgencyHealth) alert {
	d := StorageAlert{Open: true, Agency: h.Name, AgencyID: h.AgencyID, Reason: h.Reason, Error: h.Error,
		Console: strings.TrimRight(m.cfg.BaseURL, "/") + "/operator/agencies/" + h.AgencyID}
	if d.Agency == "" {
		d.Agency = h.AgencyID
	}
	if h.Reason == control.DegradedMigration {
		d.Summary = d.Agency + ": a schema migration failed on its database"
		d.Effect = "Its database is left at the version it had. Its pages answer 503 (its data is being restored), its jobs skip it; every other agency is served as before."
	} else {
		d.Summary = d.Agency + "'s database is damaged"
		d.Effect = "Its pages answer 503 (its data is being restored), its jobs skip it; every other agency is served as before."
	}
	d.Action = "Open the console's page of the agency: restore it from the latest backup, or from the Litestream replica by hand and then check it again."
	id := h.AgencyID
	return alert{template: TemplateAgencyDegraded, data: d, after: func(ctx context.Context) {
		if m.control != nil {
			if err := m.control.SetDegradedNotified(ctx, id); err != nil {
				m.log.Warn("health: record alert sent", "agency", id, "err", err)
			}
		}
	}}
}
