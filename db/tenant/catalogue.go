package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Limits of a catalogue item (migration 30's checks say the same).
const (
	CatalogueNameMax        = 100
	CatalogueDescriptionMax = InvoiceLineTextMax // it becomes a line's text
)

// CatalogueItem is one of the agency's priced items that invoice, quote
// and recurring lines are picked from (issue 22 point 3). TaxPresetID is
// its preset while that preset is active, "" otherwise (the line then
// starts with the agency's default rate).
type CatalogueItem struct {
	ID, Name, Description, TaxPresetID string
	UnitPrice                          int64 // minor units, in the currency of the invoice it goes on
}

// LineText is what a line picked from the item says: its description, or
// its name when it has none.
func (i *CatalogueItem) LineText() string {
	if i.Description != "" {
		return i.Description
	}
	return i.Name
}

// CatalogueItemInput is an item as typed.
type CatalogueItemInput struct {
	Name, Description, TaxPresetID string
	UnitPrice                      int64
}

// Validate checks an item's name, description and price, naming each bad
// field; its preset is checked where it is written (SaveCatalogueItem).
func (in *CatalogueItemInput) Validate() error {
	in.Name, in.Description, in.TaxPresetID = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.TaxPresetID)
	f := map[string]string{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f["name"] = "Name the item, for example “Logo design”."
	case n > CatalogueNameMax:
		f["name"] = fmt.Sprintf("An item's name is at most %d characters.", CatalogueNameMax)
	}
	if utf8.RuneCountInString(in.Description) > CatalogueDescriptionMax {
		f["description"] = fmt.Sprintf("The description is at most %d characters.", CatalogueDescriptionMax)
	}
	if in.UnitPrice < 0 || in.UnitPrice > billing.MaxUnitPrice {
		f["unit_price"] = "The unit price is from 0 to 10,000,000."
	}
	return apperr.FieldErrors(f)
}

// catalogueColumns read an item with its preset only while it is active.
const catalogueColumns = `c.id, c.name, c.description, c.unit_price, COALESCE(p.id, '')
	FROM catalogue_items c LEFT JOIN tax_presets p ON p.id = c.tax_preset_id AND p.archived_at IS NULL`

func scanCatalogueItem(s interface{ Scan(...any) error }) (CatalogueItem, error) {
	var i CatalogueItem
	err := s.Scan(&i.ID, &i.Name, &i.Description, &i.UnitPrice, &i.TaxPresetID)
	return i, err
}

// CatalogueItems lists the items not archived, by name.
func (t *Store) CatalogueItems(ctx context.Context) ([]CatalogueItem, error) {
	rows, err := t.Reader().QueryContext(ctx, `SELECT `+catalogueColumns+` WHERE c.archived_at IS NULL ORDER BY c.name COLLATE NOCASE, c.id`)
	if err != nil {
		return nil, fmt.Errorf("db: list catalogue items: %w", err)
	}
	defer rows.Close()
	var out []CatalogueItem
	for rows.Next() {
		i, err := scanCatalogueItem(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list catalogue items: %w", err)
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// CatalogueItem reads one item not archived; another agency's id or an
// archived one is not found.
func (t *Store) CatalogueItem(ctx context.Context, id string) (*CatalogueItem, error) {
	i, err := scanCatalogueItem(t.Reader().QueryRowContext(ctx, `SELECT `+catalogueColumns+` WHERE c.id = ? AND c.archived_at IS NULL`, id))
	if err != nil {
		return nil, db.NotFound(err, "Catalogue item")
	}
	return &i, nil
}

// SaveCatalogueItem creates an item (id "") or changes one, and audits
// it. A preset that is archived or not this agency's is refused on its
// field, and nothing is written.
func (t *Store) SaveCatalogueItem(ctx context.Context, id string, in CatalogueItemInput, a Audit) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var preset any // NULL without one
		if in.TaxPresetID != "" {
			_, _, err := activeTaxPreset(ctx, tx, in.TaxPresetID)
			if err == sql.ErrNoRows {
				return apperr.FieldErrors(map[string]string{"tax_preset": "Choose one of your tax presets, or none."})
			}
			if err != nil {
				return fmt.Errorf("db: read tax preset %s: %w", in.TaxPresetID, err)
			}
			preset = in.TaxPresetID
		}
		if id == "" {
			id = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalogue_items (id, name, description, unit_price, tax_preset_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				id, in.Name, in.Description, in.UnitPrice, preset, t.Now()); err != nil {
				return fmt.Errorf("db: insert catalogue item: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE catalogue_items SET name = ?, description = ?, unit_price = ?, tax_preset_id = ? WHERE id = ? AND archived_at IS NULL`,
				in.Name, in.Description, in.UnitPrice, preset, id)
			if err != nil {
				return fmt.Errorf("db: update catalogue item %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.NotFound(sql.ErrNoRows, "Catalogue item")
			}
		}
		a.Target, a.Detail = id, in.Name+" ("+billing.FormatMinor(in.UnitPrice)+")"
		return t.auditTx(ctx, tx, a)
	})
	return id, err
}

// ArchiveCatalogueItem stops offering an item; lines made from it keep
// their own copy.
func (t *Store) ArchiveCatalogueItem(ctx context.Context, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `UPDATE catalogue_items SET archived_at = ? WHERE id = ? AND archived_at IS NULL RETURNING name`, t.Now(), id).Scan(&name); err != nil {
			return db.NotFound(err, "Catalogue item")
		}
		a.Target, a.Detail = id, name
		return t.auditTx(ctx, tx, a)
	})
}
