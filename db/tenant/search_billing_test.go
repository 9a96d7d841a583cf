package tenant_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"mintedmind/db/tenant"
)

// invoice adds an invoice of client with number ("" for a draft) and notes.
func (f *searchFixture) invoice(clientID, number, notes string, total int64) string {
	f.t.Helper()
	id := uuid.NewString()
	f.exec(`INSERT INTO invoices (id, number, client_id, status, currency, issue_date, terms_days, due_date, notes, total, created_at, updated_at)
		VALUES (?, NULLIF(?, ''), ?, CASE WHEN ? = '' THEN 'draft' ELSE 'issued' END, 'EUR', '2026-01-05', 14, '2026-01-19', ?, ?, 1, 1)`,
		id, number, clientID, number, notes, total)
	return id
}

// document adds a document named name to caseID.
func (f *searchFixture) document(caseID, name string) string {
	f.t.Helper()
	id := uuid.NewString()
	f.exec(`INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, created_at) VALUES (?, ?, ?, 'application/pdf', 10, 'x', ?, 1)`,
		id, caseID, name, uuid.NewString())
	return id
}

func TestSearchFindsInvoicesAndDocuments(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-billing")
	v := tenant.Viewer{UserID: owner.ID}
	acme := f.client("Acme Shipping", "", "")
	k := f.kase(acme, "Harbour permit", "", "")
	var first string
	for i := 1; i <= 12; i++ {
		id := f.invoice(acme, fmt.Sprintf("INV-2026-%04d", i), "", int64(i)*1000)
		if i == 1 {
			first = id
		}
	}
	// Numbers that share the words of the first one.
	f.invoice(acme, "INV-2026-00010", "", 5)
	draft := f.invoice(acme, "", "Harbour dues for March", 12345)
	doc := f.document(k, "signed-permit-application.pdf")

	t.Run("an invoice number finds that invoice first", func(t *testing.T) {
		for _, q := range []string{"INV-2026-0001", "inv-2026-0001", " INV-2026-0001 "} {
			res := mustSearch(t, f.tn, v, q)
			if len(res.Hits) == 0 || res.Hits[0].ID != first {
				t.Fatalf("%q: hits %v, want %s first", q, hitIDs(res), first)
			}
			h := res.Hits[0]
			if h.Kind != "invoice" || h.ClientName != "Acme Shipping" || h.Total != 1000 || h.Currency != "EUR" || h.InvoiceStatus != tenant.InvoiceIssued {
				t.Errorf("%q: first hit %+v, want the invoice with its client, amount and status", q, h)
			}
		}
	})
	t.Run("an invoice's notes find a draft", func(t *testing.T) {
		res := mustSearch(t, f.tn, v, "harbour dues")
		if !hasHit(res, draft) {
			t.Errorf("hits %v lack the draft %s", hitIDs(res), draft)
		}
	})
	t.Run("a document's name finds it with its case", func(t *testing.T) {
		res := mustSearch(t, f.tn, v, "permit applic")
		if !hasHit(res, doc) {
			t.Fatalf("hits %v lack the document %s", hitIDs(res), doc)
		}
		for _, h := range res.Hits {
			if h.ID == doc && (h.Kind != "document" || h.CaseID != k || h.ClientName != "Acme Shipping") {
				t.Errorf("document hit %+v, want its case and client", h)
			}
		}
	})
	t.Run("a document in the trash is not found, and is again once restored", func(t *testing.T) {
		f.exec(`UPDATE documents SET deleted_at = 5 WHERE id = ?`, doc)
		if res := mustSearch(t, f.tn, v, "signed permit"); hasHit(res, doc) {
			t.Errorf("a trashed document was found: %v", hitIDs(res))
		}
		f.exec(`UPDATE documents SET deleted_at = NULL WHERE id = ?`, doc)
		if res := mustSearch(t, f.tn, v, "signed permit"); !hasHit(res, doc) {
			t.Errorf("a restored document was not found: %v", hitIDs(res))
		}
	})
	t.Run("issuing a draft indexes its number", func(t *testing.T) {
		f.exec(`UPDATE invoices SET number = 'INV-2026-0099', status = 'issued' WHERE id = ?`, draft)
		res := mustSearch(t, f.tn, v, "INV-2026-0099")
		if len(res.Hits) == 0 || res.Hits[0].ID != draft {
			t.Errorf("hits %v, want %s first", hitIDs(res), draft)
		}
	})
}

func TestSearchInvoicesAndDocumentsFollowVisibility(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-billing-own")
	staff := mustAddUser(t, f.tn, "staff@example.test", tenant.RoleStaff)
	mine := f.client("Mine Ltd", "", staff.ID)
	theirs := f.client("Theirs Ltd", "", owner.ID)
	myInvoice := f.invoice(mine, "INV-2026-0101", "", 100)
	theirInvoice := f.invoice(theirs, "INV-2026-0102", "", 100)
	myDoc := f.document(f.kase(mine, "Mine case", "", ""), "quarterly-report.pdf")
	theirDoc := f.document(f.kase(theirs, "Theirs case", "", ""), "quarterly-report-2.pdf")
	own := tenant.Viewer{UserID: staff.ID, OwnOnly: true}
	if res := mustSearch(t, f.tn, own, "INV-2026-0102"); hasHit(res, theirInvoice) {
		t.Errorf("a staff member who sees their own clients found another's invoice: %v", hitIDs(res))
	}
	if res := mustSearch(t, f.tn, own, "INV-2026-0101"); !hasHit(res, myInvoice) {
		t.Errorf("their own invoice was not found: %v", hitIDs(res))
	}
	res := mustSearch(t, f.tn, own, "quarterly report")
	if !hasHit(res, myDoc) || hasHit(res, theirDoc) {
		t.Errorf("documents found %v, want %s only", hitIDs(res), myDoc)
	}
}
