package tenant

import (
	"context"
	"database/sql"
	"testing"
)

// StartAcceptedAgain runs an accepted quote's starts once more, in a
// transaction of their own, as a second signer finishing would: what the
// quote records as started must not be started again.
func StartAcceptedAgain(t testing.TB, tn *Store, quoteID, today string) error {
	t.Helper()
	ctx := context.Background()
	return tn.Tx(ctx, func(tx *sql.Tx) error {
		q, err := loadQuote(ctx, tx, Viewer{}, quoteID)
		if err != nil {
			return err
		}
		return tn.startAcceptedTx(ctx, tx, Actor{Name: "Second signer"}, q, Acceptance{Today: today, AgencyName: "Agency"}, Audit{ActorName: "Second signer"})
	})
}
