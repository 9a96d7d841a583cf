package tenant_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// The rules of portal.go that the handlers' tests reached but the store's
// own did not (gremlins, 3 December 2026: "not covered"): what a contact
// sees of invoices, who hears of a case, email opt-outs, unread counts and
// the staff's unseen client activity. Each is checked here, where it lives.

func userNames(us []*tenant.User) []string {
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.Email)
	}
	sort.Strings(out)
	return out
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

func TestPortalInvoicesAreTheClientsIssuedOnes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "invoices")
	a := mustCaseClient(t, tn, "Client A", "")
	b := mustCaseClient(t, tn, "Client B", "")
	contact := mustPortalContact(t, tn, owner, a, "contact@a.test")
	v := tenant.NewViewer(contact, tenant.Settings{})

	issuedA := mustIssued(t, tn, owner, invoiceInput(a))
	draftA, err := tn.CreateInvoice(ctx, everything(owner), actorOf(owner), invoiceInput(a))
	if err != nil {
		t.Fatal(err)
	}
	issuedB := mustIssued(t, tn, owner, invoiceInput(b))

	rows, err := tn.PortalInvoices(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ID != issuedA.ID {
		t.Fatalf("the contact's invoice list: %+v, want only %s (not the draft %s, not client B's %s)", rows, issuedA.ID, draftA.ID, issuedB.ID)
	}
	if got, err := tn.PortalInvoice(ctx, v, issuedA.ID); err != nil || got.ID != issuedA.ID {
		t.Fatalf("the client's issued invoice: %v, %v", got, err)
	}
	for name, id := range map[string]string{"the client's draft": draftA.ID, "another client's invoice": issuedB.ID} {
		_, err := tn.PortalInvoice(ctx, v, id)
		if apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}

	// A viewer with no client (staff, or a contact whose client is gone
	// before NewViewer narrows it) has no portal invoices at all.
	staff := everything(owner)
	if rows, err := tn.PortalInvoices(ctx, staff); err != nil || len(rows) != 0 {
		t.Fatalf("portal invoices without a client: %v, %v", rows, err)
	}
	if _, err := tn.PortalInvoice(ctx, staff, issuedA.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("portal invoice without a client: %v, want not found", err)
	}
}

func TestWhoHearsOfACase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "hears")
	assignee := mustAddUser(t, tn, "assignee@hears.test", tenant.RoleStaff)
	responsible := mustAddUser(t, tn, "responsible@hears.test", tenant.RoleStaff)
	a := mustCaseClient(t, tn, "Client A", responsible.ID)
	b := mustCaseClient(t, tn, "Client B", "")
	active := mustPortalContact(t, tn, owner, a, "active@a.test")
	gone := mustPortalContact(t, tn, owner, a, "gone@a.test")
	mustPortalContact(t, tn, owner, b, "other@b.test")
	if err := tn.SetUserStatus(ctx, gone.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
		t.Fatal(err)
	}
	assigned := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: a, Title: "Assigned", AssigneeID: assignee.ID})
	unassigned := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: a, Title: "Nobody's"})

	got, err := tn.CaseContacts(ctx, assigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "a case's contacts", userNames(got), []string{active.Email})
	got, err = tn.ActiveContacts(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "a client's active contacts", userNames(got), []string{active.Email})
	got, err = tn.ClientContacts(ctx, everything(owner), a)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "a client's contacts, active or not", userNames(got), []string{active.Email, gone.Email})

	// Staff who see their own clients only cannot list another's contacts.
	own := tenant.NewViewer(assignee, tenant.Settings{StaffSeeOwnOnly: true})
	if _, err := tn.ClientContacts(ctx, own, b); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("restricted staff listing another client's contacts: %v, want not found", err)
	}

	got, err = tn.CaseWatchers(ctx, assigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "an assigned case's watchers", userNames(got), []string{assignee.Email})
	got, err = tn.CaseWatchers(ctx, unassigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "an unassigned case's watchers (the client's responsible person)", userNames(got), []string{responsible.Email})
	if err := tn.SetUserStatus(ctx, assignee.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
		t.Fatal(err)
	}
	got, err = tn.CaseWatchers(ctx, assigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "a case whose assignee is disabled", userNames(got), nil)
}

func TestEmailOptOutsArePerPersonAndKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "optout")
	other := mustAddUser(t, tn, "other@optout.test", tenant.RoleStaff)
	wants := func(u *tenant.User, kind string) bool {
		t.Helper()
		ok, err := tn.WantsEmail(ctx, u.ID, kind)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !wants(owner, tenant.EmailClientActivity) || !wants(owner, tenant.EmailCaseUpdates) {
		t.Fatal("a person who turned nothing off must want every kind")
	}
	if err := tn.SetEmailOptOuts(ctx, owner.ID, []string{tenant.EmailClientActivity}, tenant.Audit{Action: "account.email_preferences"}); err != nil {
		t.Fatal(err)
	}
	if wants(owner, tenant.EmailClientActivity) {
		t.Fatal("a kind turned off is still wanted")
	}
	if !wants(owner, tenant.EmailCaseUpdates) {
		t.Fatal("turning one kind off turned another off")
	}
	if !wants(other, tenant.EmailClientActivity) {
		t.Fatal("one person's opt-out applied to another")
	}
	off, err := tn.EmailOptOuts(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(off) != 1 || !off[tenant.EmailClientActivity] {
		t.Fatalf("opt-outs %v", off)
	}
	// The list replaces what was there: turning everything back on.
	if err := tn.SetEmailOptOuts(ctx, owner.ID, nil, tenant.Audit{Action: "account.email_preferences"}); err != nil {
		t.Fatal(err)
	}
	if !wants(owner, tenant.EmailClientActivity) {
		t.Fatal("a kind turned back on is still off")
	}
}

func TestPortalCasesUnreadAndOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "unread")
	a := mustCaseClient(t, tn, "Client A", "")
	b := mustCaseClient(t, tn, "Client B", "")
	contact := mustPortalContact(t, tn, owner, a, "contact@a.test")
	v := tenant.NewViewer(contact, tenant.Settings{})

	closed := mustSharedCase(t, tn, owner, a, "Closed one", nil, []string{"first"})
	f.clock.Advance(time.Minute)
	open := mustSharedCase(t, tn, owner, a, "Open one", nil, []string{"one", "two"})
	mustSharedCase(t, tn, owner, b, "Client B's", nil, []string{"theirs"})
	if _, err := tn.AddNote(ctx, everything(owner), actorOf(owner), open.id, "internal only", false); err != nil {
		t.Fatal(err)
	}
	// The contact's own message is not unread to them.
	if _, err := tn.AddNote(ctx, v, tenant.Actor{ID: contact.ID, Name: contact.Name}, open.id, "from me", true); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	status := tenant.CaseClosed
	if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), closed.id, 0, tenant.CaseChange{Status: &status}); err != nil {
		t.Fatal(err)
	}

	unread := func() map[string]int {
		t.Helper()
		cases, err := tn.PortalCases(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) != 2 || cases[0].ID != open.id || cases[1].ID != closed.id {
			t.Fatalf("portal cases %+v: want the open case, then the closed one (updated later), and no other client's", cases)
		}
		if !cases[0].Open() || cases[1].Open() {
			t.Fatalf("Open(): %v for %s, %v for %s", cases[0].Open(), cases[0].Status, cases[1].Open(), cases[1].Status)
		}
		return map[string]int{open.id: cases[0].Unread, closed.id: cases[1].Unread}
	}
	got := unread()
	if got[open.id] < 2 {
		t.Fatalf("unread on the open case: %d, want at least its two shared notes", got[open.id])
	}
	if err := tn.MarkCaseRead(ctx, contact.ID, open.id); err != nil {
		t.Fatal(err)
	}
	if got := unread(); got[open.id] != 0 || got[closed.id] == 0 {
		t.Fatalf("after reading the open case: %v, want it 0 and the other case still unread", got)
	}
	if _, err := tn.AddNote(ctx, everything(owner), actorOf(owner), open.id, "news", true); err != nil {
		t.Fatal(err)
	}
	if got := unread(); got[open.id] != 1 {
		t.Fatalf("after one new shared note: %v, want 1", got)
	}
	if _, err := tn.AddNote(ctx, everything(owner), actorOf(owner), open.id, "internal again", false); err != nil {
		t.Fatal(err)
	}
	if got := unread(); got[open.id] != 1 {
		t.Fatalf("an internal note counted as unread: %v", got)
	}
}

