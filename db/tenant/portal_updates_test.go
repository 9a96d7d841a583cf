package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// mustPortalContact invites a portal contact of clientID as owner and
// accepts the invite: a user of role client that belongs to the client.
func mustPortalContact(t testing.TB, tn *tenant.Store, owner *tenant.User, clientID, email string) *tenant.User {
	t.Helper()
	ctx := context.Background()
	token, _, err := tn.CreateContactInvite(ctx, everything(owner), clientID, email, owner.ID, time.Hour, tenant.Audit{Action: "contact.invited"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tn.AcceptInvite(ctx, token, "Contact "+email, testHash, tenant.Audit{Action: "invite.accepted"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != tenant.RoleClient || u.ClientID != clientID {
		t.Fatalf("contact %+v", u)
	}
	return u
}

// portalCaseContent is what one case shows a client: its id, number and
// title, and the names of the shared documents and texts of the shared
// notes put on it.
type portalCaseContent struct {
	id, title string
	number    int64
	files     []string
	notes     []string
}

// mustSharedCase opens a case for clientID and puts on it shared documents
// and shared notes, each a client-visible event.
func mustSharedCase(t testing.TB, tn *tenant.Store, owner *tenant.User, clientID, title string, files, notes []string) portalCaseContent {
	t.Helper()
	ctx := context.Background()
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: clientID, Title: title})
	for _, name := range files {
		if _, err := tn.AddDocuments(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, true, 1<<30,
			[]tenant.DocumentFile{docFile(name, 10)}, sizeText); err != nil {
			t.Fatal(err)
		}
	}
	for _, body := range notes {
		if _, err := tn.AddNote(ctx, everything(owner), actorOf(owner), k.ID, body, true); err != nil {
			t.Fatal(err)
		}
	}
	return portalCaseContent{id: k.ID, title: k.Title, number: k.Number, files: files, notes: notes}
}

// leakOf returns what of another client's cases an update carries, or "".
func leakOf(u tenant.PortalUpdate, others []portalCaseContent) string {
	for _, k := range others {
		switch {
		case u.CaseID == k.id:
			return "case id " + k.id
		case u.CaseNumber == k.number:
			return "case number " + tenant.CaseNumber(k.number)
		case u.CaseTitle == k.title:
			return "case title " + k.title
		}
		text := strings.ToLower(u.NewValue + "\n" + u.OldValue)
		for _, s := range append(append([]string{k.title}, k.files...), k.notes...) {
			if strings.Contains(text, strings.ToLower(s)) {
				return "text " + s
			}
		}
	}
	return ""
}

// The portal home's "latest updates" belong to the contact's client: with
// two clients in one agency, each with cases, shared documents and shared
// notes, neither client's contact gets a line of the other's.
func TestPortalUpdatesStayWithTheContactsClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "updates")
	x, y := mustCaseClient(t, tn, "Xylo Ltd", ""), mustCaseClient(t, tn, "Yarrow Inc", "")
	xena := mustPortalContact(t, tn, owner, x, "xena@xylo.test")
	yves := mustPortalContact(t, tn, owner, y, "yves@yarrow.test")

	// The cases interleave, and the other client's are the newest, so a
	// missing client condition shows up within any limit.
	xCases := []portalCaseContent{mustSharedCase(t, tn, owner, x, "Xylo website", []string{"xylo-brief.pdf"}, []string{"Xylo launch moves to Monday"})}
	yCases := []portalCaseContent{mustSharedCase(t, tn, owner, y, "Yarrow secret plans", []string{"yarrow-plan.pdf"}, []string{"yarrow budget is 40k"})}
	xCases = append(xCases, mustSharedCase(t, tn, owner, x, "Xylo logo", []string{"xylo-logo.png"}, []string{"Logo colours attached"}))
	yCases = append(yCases, mustSharedCase(t, tn, owner, y, "Yarrow merger", []string{"yarrow-merger-terms.pdf", "due-diligence.xlsx"}, []string{"merger signing on friday"}))

	for _, tc := range []struct {
		name        string
		contact     *tenant.User
		client      string
		own, others []portalCaseContent
	}{
		{"Xylo's contact gets every Xylo update and none of Yarrow's", xena, x, xCases, yCases},
		{"Yarrow's contact gets every Yarrow update and none of Xylo's", yves, y, yCases, xCases},
	} {
		t.Run(tc.name, func(t *testing.T) {
			updates, err := tn.PortalUpdates(ctx, tenant.NewViewer(tc.contact, tenant.Settings{}), 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range updates {
				if leak := leakOf(u, tc.others); leak != "" {
					t.Errorf("update %d (%s %s %q on %s) carries the other client's %s", u.ID, u.Kind, u.Field, u.NewValue, tenant.CaseNumber(u.CaseNumber), leak)
				}
			}
			want := queryInt(t, tn, `SELECT COUNT(*) FROM case_events e JOIN cases k ON k.id = e.case_id
				WHERE k.client_id = ? AND e.visible_to_client = 1`, tc.client)
			if len(updates) != want {
				t.Fatalf("%d updates, want the client's %d client-visible events", len(updates), want)
			}
			seen := map[string]bool{}
			for _, u := range updates {
				seen[u.NewValue] = true
			}
			for _, k := range tc.own {
				for _, s := range append(append([]string{}, k.files...), k.notes...) {
					if !seen[s] {
						t.Errorf("the contact's own update %q is missing", s)
					}
				}
			}
		})
	}
	t.Run("a short limit still gives only the contact's client", func(t *testing.T) {
		updates, err := tn.PortalUpdates(ctx, tenant.NewViewer(xena, tenant.Settings{}), 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(updates) != 2 {
			t.Fatalf("%d updates, want 2", len(updates))
		}
		for _, u := range updates {
			if leak := leakOf(u, yCases); leak != "" {
				t.Errorf("update %q carries Yarrow's %s", u.NewValue, leak)
			}
		}
	})
}
