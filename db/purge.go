package db

import (
	"context"
	"fmt"
)

// CountOrDelete deletes the rows `from` (a table and WHERE clause) selects,
// or with dryRun only counts them.
func CountOrDelete(ctx context.Context, d *DB, dryRun bool, from string, args ...any) (int64, error) {
	if dryRun {
		var n int64
		err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from, args...).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("db: count %s: %w", from, err)
		}
		return n, nil
	}
	res, err := d.Write().ExecContext(ctx, `DELETE FROM `+from, args...)
	if err != nil {
		return 0, fmt.Errorf("db: purge %s: %w", from, err)
	}
	return res.RowsAffected()
}
