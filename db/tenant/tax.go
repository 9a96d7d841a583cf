package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db"
)

// Limits of a tax preset (the schema checks them too).
const (
	TaxPresetNameMax = 60
	TaxPresetNoteMax = 500
	MaxTaxRateBP     = 10_000 // 100 %
	// DefaultVATRateBP is the agency's default VAT rate until an admin
	// chooses one (migration 24 seeds it).
	DefaultVATRateBP = 2100
)

const settingDefaultVAT = "default_vat_bp"

// TaxPreset is a named VAT treatment: its rate and the legal note an
// invoice using it carries ("Reverse charge: Art. 196 of Directive
// 2006/112/EC").
type TaxPreset struct {
	ID, Name, Note string
	VATRateBP      int64
}

// TaxPresetInput is a tax preset as typed.
type TaxPresetInput struct {
	Name, Note string
	VATRateBP  int64
}

// Validate checks a preset's name, rate and note, naming each bad field.
func (in *TaxPresetInput) Validate() error {
	in.Name, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Note)
	f := map[string]string{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f["name"] = "Name the preset, for example “LT 21 %” or “Reverse charge”."
	case n > TaxPresetNameMax:
		f["name"] = fmt.Sprintf("A preset's name is at most %d characters.", TaxPresetNameMax)
	}
	if in.VATRateBP < 0 || in.VATRateBP > MaxTaxRateBP {
		f["vat_rate"] = "The VAT rate is from 0 to 100 %."
	}
	if utf8.RuneCountInString(in.Note) > TaxPresetNoteMax {
		f["note"] = fmt.Sprintf("The note is at most %d characters.", TaxPresetNoteMax)
	}
	return apperr.FieldErrors(f)
}

// TaxPresets lists the presets not archived, by name.
func (t *Store) TaxPresets(ctx context.Context) ([]TaxPreset, error) {
	rows, err := t.Reader().QueryContext(ctx, `SELECT id, name, vat_rate_bp, note FROM tax_presets WHERE archived_at IS NULL ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("db: list tax presets: %w", err)
	}
	defer rows.Close()
	var out []TaxPreset
	for rows.Next() {
		var p TaxPreset
		if err := rows.Scan(&p.ID, &p.Name, &p.VATRateBP, &p.Note); err != nil {
			return nil, fmt.Errorf("db: list tax presets: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// TaxPreset reads one preset not archived; another agency's id or an
// archived one is not found.
func (t *Store) TaxPreset(ctx context.Context, id string) (*TaxPreset, error) {
	var p TaxPreset
	err := t.Reader().QueryRowContext(ctx, `SELECT id, name, vat_rate_bp, note FROM tax_presets WHERE id = ? AND archived_at IS NULL`, id).
		Scan(&p.ID, &p.Name, &p.VATRateBP, &p.Note)
	if err != nil {
		return nil, db.NotFound(err, "Tax preset")
	}
	return &p, nil
}

// SaveTaxPreset creates a preset (id "") or changes one, and audits it.
func (t *Store) SaveTaxPreset(ctx context.Context, id string, in TaxPresetInput, a Audit) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if id == "" {
			id = uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO tax_presets (id, name, vat_rate_bp, note, created_at) VALUES (?, ?, ?, ?, ?)`,
				id, in.Name, in.VATRateBP, in.Note, t.Now()); err != nil {
				return fmt.Errorf("db: insert tax preset: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE tax_presets SET name = ?, vat_rate_bp = ?, note = ? WHERE id = ? AND archived_at IS NULL`, in.Name, in.VATRateBP, in.Note, id)
			if err != nil {
				return fmt.Errorf("db: update tax preset %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.NotFound(sql.ErrNoRows, "Tax preset")
			}
		}
		a.Target, a.Detail = id, in.Name+" ("+formatBP(in.VATRateBP)+" %)"
		return t.auditTx(ctx, tx, a)
	})
	return id, err
}

// ArchiveTaxPreset stops offering a preset.
func (t *Store) ArchiveTaxPreset(ctx context.Context, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `UPDATE tax_presets SET archived_at = ? WHERE id = ? AND archived_at IS NULL RETURNING name`, t.Now(), id).Scan(&name); err != nil {
			return db.NotFound(err, "Tax preset")
		}
		a.Target, a.Detail = id, name
		return t.auditTx(ctx, tx, a)
	})
}

// DefaultVATRate is the agency's default VAT rate in basis points.
func (t *Store) DefaultVATRate(ctx context.Context) (int64, error) {
	var v string
	err := t.Reader().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingDefaultVAT).Scan(&v)
	if err == sql.ErrNoRows {
		return DefaultVATRateBP, nil
	}
	if err != nil {
		return 0, fmt.Errorf("db: read default VAT rate: %w", err)
	}
	bp, err := strconv.ParseInt(v, 10, 64)
	if err != nil || bp < 0 || bp > MaxTaxRateBP {
		return DefaultVATRateBP, nil
	}
	return bp, nil
}

