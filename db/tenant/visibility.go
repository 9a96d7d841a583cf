package tenant

// Viewer is the signed-in staff member a query runs for. Every query that
// lists or loads clients, cases or notes for staff takes one, so that the
// agency's visibility setting is applied in SQL, in one place.
type Viewer struct {
	UserID string
	// OwnOnly is true for a staff member of an agency that limits staff to
	// their own clients and cases; owners and admins always see everything.
	OwnOnly bool
	// ClientID is set for a client contact: they see their own client and
	// its cases only (what of a case is shown to them is for the query to
	// narrow further: client-visible events, notes, documents).
	ClientID string
}

// noClient is a client id that matches nothing: a contact whose client is
// gone sees nothing rather than everything.
const noClient = "-"

// NewViewer applies the agency's settings to a user.
func NewViewer(u *User, s Settings) Viewer {
	if u.Role == RoleClient {
		id := u.ClientID
		if id == "" {
			id = noClient
		}
		return Viewer{UserID: u.ID, ClientID: id}
	}
	return Viewer{UserID: u.ID, OwnOnly: s.StaffSeeOwnOnly && u.Role == RoleStaff}
}

// clientFilter returns a SQL condition on a clients row aliased as alias,
// and its arguments: true for every client unless the viewer sees their own only.
func (v Viewer) clientFilter(alias string) (string, []any) {
	if v.ClientID != "" {
		return alias + ".id = ?", []any{v.ClientID}
	}
	if !v.OwnOnly {
		return "1 = 1", nil
	}
	return alias + ".responsible_id = ?", []any{v.UserID}
}

// caseFilter returns a SQL condition on a cases row aliased as alias: a
// viewer who sees their own only sees cases assigned to them and the cases
// of clients they are responsible for.
func (v Viewer) caseFilter(alias string) (string, []any) {
	if v.ClientID != "" {
		return alias + ".client_id = ?", []any{v.ClientID}
	}
	if !v.OwnOnly {
		return "1 = 1", nil
	}
	return "(" + alias + ".assignee_id = ? OR " + alias + ".client_id IN (SELECT id FROM clients WHERE responsible_id = ?))", []any{v.UserID, v.UserID}
}
