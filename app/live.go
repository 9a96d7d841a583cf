package app

import (
	"context"

	"mintedmind/db/tenant"
	"mintedmind/live"
)

// PublishCase tells the open pages that may see case caseID of t's agency
// that it changed (kind; shared: the client sees the change; inbox: the
// inbox counts change), addressed by the case's audience read after the
// write committed. A nil broker tells nobody. Handlers and jobs both
// publish through it.
func PublishCase(ctx context.Context, b *live.Broker, t *tenant.Store, caseID string, kind live.Kind, shared, inbox bool) error {
	if b == nil || caseID == "" {
		return nil
	}
	a, err := t.CaseAudience(ctx, caseID)
	if err != nil {
		return err
	}
	b.Publish(t.AgencyID, live.Event{CaseID: caseID, ClientID: a.ClientID, Kind: kind, Shared: shared, Inbox: inbox,
		AssigneeID: a.AssigneeID, ResponsibleID: a.ResponsibleID})
	return nil
}
