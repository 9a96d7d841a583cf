package tenant_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// caseIDs returns the ids of rows, sorted, as one string to compare.
func caseIDs(rows []tenant.CaseRow) string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// idSet is ids sorted, as caseIDs writes them.
func idSet(ids ...string) string {
	ids = append([]string(nil), ids...)
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// CaseFilter.ClientID narrows the list, the board and the export to one
// client's cases, on top of what the viewer may see.
func TestCaseFilterNarrowsToOneClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "client-filter")
	sam := mustAddUser(t, tn, "sam@client-filter.test", tenant.RoleStaff)
	samsClient := mustCaseClient(t, tn, "Sam's client", sam.ID)
	ownersClient := mustCaseClient(t, tn, "Owner's client", owner.ID)
	emptyClient := mustCaseClient(t, tn, "No cases", "")
	mk := func(client, title, assignee, due string) string {
		return mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: title, AssigneeID: assignee, DueDate: due}).ID
	}
	sams1 := mk(samsClient, "Sam's first", "", "2026-12-01")
	sams2 := mk(samsClient, "Sam's second", owner.ID, "")
	assignedToSam := mk(ownersClient, "Assigned to Sam", sam.ID, "2026-11-20")
	hidden := mk(ownersClient, "Hidden from Sam", "", "")
	hiddenToo := mk(ownersClient, "Hidden too", owner.ID, "2026-11-25")
	restricted := tenant.NewViewer(sam, tenant.Settings{StaffSeeOwnOnly: true})

	tests := []struct {
		name   string
		viewer tenant.Viewer
		client string
		want   string
	}{
		{"an owner filtering by Sam's client gets its two cases only", everything(owner), samsClient, idSet(sams1, sams2)},
		{"an owner filtering by the owner's client gets its three cases only", everything(owner), ownersClient, idSet(assignedToSam, hidden, hiddenToo)},
		{"an owner filtering by a client without cases gets none", everything(owner), emptyClient, ""},
		{"restricted staff filtering by their client get its cases", restricted, samsClient, idSet(sams1, sams2)},
		{"restricted staff filtering by another's client get only the case assigned to them", restricted, ownersClient, idSet(assignedToSam)},
		{"restricted staff filtering by a client without cases get none", restricted, emptyClient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range tenant.CaseSorts {
				rows, next, err := tn.Cases(ctx, tt.viewer, tenant.CaseFilter{ClientID: tt.client, Sort: order})
				if err != nil {
					t.Fatal(err)
				}
				if got := caseIDs(rows); got != tt.want || next != "" {
					t.Errorf("list in order %s: %s (next %q), want %s", order, got, next, tt.want)
				}
			}
			t.Run("page by page too", func(t *testing.T) {
				var all []tenant.CaseRow
				after := ""
				for pages := 0; pages < 10; pages++ {
					rows, next, err := tn.Cases(ctx, tt.viewer, tenant.CaseFilter{ClientID: tt.client, Limit: 1, After: after})
					if err != nil {
						t.Fatal(err)
					}
					all = append(all, rows...)
					if after = next; after == "" {
						break
					}
				}
				if got := caseIDs(all); got != tt.want {
					t.Fatalf("paged: %s, want %s", got, tt.want)
				}
			})
			cols, err := tn.CaseBoard(ctx, tt.viewer, tenant.CaseFilter{ClientID: tt.client}, 50)
			if err != nil {
				t.Fatal(err)
			}
			var cards []tenant.CaseRow
			count := 0
			for _, c := range cols {
				cards = append(cards, c.Cards...)
				count += c.Count
			}
			if got := caseIDs(cards); got != tt.want || count != len(cards) {
				t.Errorf("board: %s counted %d, want %s", got, count, tt.want)
			}
			var exported []tenant.CaseRow
			if err := tn.EachCase(ctx, tt.viewer, tenant.CaseFilter{ClientID: tt.client}, func(k *tenant.Case) error {
				exported = append(exported, tenant.CaseRow{ID: k.ID})
				if k.ClientID != tt.client {
					t.Errorf("exported case %s is of client %s", k.ID, k.ClientID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got := caseIDs(exported); got != tt.want {
				t.Errorf("export: %s, want %s", got, tt.want)
			}
		})
	}
}
