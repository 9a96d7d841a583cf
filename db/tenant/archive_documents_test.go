package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/db/tenant"
)

// Archiving closed cases keeps their documents unless the agency chose to
// delete them: without purgeDocuments the documents stay listed and no file
// is handed back for removal; with it they go and their files are returned.
func TestArchiveClosedCasesKeepsDocumentsUnlessAsked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		purge bool
	}{{"kept when the agency keeps them", false}, {"deleted when the agency chose so", true}} {
		t.Run("documents of archived cases are "+tc.name, func(t *testing.T) {
			t.Parallel()
			f := mustOpenFixture(t)
			tn, owner := f.mustOpenAgency(t, "archive")
			x := mustCaseClient(t, tn, "Xylo Ltd", "")
			k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: x, Title: "Website"})
			staff := tenant.StaffDocumentAccess(everything(owner))
			if _, err := tn.AddDocuments(ctx, staff, actorOf(owner), k.ID, false, 1<<30,
				[]tenant.DocumentFile{docFile("brief.pdf", 10), docFile("logo.png", 10)}, sizeText); err != nil {
				t.Fatal(err)
			}
			if _, err := tn.UpdateCase(ctx, everything(owner), actorOf(owner), k.ID, 0, tenant.CaseChange{Status: ptr(tenant.CaseClosed)}); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(48 * time.Hour)
			n, purged, err := tn.ArchiveClosedCases(ctx, f.clock.Now().Add(-24*time.Hour), tc.purge)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("%d cases archived, want 1", n)
			}
			left := queryInt(t, tn, `SELECT COUNT(*) FROM documents WHERE case_id = ?`, k.ID)
			switch {
			case tc.purge && (len(purged) != 2 || left != 0):
				t.Errorf("%d documents returned for removal and %d left, want 2 and none", len(purged), left)
			case !tc.purge && (len(purged) != 0 || left != 2):
				t.Errorf("%d documents returned for removal and %d left, want none and 2", len(purged), left)
			}
		})
	}
}
