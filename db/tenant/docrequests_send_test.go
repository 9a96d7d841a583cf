package tenant_test

import (
	"context"
	"sync"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestRequestedDocumentIsOneStep: the client's file for a document asked
// for and the request's "sent" are one transaction: of two sends at once
// exactly one is recorded, and the loser leaves no document, no event; a
// request withdrawn or accepted meanwhile, or another client's, takes no
// file.
func TestRequestedDocumentIsOneStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "docreq-send")
	acme := mustCaseClient(t, tn, "Acme", "")
	globex := mustCaseClient(t, tn, "Globex", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme, Title: "Acme's"})
	staff := everything(owner)
	ask := func(name string) *tenant.DocumentRequest {
		t.Helper()
		d, err := tn.AddDocumentRequest(ctx, staff, actorOf(owner), k.ID, tenant.DocumentRequestInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	contact := tenant.ClientDocumentAccess(acme)
	client := tenant.Actor{Name: "Ann Client"}
	state := func() [2]int {
		return [2]int{queryInt(t, tn, `SELECT COUNT(*) FROM documents`), queryInt(t, tn, `SELECT COUNT(*) FROM case_events`)}
	}

	t.Run("two sends at once: one recorded, the other a conflict that wrote nothing", func(t *testing.T) {
		d := ask("Passport copy")
		before := state()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = tn.AddRequestedDocument(ctx, contact, client, k.ID, d.ID, tenant.Limits{}, docFile("p.pdf", 5), sizeText)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !apperr.Is(err, apperr.Conflict):
				t.Fatalf("a send failed otherwise: %v", err)
			}
		}
		after := state()
		// One document, its "uploaded" event and the request's "sent".
		if won != 1 || after[0] != before[0]+1 || after[1] != before[1]+2 {
			t.Fatalf("%d sends won; documents and events %v → %v", won, before, after)
		}
		got, err := tn.DocumentRequest(ctx, staff, k.ID, d.ID)
		if err != nil || got.Status != tenant.DocStatusSent || got.DocumentName != "p.pdf" {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("a withdrawn request takes no file", func(t *testing.T) {
		d := ask("Signed brief")
		if _, err := tn.WithdrawDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		before := state()
		_, err := tn.AddRequestedDocument(ctx, contact, client, k.ID, d.ID, tenant.Limits{}, docFile("b.pdf", 5), sizeText)
		wantCode(t, err, apperr.NotFound)
		if after := state(); after != before {
			t.Fatalf("%v → %v", before, after)
		}
	})
	t.Run("another client's contact, or staff access, takes no file", func(t *testing.T) {
		d := ask("Invoice copy")
		before := state()
		_, err := tn.AddRequestedDocument(ctx, tenant.ClientDocumentAccess(globex), client, k.ID, d.ID, tenant.Limits{}, docFile("x.pdf", 5), sizeText)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.AddRequestedDocument(ctx, tenant.StaffDocumentAccess(staff), client, k.ID, d.ID, tenant.Limits{}, docFile("x.pdf", 5), sizeText)
		wantCode(t, err, apperr.NotFound)
		if after := state(); after != before {
			t.Fatalf("%v → %v", before, after)
		}
	})
	t.Run("over the storage limit nothing is recorded and the request waits", func(t *testing.T) {
		d := ask("Large scan")
		before := state()
		_, err := tn.AddRequestedDocument(ctx, contact, client, k.ID, d.ID, tenant.Limits{StorageBytes: 1}, docFile("big.pdf", 5), sizeText)
		if err == nil {
			t.Fatal("stored over the limit")
		}
		if after := state(); after != before {
			t.Fatalf("%v → %v", before, after)
		}
		if got, _ := tn.DocumentRequest(ctx, staff, k.ID, d.ID); got.Status != tenant.DocStatusAsked {
			t.Fatalf("status %q", got.Status)
		}
	})
}

// TestDocumentRequestChanges: staff change or withdraw a document asked
// for until it is accepted; a new due date starts its reminders afresh;
// a contact cannot do either.
func TestDocumentRequestChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "docreq-change")
	acme := mustCaseClient(t, tn, "Acme", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: acme, Title: "Acme's"})
	staff := everything(owner)
	d, err := tn.AddDocumentRequest(ctx, staff, actorOf(owner), k.ID, tenant.DocumentRequestInput{Name: "Passport", DueDate: "2030-01-10"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Write().ExecContext(ctx, `INSERT INTO document_request_reminders (request_id, step, sent_at) VALUES (?, 'before', 1)`, d.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("bad input and a contact change nothing", func(t *testing.T) {
		_, err := tn.EditDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID, tenant.DocumentRequestInput{Name: " "})
		wantCode(t, err, apperr.Invalid)
		_, err = tn.EditDocumentRequest(ctx, tenant.Viewer{ClientID: acme}, actorOf(owner), k.ID, d.ID, tenant.DocumentRequestInput{Name: "Mine"})
		wantCode(t, err, apperr.NotFound)
		_, err = tn.WithdrawDocumentRequest(ctx, tenant.Viewer{ClientID: acme}, actorOf(owner), k.ID, d.ID)
		wantCode(t, err, apperr.NotFound)
		if got, _ := tn.DocumentRequest(ctx, staff, k.ID, d.ID); got.Name != "Passport" {
			t.Fatalf("name %q", got.Name)
		}
	})
	t.Run("the same values again change nothing", func(t *testing.T) {
		events := queryInt(t, tn, `SELECT COUNT(*) FROM case_events`)
		changed, err := tn.EditDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID, tenant.DocumentRequestInput{Name: "Passport", DueDate: "2030-01-10"})
		if err != nil || changed || queryInt(t, tn, `SELECT COUNT(*) FROM case_events`) != events {
			t.Fatalf("changed %v, %v", changed, err)
		}
	})
	t.Run("a change is saved, on the history, and a new due date reminds again", func(t *testing.T) {
		changed, err := tn.EditDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID, tenant.DocumentRequestInput{Name: "Passport copy", DueDate: "2030-02-01", Note: "Both pages"})
		if err != nil || !changed {
			t.Fatalf("changed %v, %v", changed, err)
		}
		got, _ := tn.DocumentRequest(ctx, staff, k.ID, d.ID)
		if got.Name != "Passport copy" || got.DueDate != "2030-02-01" || got.Note != "Both pages" {
			t.Fatalf("%+v", got)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM document_request_reminders WHERE request_id = ?`, d.ID); n != 0 {
			t.Fatalf("%d reminders kept", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE kind = ? AND field = ? AND old_value = ? AND visible_to_client = 1`,
			tenant.EventDocRequest, tenant.DocRequestEdited, "Passport · due 2030-02-01 (was 2030-01-10)"); n != 1 {
			t.Fatalf("%d edit events", n)
		}
	})
	t.Run("an accepted document can be neither changed nor withdrawn", func(t *testing.T) {
		if _, err := tn.AddRequestedDocument(ctx, tenant.ClientDocumentAccess(acme), tenant.Actor{Name: "Ann"}, k.ID, d.ID, tenant.Limits{}, docFile("p.pdf", 5), sizeText); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.ReviewDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		_, err := tn.EditDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID, tenant.DocumentRequestInput{Name: "Other"})
		wantCode(t, err, apperr.Conflict)
		_, err = tn.WithdrawDocumentRequest(ctx, staff, actorOf(owner), k.ID, d.ID)
		wantCode(t, err, apperr.Conflict)
	})
	t.Run("withdrawn: gone from the checklist, the file sent stays a document", func(t *testing.T) {
		e, err := tn.AddDocumentRequest(ctx, staff, actorOf(owner), k.ID, tenant.DocumentRequestInput{Name: "Brief"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.AddRequestedDocument(ctx, tenant.ClientDocumentAccess(acme), tenant.Actor{Name: "Ann"}, k.ID, e.ID, tenant.Limits{}, docFile("brief.pdf", 5), sizeText); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.WithdrawDocumentRequest(ctx, staff, actorOf(owner), k.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.DocumentRequest(ctx, staff, k.ID, e.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("still there: %v", err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM documents WHERE name = 'brief.pdf'`); n != 1 {
			t.Fatalf("%d documents", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE field = ? AND new_value = 'Brief'`, tenant.DocRequestWithdrawn); n != 1 {
			t.Fatalf("%d withdraw events", n)
		}
	})
}
