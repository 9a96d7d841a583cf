package tenant

import (
	"context"

	"mintedmind/db"
)

// CaseAudience is who may be told that a case changed: its client (whose
// contacts see what is shared with them) and, among staff limited to their
// own cases, its assignee and its client's responsible staff member — the
// same people Viewer.caseFilter lets see the case.
type CaseAudience struct {
	CaseID        string
	ClientID      string
	AssigneeID    string
	ResponsibleID string
}

// CaseAudience reads the audience of one case, whoever asks: it is called
// after a change committed, to address the live notice (package live).
func (t *Store) CaseAudience(ctx context.Context, caseID string) (CaseAudience, error) {
	a := CaseAudience{CaseID: caseID}
	err := t.Reader().QueryRowContext(ctx, `SELECT c.client_id, COALESCE(c.assignee_id, ''), COALESCE(cl.responsible_id, '')
		FROM cases c JOIN clients cl ON cl.id = c.client_id WHERE c.id = ?`, caseID).Scan(&a.ClientID, &a.AssigneeID, &a.ResponsibleID)
	if err != nil {
		return CaseAudience{}, db.NotFound(err, "Case")
	}
	return a, nil
}
