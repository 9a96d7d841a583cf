package app

import (
	"context"
	"fmt"

	"mintedmind/apperr"
	"mintedmind/archive"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// lifecycleTargets is the status each operator lifecycle action moves an
// agency to, with the word for the refusal.
var lifecycleTargets = map[string]struct{ to, done string }{
	"activate": {control.AgencyActive, "activated"},
	"restore":  {control.AgencyActive, "restored"},
	"suspend":  {control.AgencySuspended, "suspended"},
	"archive":  {control.AgencyArchived, "archived"},
	"delete":   {control.AgencyDeleted, "deleted"},
}

// AgencyLifecycle takes the operator's lifecycle action on agency a
// (activate, restore, suspend, archive or delete) across the control
// database, the agency's database and its files, and returns the status
// it moved to. Archiving records the status first, so that nobody writes
// while the database and files are packed, and puts it back if packing
// fails; restoring unpacks before the agency is active again; deleting
// removes the data before the record says so. An unknown action is
// invalid input; a move the lifecycle does not allow (an archived agency
// comes back only by restoring it) is a conflict.
func AgencyLifecycle(ctx context.Context, ctl *control.Store, pool *tenant.Pool, a *control.Agency, action string) (string, error) {
	target, ok := lifecycleTargets[action]
	if !ok {
		return "", apperr.FieldErrors(map[string]string{"action": "Choose an action."})
	}
	to := target.to
	if to == control.AgencyActive && (action == "restore") != (a.Status == control.AgencyArchived) || !control.CanTransition(a.Status, to) {
		return "", apperr.New(apperr.Conflict, "An agency that is %s cannot be %s.", control.StatusLabel(a.Status), target.done)
	}
	switch action {
	case "archive":
		if err := ctl.SetAgencyArchived(ctx, a.ID); err != nil {
			return "", err
		}
		if err := archive.Retire(ctx, pool, a.ID); err != nil {
			if rerr := ctl.RevertAgencyArchived(context.WithoutCancel(ctx), a.ID, a.Status); rerr != nil {
				return "", fmt.Errorf("%w (and putting it back: %v)", err, rerr)
			}
			return "", err
		}
	case "restore":
		if err := archive.Restore(pool, a.ID); err != nil {
			return "", err
		}
		if err := ctl.SetAgencyRestored(ctx, a.ID); err != nil {
			return "", err
		}
	case "delete":
		if err := pool.DeleteTenantData(ctx, a.ID); err != nil {
			return "", err
		}
		if err := ctl.SetAgencyDeleted(ctx, a.ID); err != nil {
			return "", err
		}
	default:
		if _, err := ctl.SetAgencyStatus(ctx, a.ID, to); err != nil {
			return "", err
		}
	}
	return to, nil
}
