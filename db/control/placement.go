package control

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Placement says which machine holds an agency's database.
type Placement struct {
	AgencyID string
	Machine  string
	Moving   bool // being exported to another machine: refuse its requests for now
}

// Machine is one machine of a several-machine installation.
type Machine struct {
	ID  string
	URL string
}

// RegisterMachine records (or refreshes) this machine and the URL other
// machines forward its agencies' requests to.
func (c *Store) RegisterMachine(ctx context.Context, id, url string) error {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO machines (id, url, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET url = excluded.url, seen_at = excluded.seen_at`, id, url, c.Now())
	if err != nil {
		return fmt.Errorf("db: register machine %s: %w", id, err)
	}
	return nil
}

// MachineByID returns a registered machine, or nil when there is none.
func (c *Store) MachineByID(ctx context.Context, id string) (*Machine, error) {
	m := &Machine{}
	err := c.Read().QueryRowContext(ctx, `SELECT id, url FROM machines WHERE id = ?`, id).Scan(&m.ID, &m.URL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: machine %s: %w", id, err)
	}
	return m, nil
}

// PlacementOf returns where an agency lives, or nil when it has no placement yet.
func (c *Store) PlacementOf(ctx context.Context, agencyID string) (*Placement, error) {
	p := &Placement{}
	err := c.Read().QueryRowContext(ctx, `SELECT agency_id, machine, moving FROM placements WHERE agency_id = ?`, agencyID).
		Scan(&p.AgencyID, &p.Machine, &p.Moving)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: placement of %s: %w", agencyID, err)
	}
	return p, nil
}

// ClaimPlacement places an agency without a placement on machine; an
// existing placement is kept. It returns the placement in force.
func (c *Store) ClaimPlacement(ctx context.Context, agencyID, machine string) (*Placement, error) {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO placements (agency_id, machine, moving, updated_at) VALUES (?, ?, 0, ?)
		ON CONFLICT (agency_id) DO NOTHING`, agencyID, machine, c.Now())
	if err != nil {
		return nil, fmt.Errorf("db: claim placement of %s: %w", agencyID, err)
	}
	return c.PlacementOf(ctx, agencyID)
}

// SetMoving marks an agency as being moved (its requests are refused) or
// not. It fails unless the agency is placed on machine.
func (c *Store) SetMoving(ctx context.Context, agencyID, machine string, moving bool) error {
	if _, err := c.ClaimPlacement(ctx, agencyID, machine); err != nil {
		return err
	}
	res, err := c.Write().ExecContext(ctx, `UPDATE placements SET moving = ?, updated_at = ? WHERE agency_id = ? AND machine = ?`,
		moving, c.Now(), agencyID, machine)
	if err != nil {
		return fmt.Errorf("db: mark %s moving: %w", agencyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("db: agency %s is not placed on machine %s", agencyID, machine)
	}
	return nil
}

// PlaceAgency switches an agency to machine and ends a move.
func (c *Store) PlaceAgency(ctx context.Context, agencyID, machine string) error {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO placements (agency_id, machine, moving, updated_at) VALUES (?, ?, 0, ?)
		ON CONFLICT (agency_id) DO UPDATE SET machine = excluded.machine, moving = 0, updated_at = excluded.updated_at`,
		agencyID, machine, c.Now())
	if err != nil {
		return fmt.Errorf("db: place %s on %s: %w", agencyID, machine, err)
	}
	return nil
}

// Placements returns every agency's placement, by agency id: one read for
// a job's loop over all agencies.
func (c *Store) Placements(ctx context.Context) (map[string]Placement, error) {
	rows, err := c.Read().QueryContext(ctx, `SELECT agency_id, machine, moving FROM placements`)
	if err != nil {
		return nil, fmt.Errorf("db: placements: %w", err)
	}
	defer rows.Close()
	out := map[string]Placement{}
	for rows.Next() {
		var p Placement
		if err := rows.Scan(&p.AgencyID, &p.Machine, &p.Moving); err != nil {
			return nil, fmt.Errorf("db: placements: %w", err)
		}
		out[p.AgencyID] = p
	}
	return out, rows.Err()
}
