package tenant

import (
	"context"
	"fmt"
)

// nextSequence returns the next value of a named agency-wide counter inside
// tx, so that a number is used only if the transaction commits: gapless.
func nextSequence(ctx context.Context, tx caseQuerier, name string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sequences (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("db: next %s: %w", name, err)
	}
	return v, nil
}
