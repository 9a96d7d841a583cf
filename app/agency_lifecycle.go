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
// it moved to: archiving is ArchiveAgency, deleting DeleteAgency (the
// retention job calls them too); restoring unpacks before the agency is
// active again. An unknown action is invalid input; a move the lifecycle
// does not allow (an archived agency comes back only by restoring it) is
// a conflict.
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
		if err := ArchiveAgency(ctx, ctl, pool, a.ID, a.Status); err != nil {
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
		if err := DeleteAgency(ctx, ctl, pool, a.ID); err != nil {
			return "", err
		}
	default:
		if _, err := ctl.SetAgencyStatus(ctx, a.ID, to); err != nil {
			return "", err
		}
	}
	return to, nil
}

// ArchiveAgency refuses sign-ins to agency agencyID first (its status in
// the control database), so that nobody writes while its database and
// files are packed into DATA/archive/ and the live copy removed; if packing
// fails the agency is put back in status from.
func ArchiveAgency(ctx context.Context, ctl *control.Store, pool *tenant.Pool, agencyID, from string) error {
	if err := ctl.SetAgencyArchived(ctx, agencyID); err != nil {
		return err
	}
	if err := archive.Retire(ctx, pool, agencyID); err != nil {
		if rerr := ctl.RevertAgencyArchived(context.WithoutCancel(ctx), agencyID, from); rerr != nil {
			return fmt.Errorf("%w (and putting it back: %v)", err, rerr)
		}
		return err
	}
	return nil
}

// DeleteAgency removes agency agencyID's database, files and archive, then
// records it deleted: a failure part-way leaves it listed, to be deleted
// again.
func DeleteAgency(ctx context.Context, ctl *control.Store, pool *tenant.Pool, agencyID string) error {
	if err := pool.DeleteTenantData(ctx, agencyID); err != nil {
		return err
	}
	return ctl.SetAgencyDeleted(ctx, agencyID)
}