// SaveDefaultVATRate stores the agency's default VAT rate and audits it.
func (t *Store) SaveDefaultVATRate(ctx context.Context, bp int64, a Audit) error {
	if bp < 0 || bp > MaxTaxRateBP {
		return apperr.FieldErrors(map[string]string{"default_vat_rate": "The VAT rate is from 0 to 100 %."})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			settingDefaultVAT, strconv.FormatInt(bp, 10)); err != nil {
			return fmt.Errorf("db: save default VAT rate: %w", err)
		}
		a.Detail = formatBP(bp) + " %"
		return t.auditTx(ctx, tx, a)
	})
}

// formatBP writes basis points as a percentage: 2100 → "21", 950 → "9.5".
func formatBP(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", r), "0")
	}
	return s
}

// resolveTaxPresets gives each line that names a tax preset that preset's
// rate and a copy of its legal note, inside tx; a line without one has no
// note. A preset that is archived or not this agency's is refused on its
// line (line_tax.N), so nothing is written, unless kept has it: a draft
// being edited keeps an archived preset its lines were saved with, at the
// rate and note they were given (keptTaxPresets).
func resolveTaxPresets(ctx context.Context, tx *sql.Tx, lines []billing.Line, kept map[string]billing.Line) error {
	f := map[string]string{}
	for i := range lines {
		l := &lines[i]
		l.TaxNote = ""
		if l.TaxPresetID == "" {
			continue
		}
		var err error
		l.VATRateBP, l.TaxNote, err = activeTaxPreset(ctx, tx, l.TaxPresetID)
		switch {
		case err == sql.ErrNoRows && kept[l.TaxPresetID].TaxPresetID != "":
			l.VATRateBP, l.TaxNote = kept[l.TaxPresetID].VATRateBP, kept[l.TaxPresetID].TaxNote
		case err == sql.ErrNoRows:
			f[fmt.Sprintf("line_tax.%d", i)] = "Choose one of your tax presets, or type a rate."
		case err != nil:
			return fmt.Errorf("db: read tax preset %s: %w", l.TaxPresetID, err)
		}
	}
	return apperr.FieldErrors(f)
}

// activeTaxPreset reads preset id's rate and legal note inside tx: the
// one rule of which presets a line or a catalogue item may take. An
// archived preset, or one that is not this agency's, is sql.ErrNoRows.
func activeTaxPreset(ctx context.Context, tx *sql.Tx, id string) (vatRateBP int64, note string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT vat_rate_bp, note FROM tax_presets WHERE id = ? AND archived_at IS NULL`, id).Scan(&vatRateBP, &note)
	return vatRateBP, note, err
}

// keptTaxPresets are the presets the stored lines of a draft (table's
// rows whose col is id) carry, each with the rate and note its line was
// saved with, inside tx: what resolveTaxPresets lets the draft keep once
// the preset is archived.
func keptTaxPresets(ctx context.Context, tx *sql.Tx, table, col, id string) (map[string]billing.Line, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tax_preset_id, vat_rate_bp, tax_note FROM `+table+` WHERE `+col+` = ? AND tax_preset_id IS NOT NULL ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("db: tax presets of %s: %w", id, err)
	}
	defer rows.Close()
	kept := map[string]billing.Line{}
	for rows.Next() {
		var l billing.Line
		if err := rows.Scan(&l.TaxPresetID, &l.VATRateBP, &l.TaxNote); err != nil {
			return nil, fmt.Errorf("db: tax presets of %s: %w", id, err)
		}
		if _, ok := kept[l.TaxPresetID]; !ok {
			kept[l.TaxPresetID] = l
		}
	}
	return kept, rows.Err()
}

// ArchivedTaxPresets reads the archived presets among ids, for an editor
// whose lines still carry them.
func (t *Store) ArchivedTaxPresets(ctx context.Context, ids []string) ([]TaxPreset, error) {
	var out []TaxPreset
	for _, id := range ids {
		var p TaxPreset
		err := t.Reader().QueryRowContext(ctx, `SELECT id, name, vat_rate_bp, note FROM tax_presets WHERE id = ? AND archived_at IS NOT NULL`, id).
			Scan(&p.ID, &p.Name, &p.VATRateBP, &p.Note)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return nil, fmt.Errorf("db: read tax preset %s: %w", id, err)
		default:
			out = append(out, p)
		}
	}
	return out, nil
}
