package tenant_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestAgreementSigningInOrder: an agreement's signers sign in their
// order, each with their own emailed code; not yet their turn, not a
// signer, another client's contact: refused and nothing changes; the
// last signature completes it once and stores the sealed PDF with its
// SHA-256, which the verify lookup and the client's documents find.
func TestAgreementSigningInOrder(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "agreement-order")
	ctx := context.Background()
	client, other := mustCaseClient(t, tn, "Acme", ""), mustCaseClient(t, tn, "Other", "")
	first := mustPortalContact(t, tn, owner, client, "first@acme.test")
	second := mustPortalContact(t, tn, owner, client, "second@acme.test")
	bystander := mustPortalContact(t, tn, owner, client, "bystander@acme.test")
	outsider := mustPortalContact(t, tn, owner, other, "o@other.test")
	viewer := func(u *tenant.User) tenant.Viewer { return tenant.NewViewer(u, tenant.Settings{}) }
	staff := everything(owner)
	state := func(id string) string {
		return queryString(t, tn, `SELECT state || '/' || (SELECT COUNT(*) FROM agreement_signers WHERE agreement_id = ? AND signed_at IS NOT NULL) || '/' ||
			(SELECT COUNT(*) FROM agreement_events WHERE agreement_id = ?) || '/' || (SELECT COUNT(*) FROM agreement_codes WHERE used_at IS NOT NULL) || '/' ||
			(SELECT COUNT(*) FROM signed_documents WHERE agreement_id = ?) FROM agreements WHERE id = ?`, id, id, id, id)
	}
	sealed := 0
	var mu sync.Mutex
	seal := func(g *tenant.Agreement, trail []tenant.QuoteEvent) ([]byte, error) {
		mu.Lock()
		sealed++
		mu.Unlock()
		return []byte("%PDF-1.4 agreement " + g.ID + " " + g.Signers[len(g.Signers)-1].SignerName), nil
	}
	sign := func(u *tenant.User, id, code string) (*tenant.Agreement, error) {
		return tn.SignAgreement(ctx, viewer(u), actorOf(u), id, tenant.Signing{SignerName: u.Name, Agreed: true, Email: u.Email, IP: "192.0.2.7", UserAgent: "test",
			Code: code, Seal: seal}, tenant.Audit{Action: "agreement.signed"})
	}
	code := func(u *tenant.User, id, c string) string {
		t.Helper()
		if _, err := tn.CreateAgreementCode(ctx, viewer(u), actorOf(u), id, u.Email, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	sent := func(t *testing.T) *tenant.Agreement {
		t.Helper()
		g, err := tn.CreateAgreement(ctx, staff, actorOf(owner), tenant.AgreementInput{ClientID: client, Title: "Service agreement", Body: "Acme agrees.",
			SignerIDs: []string{first.ID, second.ID}}, tenant.Audit{Action: "agreement.created"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.Agreement(ctx, viewer(first), g.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a contact sees a draft: %v", err)
		}
		if g, err = tn.SendAgreement(ctx, staff, actorOf(owner), g.ID, "Agency", tenant.Audit{Action: "agreement.sent"}); err != nil {
			t.Fatal(err)
		}
		return g
	}

	t.Run("signers must be distinct active contacts of the client, and nothing is saved otherwise", func(t *testing.T) {
		before := queryInt(t, tn, `SELECT COUNT(*) FROM agreements`)
		for _, ids := range [][]string{nil, {first.ID, first.ID}, {first.ID, outsider.ID}, {owner.ID}} {
			_, err := tn.CreateAgreement(ctx, staff, actorOf(owner), tenant.AgreementInput{ClientID: client, Title: "T", Body: "B", SignerIDs: ids}, tenant.Audit{Action: "agreement.created"})
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("signers %v: %v", ids, err)
			}
		}
		if queryInt(t, tn, `SELECT COUNT(*) FROM agreements`) != before {
			t.Fatal("a refused agreement was saved")
		}
	})

	t.Run("in order: the second waits, the first signs, then the second completes it", func(t *testing.T) {
		g := sent(t)
		if g.Current() == nil || g.Current().UserID != first.ID || g.DocumentSHA256 == "" {
			t.Fatalf("sent %+v", g)
		}
		before := state(g.ID)
		if _, err := tn.CreateAgreementCode(ctx, viewer(second), actorOf(second), g.ID, second.Email, "111111"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a code before their turn: %v", err)
		}
		if _, err := tn.CreateAgreementCode(ctx, viewer(bystander), actorOf(bystander), g.ID, bystander.Email, "111111"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a code for a contact not a signer: %v", err)
		}
		if _, err := tn.CreateAgreementCode(ctx, viewer(outsider), actorOf(outsider), g.ID, outsider.Email, "111111"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another client's contact: %v", err)
		}
		if _, err := sign(second, g.ID, "111111"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("the second signed first: %v", err)
		}
		if state(g.ID) != before {
			t.Fatalf("refusals changed the agreement: %s → %s", before, state(g.ID))
		}
		c1 := code(first, g.ID, "222222")
		if _, err := sign(first, g.ID, "999999"); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a wrong code: %v", err)
		}
		after, err := sign(first, g.ID, c1)
		if err != nil || after.State != tenant.AgreementSent || after.Current().UserID != second.ID || !after.Signers[0].Signed() || after.Signers[0].IP != "192.0.2.7" {
			t.Fatalf("after the first: %+v %v", after, err)
		}
		if _, err := sign(first, g.ID, c1); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("the first signed twice: %v", err)
		}
		if _, err := tn.SignedAgreement(ctx, staff, g.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a signed PDF before the last signature: %v", err)
		}
		done, err := sign(second, g.ID, code(second, g.ID, "333333"))
		if err != nil || done.State != tenant.AgreementCompleted || done.Current() != nil {
			t.Fatalf("after the second: %+v %v", done, err)
		}
		d, err := tn.SignedAgreement(ctx, viewer(first), g.ID)
		sum := sha256.Sum256(d.PDF)
		if err != nil || d.SHA256 != hex.EncodeToString(sum[:]) || d.BodySHA256 != g.DocumentSHA256 || d.Label != "Service agreement" {
			t.Fatalf("signed %+v %v", d, err)
		}
		if got, err := tn.SignedDocumentBySHA256(ctx, sum); err != nil || got.AgreementID != g.ID || got.QuoteID != "" {
			t.Fatalf("verify: %+v %v", got, err)
		}
		docs, err := tn.SignedDocuments(ctx, viewer(first), client, "")
		if err != nil || len(docs) != 1 || docs[0].AgreementID != g.ID {
			t.Fatalf("client documents %+v %v", docs, err)
		}
		if docs, err := tn.SignedDocuments(ctx, viewer(outsider), other, ""); err != nil || len(docs) != 0 {
			t.Fatalf("another client's documents %+v %v", docs, err)
		}
	})

	t.Run("the last signer submitting twice at once completes it once", func(t *testing.T) {
		g := sent(t)
		if _, err := sign(first, g.ID, code(first, g.ID, "444444")); err != nil {
			t.Fatal(err)
		}
		c := code(second, g.ID, "555555")
		mu.Lock()
		sealed = 0
		mu.Unlock()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = sign(second, g.ID, c)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) != apperr.Conflict && apperr.CodeOf(err) != apperr.Invalid:
				t.Fatalf("a concurrent signature: %v", err)
			}
		}
		if st := state(g.ID); ok != 1 || sealed != 1 || !strings.HasPrefix(st, "completed/2/9/") || !strings.HasSuffix(st, "/1") {
			t.Fatalf("%d succeeded, %d sealed, state %s", ok, sealed, state(g.ID))
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM agreement_events WHERE agreement_id = ? AND kind = 'completed'`, g.ID); n != 1 {
			t.Fatalf("%d completions", n)
		}
	})
}

// queryString runs a single-value query on the tenant's readers.
func queryString(t testing.TB, tn *tenant.Store, query string, args ...any) string {
	t.Helper()
	var s string
	if err := tn.Read().QueryRowContext(context.Background(), query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}