func TestUnseenClientActivity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "activity")
	staff := mustAddUser(t, tn, "staff@activity.test", tenant.RoleStaff)
	mine := mustCaseClient(t, tn, "Staff's client", staff.ID)
	theirs := mustCaseClient(t, tn, "Someone else's client", "")
	assigned := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mine, Title: "Assigned", AssigneeID: staff.ID})
	other := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: theirs, Title: "Other"})
	quiet := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: theirs, Title: "Quiet"})

	ids := func(v tenant.Viewer, onlyAssigned bool) []string {
		t.Helper()
		cs, err := tn.UnseenClientActivity(ctx, v, onlyAssigned, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(everything(owner), false); len(got) != 0 {
		t.Fatalf("before any client activity: %v", got)
	}
	if err := tn.NoteClientActivity(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := tn.NoteClientActivity(ctx, assigned.ID); err != nil {
		t.Fatal(err)
	}
	sameList(t, "the owner's unseen activity, newest first", ids(everything(owner), false), []string{assigned.ID, other.ID})
	sameList(t, "the owner's, assigned only", ids(everything(owner), true), []string{})
	sameList(t, "staff's, assigned only", ids(everything(staff), true), []string{assigned.ID})
	restricted := tenant.NewViewer(staff, tenant.Settings{StaffSeeOwnOnly: true})
	sameList(t, "restricted staff's, all they may see", ids(restricted, false), []string{assigned.ID})
	if got := ids(everything(owner), false); len(got) == 3 {
		t.Fatalf("a case without client activity listed: %v (%s)", got, quiet.ID)
	}

	// Opening a case marks it seen for that person only.
	if err := tn.SeeClientActivity(ctx, owner.ID, assigned.ID); err != nil {
		t.Fatal(err)
	}
	sameList(t, "the owner's after opening the assigned case", ids(everything(owner), false), []string{other.ID})
	sameList(t, "staff's after the owner opened it", ids(everything(staff), true), []string{assigned.ID})
	// Seeing a case with nothing new, or one that does not exist, writes nothing and fails nothing.
	if err := tn.SeeClientActivity(ctx, owner.ID, quiet.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.SeeClientActivity(ctx, owner.ID, "no-such-case"); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_reads WHERE user_id = ? AND case_id = ?`, owner.ID, quiet.ID); n != 0 {
		t.Fatalf("seeing a case without client activity wrote %d read markers", n)
	}
	// New activity after it was seen is unseen again.
	f.clock.Advance(time.Minute)
	if err := tn.NoteClientActivity(ctx, assigned.ID); err != nil {
		t.Fatal(err)
	}
	sameList(t, "the owner's after new activity", ids(everything(owner), false), []string{assigned.ID, other.ID})
}

func TestPurgeTokensDeletesOnlyWhatIsDone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "tokens")
	staff := mustAddUser(t, tn, "staff@tokens.test", tenant.RoleStaff) // its invite is accepted
	mustSignIn(t, tn, owner, testTimeouts)                             // idle by the purge
	_, revoked, err := tn.CreateInvite(ctx, "revoked@tokens.test", tenant.RoleStaff, owner.ID, 48*time.Hour, tenant.Audit{Action: "invite.created"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.RevokeInvite(ctx, revoked.ID, tenant.Audit{Action: "invite.revoked"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tn.CreateInvite(ctx, "expires@tokens.test", tenant.RoleStaff, owner.ID, time.Hour, tenant.Audit{Action: "invite.created"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tn.CreateInvite(ctx, "pending@tokens.test", tenant.RoleStaff, owner.ID, 48*time.Hour, tenant.Audit{Action: "invite.created"}); err != nil {
		t.Fatal(err)
	}
	used, err := tn.CreatePasswordReset(ctx, staff.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.ResetPassword(ctx, used, testHash, tenant.Audit{Action: "password.reset"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreatePasswordReset(ctx, owner.ID, time.Hour); err != nil { // expires
		t.Fatal(err)
	}
	if _, err := tn.CreatePasswordReset(ctx, owner.ID, 48*time.Hour); err != nil { // stays
		t.Fatal(err)
	}

	f.clock.Advance(3 * time.Hour)
	mustSignIn(t, tn, staff, testTimeouts) // fresh: stays
	counts := func() [3]int {
		return [3]int{countRows(t, tn, "sessions"), countRows(t, tn, "password_resets"), countRows(t, tn, "invites")}
	}
	before := counts()
	if before[0] < 2 || before[1] < 3 || before[2] < 4 {
		t.Fatalf("the setup made %v sessions, resets, invites", before)
	}
	want := before[0] - 1 + before[1] - 1 + before[2] - 1

	n, err := tn.PurgeTokens(ctx, testTimeouts.Idle, true)
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != want {
		t.Fatalf("dry run counted %d, want %d (all but the fresh session, the live reset link and the pending invite; before %v)", n, want, before)
	}
	if got := counts(); got != before {
		t.Fatalf("a dry run deleted: %v, before %v", got, before)
	}
	n, err = tn.PurgeTokens(ctx, testTimeouts.Idle, false)
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != want {
		t.Fatalf("purge deleted %d, want %d", n, want)
	}
	if got := counts(); got != [3]int{1, 1, 1} {
		t.Fatalf("left %v sessions, resets, invites; want the fresh session, the live link and the pending invite", got)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, staff.ID); n != 1 {
		t.Fatalf("the fresh session was purged (%d left)", n)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM invites WHERE email = 'pending@tokens.test'`); n != 1 {
		t.Fatal("the pending invite was purged")
	}
}

func TestPurgeAuditByAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "audit")
	old := countRows(t, tn, "audit_log") // the sign-up's own entries
	f.clock.Advance(48 * time.Hour)
	if err := tn.SetEmailOptOuts(ctx, owner.ID, nil, tenant.Audit{Action: "account.email_preferences"}); err != nil {
		t.Fatal(err)
	}
	cutoff := f.clock.Now().Add(-24 * time.Hour)
	if old == 0 || countRows(t, tn, "audit_log") != old+1 {
		t.Fatalf("audit rows: %d old, %d in all", old, countRows(t, tn, "audit_log"))
	}
	n, err := tn.PurgeAudit(ctx, cutoff, true)
	if err != nil || int(n) != old {
		t.Fatalf("dry run: %d, %v; want %d", n, err, old)
	}
	if countRows(t, tn, "audit_log") != old+1 {
		t.Fatal("a dry run deleted audit rows")
	}
	if n, err := tn.PurgeAudit(ctx, cutoff, false); err != nil || int(n) != old {
		t.Fatalf("purge: %d, %v; want %d", n, err, old)
	}
	if got := countRows(t, tn, "audit_log"); got != 1 {
		t.Fatalf("after the purge %d audit rows, want the newer one", got)
	}
}
