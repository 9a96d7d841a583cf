package app

import (
	"context"
	"fmt"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// Plans decides which plan an agency is on and so what it may hold. Plans,
// their limits and subscription billing apply unless the installation is
// self-hosted or no plan has a price; then the only limit is the
// installation's storage quota.
type Plans struct {
	Control      *control.Store
	SelfHosted   bool  // one agency hosts itself: no plans, limits or subscription billing
	StorageQuota int64 // bytes: an agency's document storage where no plan sets it (-storage-quota)
}

// BillingEnabled reports whether plans, limits and subscription billing
// apply: not on a self-hosted installation, nor where no plan has a price.
func (p *Plans) BillingEnabled(ctx context.Context) (bool, error) {
	if p.SelfHosted {
		return false, nil
	}
	return p.Control.AnyPricedPlan(ctx)
}

// AgencyPlan returns the plan an agency is on with its subscription, or a
// nil plan when plans do not apply to it (billing off, or an agency without
// a plan; the subscription is nil too when billing is off).
func (p *Plans) AgencyPlan(ctx context.Context, a *control.Agency) (*control.Plan, *control.Subscription, error) {
	on, err := p.BillingEnabled(ctx)
	if err != nil || !on {
		return nil, nil, err
	}
	sub, err := p.Control.Subscription(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	if sub.PlanID == "" {
		return nil, sub, nil
	}
	plan, err := p.Control.PlanByID(ctx, sub.PlanID)
	if err != nil {
		return nil, nil, err
	}
	return plan, sub, nil
}

// StartSubscription puts a new agency on the default plan's trial, when
// billing applies.
func (p *Plans) StartSubscription(ctx context.Context, a *control.Agency) error {
	on, err := p.BillingEnabled(ctx)
	if err != nil || !on {
		return err
	}
	plan, err := p.Control.DefaultPlan(ctx)
	if err != nil {
		return err
	}
	return p.Control.StartSubscription(ctx, a.ID, plan)
}

// Limits are what agency a may hold: its plan's staff seats, clients and
// storage, the installation's storage quota where the plan sets none, and
// only that quota where plans do not apply. The agency's store enforces
// them inside the writes they guard (see tenant.Limits), reading them
// again there through Current so that a plan move (ChangePlan) cannot
// slip between this read and the write.
func (p *Plans) Limits(ctx context.Context, a *control.Agency) (tenant.Limits, error) {
	l, err := p.limits(ctx, a)
	l.Current = func(ctx context.Context) (tenant.Limits, error) { return p.limits(ctx, a) }
	return l, err
}

// limits is Limits read once.
func (p *Plans) limits(ctx context.Context, a *control.Agency) (tenant.Limits, error) {
	l := tenant.Limits{StorageBytes: p.StorageQuota, PlanPage: "/a/" + a.Slug + "/plan"}
	plan, _, err := p.AgencyPlan(ctx, a)
	if err != nil || plan == nil {
		return l, err
	}
	l.Plan, l.MaxClients, l.StaffSeats = plan.Name, plan.MaxClients, plan.StaffSeats
	if plan.StorageBytes > 0 {
		l.StorageBytes = plan.StorageBytes
	}
	return l, nil
}

// PlanRefusal says, for people, what of u goes over plan's limits (the
// first that does), or "" when u fits the plan: the plan page marks the
// plans an agency cannot move to with it, and ChangePlan refuses them.
func PlanRefusal(plan *control.Plan, u tenant.Usage) string {
	switch {
	case plan.StaffSeats > 0 && u.Staff > plan.StaffSeats:
		return fmt.Sprintf("%s allows %d staff seats and you have %d (pending invitations included). Remove staff or withdraw invitations first.", plan.Name, plan.StaffSeats, u.Staff)
	case plan.MaxClients > 0 && u.Clients > plan.MaxClients:
		return fmt.Sprintf("%s allows %d clients and you have %d. Archive or remove clients first.", plan.Name, plan.MaxClients, u.Clients)
	case plan.StorageBytes > 0 && u.StorageBytes > plan.StorageBytes:
		return fmt.Sprintf("%s allows %s of documents and you use %s. Delete documents (and empty the trash) first.", plan.Name, files.ByteSize(plan.StorageBytes), files.ByteSize(u.StorageBytes))
	}
	return ""
}

// ChangePlan moves agency a, whose store is t, to plan on interval
// (control.Store.ChangePlan says when it applies), refused while what the
// agency holds is over the plan's limits. The usage is counted in the
// agency's database and the move recorded in the control database while
// the agency's database is held for writing (tenant.Store.HoldLimits): a
// client, invitation, re-enabled account or upload racing the move either
// commits first and is counted, or commits after and is checked against
// the new plan (the writes read their limits again under the same lock).
// So a move that applies at once never leaves the agency over the plan it
// moved to. A downgrade that waits for the period's end is judged on the
// usage now; what is added before it applies is checked against the old
// plan until then.
func (p *Plans) ChangePlan(ctx context.Context, a *control.Agency, t *tenant.Store, plan *control.Plan, interval string) (*control.PlanChange, error) {
	var change *control.PlanChange
	err := t.HoldLimits(ctx, func(u tenant.Usage) error {
		if msg := PlanRefusal(plan, u); msg != "" {
			return apperr.New(apperr.Conflict, "You can't move to %s yet: %s", plan.Name, msg)
		}
		var err error
		change, err = p.Control.ChangePlan(ctx, a.ID, plan, interval)
		return err
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}
