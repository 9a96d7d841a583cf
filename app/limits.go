package app

import (
	"context"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
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
// them inside the writes they guard (see tenant.Limits).
func (p *Plans) Limits(ctx context.Context, a *control.Agency) (tenant.Limits, error) {
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
