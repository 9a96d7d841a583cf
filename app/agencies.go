package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// NewAgency describes a sign-up.
type NewAgency struct {
	Name, Slug string
	OwnerName  string
	OwnerEmail string
	// OwnerPasswordHash is already hashed: hashing is slow and happens before
	// any database work.
	OwnerPasswordHash string
}

// CreateAgency creates the agency's database with its owner, then records the
// agency and the owner's directory entry in the control database. A slug taken
// in the meantime is a conflict, and the new database is removed again.
func CreateAgency(ctx context.Context, ctl *control.Store, pool *tenant.Pool, in NewAgency) (*control.Agency, *tenant.User, error) {
	if taken, err := ctl.SlugTaken(ctx, in.Slug); err != nil {
		return nil, nil, fmt.Errorf("app: check slug: %w", err)
	} else if taken {
		return nil, nil, control.SlugTakenError()
	}
	id := uuid.NewString()
	owner, err := pool.CreateWithOwner(ctx, id, in.Slug, tenant.NewOwner{Email: in.OwnerEmail, Name: in.OwnerName, PasswordHash: in.OwnerPasswordHash})
	if err != nil {
		return nil, nil, fmt.Errorf("app: create agency database: %w", err)
	}
	a, err := ctl.RecordAgency(ctx, id, in.Slug, in.Name, owner.Email)
	if err != nil {
		removeErr := pool.Discard(id)
		if apperr.CodeOf(err) == apperr.Invalid {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%w (cleanup: %v)", err, removeErr)
	}
	return a, owner, nil
}
