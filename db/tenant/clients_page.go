package tenant

import (
	"context"
	"sort"
	"time"

	"mintedmind/db"
)

// The client page reads the client's cases and history; the cases
// themselves are written elsewhere. Kinds, statuses and fields below are
// the values schema.sql documents for cases and case_events.

// ClientCase is one row of a client's cases tab.
type ClientCase struct {
	ID      string
	Number  string
	Title   string
	Status  string // code, for styling
	Label   string // for people
	Updated string
}

// MaxClientCases bounds the cases tab.
const MaxClientCases = 200

// ClientCases lists the client's cases the viewer may see, recently
// updated first. The caller has loaded the client for the same viewer.
func (t *Store) ClientCases(ctx context.Context, v Viewer, clientID string) ([]ClientCase, error) {
	filter, args := v.caseFilter("k")
	return db.QueryList(ctx, t.Reader(), "client cases", func(r db.Scanner) (ClientCase, error) {
		var c ClientCase
		var number, updated int64
		if err := r.Scan(&c.ID, &number, &c.Title, &c.Status, &updated); err != nil {
			return c, err
		}
		c.Number, c.Label, c.Updated = CaseNumber(number), CaseStatusLabel(c.Status), db.UnixTime(updated).Format("2006-01-02")
		return c, nil
	}, `SELECT k.id, k.number, k.title, k.status, k.updated_at FROM cases k
		WHERE k.client_id = ? AND `+filter+` ORDER BY k.updated_at DESC, k.id DESC LIMIT ?`,
		append(append([]any{clientID}, args...), MaxClientCases)...)
}

// ClientActivity is one line of a client's activity tab: an audit entry
// about the client or an event on one of its cases.
type ClientActivity struct {
	At         time.Time
	Who        string
	What       string
	Detail     string
	CaseID     string
	CaseNumber string
}

// MaxClientActivity bounds the activity tab.
const MaxClientActivity = 100

// ClientActivityLog merges the audit entries that target the client with
// the newest events of its cases the viewer may see, newest first, at most
// MaxClientActivity. The caller has loaded the client for the same viewer;
// describe words each event (the handlers' sentences of case events).
func (t *Store) ClientActivityLog(ctx context.Context, v Viewer, clientID string, describe func(Event) (what, detail string)) ([]ClientActivity, error) {
	audit, err := db.QueryList(ctx, t.Reader(), "client audit", func(r db.Scanner) (ClientActivity, error) {
		var a ClientActivity
		var at int64
		var action string
		if err := r.Scan(&at, &a.Who, &action, &a.Detail); err != nil {
			return a, err
		}
		a.At, a.What = db.UnixTime(at), clientActionLabel(action)
		return a, nil
	}, `SELECT at, actor_name, action, detail FROM audit_log WHERE target = ? AND target <> '' ORDER BY id DESC LIMIT ?`, clientID, MaxClientActivity)
	if err != nil {
		return nil, err
	}
	filter, args := v.caseFilter("k")
	events, err := db.QueryList(ctx, t.Reader(), "client case events", func(r db.Scanner) (ClientActivity, error) {
		var a ClientActivity
		var at, number int64
		var e Event
		if err := r.Scan(&at, &a.Who, &e.Kind, &e.Field, &e.OldValue, &e.NewValue, &a.CaseID, &number); err != nil {
			return a, err
		}
		a.At, a.CaseNumber = db.UnixTime(at), CaseNumber(number)
		e.ActorName, e.CaseID, e.At = a.Who, a.CaseID, a.At
		a.What, a.Detail = describe(e)
		return a, nil
	}, `SELECT e.at, e.actor_name, e.kind, e.field, e.old_value, e.new_value, k.id, k.number
		FROM case_events e JOIN cases k ON k.id = e.case_id
		WHERE k.client_id = ? AND `+filter+` ORDER BY e.id DESC LIMIT ?`,
		append(append([]any{clientID}, args...), MaxClientActivity)...)
	if err != nil {
		return nil, err
	}
	all := append(audit, events...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.After(all[j].At) })
	if len(all) > MaxClientActivity {
		all = all[:MaxClientActivity]
	}
	return all, nil
}

var clientActionLabels = map[string]string{
	"client.created":  "Client created",
	"client.updated":  "Details changed",
	"client.archived": "Archived",
	"client.restored": "Restored",
}

func clientActionLabel(action string) string {
	if l, ok := clientActionLabels[action]; ok {
		return l
	}
	return action
}
