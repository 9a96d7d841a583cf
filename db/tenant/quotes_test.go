package tenant_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// quoteInput is a quote of two lines: 2 × 50.00 at 21 % with 10 % off, and
// an optional 1 × 30.00 at 21 % the client may tick.
func quoteInput(client string) tenant.QuoteInput {
	return tenant.QuoteInput{ClientID: client, Currency: "EUR", ValidUntil: "2026-12-31", Terms: "Half up front.",
		DepositKind: tenant.DepositPercent, DepositValue: 3000,
		Lines: []tenant.QuoteLine{
			{Line: billing.Line{Description: "Design", QuantityMilli: 2000, UnitPrice: 5000, VATRateBP: 2100, DiscountBP: 1000}},
			{Line: billing.Line{Description: "Hosting", QuantityMilli: 1000, UnitPrice: 3000, VATRateBP: 2100}, Optional: true},
		}}
}

func mustSentQuote(t testing.TB, tn *tenant.Store, u *tenant.User, in tenant.QuoteInput, today string) *tenant.Quote {
	t.Helper()
	ctx := context.Background()
	q, err := tn.CreateQuote(ctx, everything(u), actorOf(u), in, tenant.Audit{Action: "quote.created"})
	if err != nil {
		t.Fatal(err)
	}
	q, err = tn.SendQuote(ctx, everything(u), actorOf(u), "Agency", q.ID, today, tenant.Audit{Action: "quote.sent"})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuoteTotalsWithDiscountAndOptionalLines(t *testing.T) {
	t.Parallel()
	in := quoteInput("x")
	// Design: 100.00 - 10.00 = 90.00; VAT 21 % of 90.00 = 18.90.
	if tot := tenant.QuoteTotals(in.Lines, 0); tot.Subtotal != 9000 || tot.VAT != 1890 || tot.Total != 10890 {
		t.Fatalf("without the optional line: %+v", tot)
	}
	in.Lines[1].Chosen = true
	// + Hosting 30.00: net 120.00, VAT once on the group: 25.20.
	if tot := tenant.QuoteTotals(in.Lines, 0); tot.Subtotal != 12000 || tot.VAT != 2520 || tot.Total != 14520 {
		t.Fatalf("with the optional line: %+v", tot)
	}
	// A discount of 33.33 % on 0.10: 0.0333 rounds to 0.03.
	odd := []tenant.QuoteLine{{Line: billing.Line{Description: "x", QuantityMilli: 1000, UnitPrice: 10, VATRateBP: 0, DiscountBP: 3333}}}
	if tot := tenant.QuoteTotals(odd, 0); tot.Total != 7 {
		t.Fatalf("odd discount: %+v", tot)
	}
}

func TestQuoteLifecycle(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quotes")
	other, otherOwner := f.mustOpenAgency(t, "quotes-other")
	client := mustCaseClient(t, tn, "Acme", "")
	foreign := mustCaseClient(t, other, "Foreign", "")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	const today = "2026-11-02"

	t.Run("bad drafts write nothing", func(t *testing.T) {
		bad := map[string]tenant.QuoteInput{
			"client_id":       quoteInput(foreign),
			"currency":        func() tenant.QuoteInput { in := quoteInput(client); in.Currency = "XXX"; return in }(),
			"valid_until":     func() tenant.QuoteInput { in := quoteInput(client); in.ValidUntil = "2026-02-30"; return in }(),
			"deposit_value":   func() tenant.QuoteInput { in := quoteInput(client); in.DepositValue = 10001; return in }(),
			"line_discount.0": func() tenant.QuoteInput { in := quoteInput(client); in.Lines[0].DiscountBP = 10001; return in }(),
			"line_price.1":    func() tenant.QuoteInput { in := quoteInput(client); in.Lines[1].UnitPrice = -1; return in }(),
			"lines":           func() tenant.QuoteInput { in := quoteInput(client); in.Lines[0].Optional = true; return in }(),
		}
		for field, in := range bad {
			_, err := tn.CreateQuote(ctx, v, actor, in, tenant.Audit{Action: "quote.created"})
			if apperr.FieldsOf(err)[field] == "" {
				t.Errorf("%s: got %v", field, err)
			}
		}
		if n := countRows(t, tn, "quotes"); n != 0 {
			t.Fatalf("%d quotes written", n)
		}
	})

	t.Run("numbers are given at sending, gapless per year", func(t *testing.T) {
		draft, err := tn.CreateQuote(ctx, v, actor, quoteInput(client), tenant.Audit{Action: "quote.created"})
		if err != nil {
			t.Fatal(err)
		}
		if draft.Number != "" || draft.Label() != "Draft quote" || draft.Total != 10890 {
			t.Fatalf("draft %+v", draft)
		}
		first := mustSentQuote(t, tn, owner, quoteInput(client), today)
		second := mustSentQuote(t, tn, owner, quoteInput(client), today)
		later := quoteInput(client)
		later.ValidUntil = "2027-01-31"
		next := mustSentQuote(t, tn, owner, later, "2027-01-02")
		if first.Number != "Q-2026-0001" || second.Number != "Q-2026-0002" || next.Number != "Q-2027-0001" {
			t.Fatalf("numbers %s %s %s", first.Number, second.Number, next.Number)
		}
		if first.State != tenant.QuoteSent || first.Buyer.Name != "Acme" || first.IssueDate != today {
			t.Fatalf("sent %+v", first)
		}
		_, err = tn.SendQuote(ctx, v, actor, "Agency", first.ID, today, tenant.Audit{Action: "quote.sent"})
		wantCode(t, err, apperr.Conflict)
		// A failed send uses no number.
		past := quoteInput(client)
		past.ValidUntil = "2026-11-01"
		d, err := tn.CreateQuote(ctx, v, actor, past, tenant.Audit{Action: "quote.created"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = tn.SendQuote(ctx, v, actor, "Agency", d.ID, today, tenant.Audit{Action: "quote.sent"})
		wantCode(t, err, apperr.Invalid)
		if third := mustSentQuote(t, tn, owner, quoteInput(client), today); third.Number != "Q-2026-0003" {
			t.Fatalf("after a failed send: %s", third.Number)
		}
	})

	t.Run("a sent quote is never edited; a revision is its next version", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		changed := quoteInput(client)
		changed.Lines[0].UnitPrice = 1
		wantCode(t, tn.UpdateQuoteDraft(ctx, v, q.ID, changed, tenant.Audit{Action: "quote.updated"}), apperr.Conflict)
		if got, _ := tn.Quote(ctx, v, q.ID); got.Lines[0].UnitPrice != 5000 || got.Total != 10890 {
			t.Fatalf("sent quote changed: %+v", got.Lines)
		}
		v2, err := tn.ReviseQuote(ctx, v, actor, q.ID, tenant.Audit{Action: "quote.revised"})
		if err != nil {
			t.Fatal(err)
		}
		if v2.Number != q.Number || v2.Version != 2 || v2.State != tenant.QuoteDraft || v2.Label() != q.Number+" v2" {
			t.Fatalf("revision %+v", v2)
		}
		_, err = tn.ReviseQuote(ctx, v, actor, q.ID, tenant.Audit{Action: "quote.revised"})
		wantCode(t, err, apperr.Conflict) // one draft revision at a time
		if err := tn.UpdateQuoteDraft(ctx, v, v2.ID, changed, tenant.Audit{Action: "quote.updated"}); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.SendQuote(ctx, v, actor, "Agency", v2.ID, today, tenant.Audit{Action: "quote.sent"}); err != nil {
			t.Fatal(err)
		}
		v1, err := tn.Quote(ctx, v, q.ID)
		if err != nil || v1.SupersededAt.IsZero() || v1.Lines[0].UnitPrice != 5000 {
			t.Fatalf("the earlier version: %+v, %v", v1, err)
		}
		versions, err := tn.Quotes(ctx, v, tenant.QuoteFilter{Number: q.Number})
		if err != nil || len(versions) != 2 {
			t.Fatalf("versions %+v, %v", versions, err)
		}
	})

	t.Run("withdraw", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		if err := tn.WithdrawQuote(ctx, v, actor, q.ID, tenant.Audit{Action: "quote.withdrawn"}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tn.WithdrawQuote(ctx, v, actor, q.ID, tenant.Audit{Action: "quote.withdrawn"}), apperr.Conflict)
	})

	t.Run("another agency's quote is not found", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		_, err := other.Quote(ctx, everything(otherOwner), q.ID)
		wantCode(t, err, apperr.NotFound)
	})
}

func TestQuoteVisibility(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-vis")
	sam := mustAddUser(t, tn, "sam@example.test", tenant.RoleStaff)
	mine := mustCaseClient(t, tn, "Mine", sam.ID)
	theirs := mustCaseClient(t, tn, "Theirs", "")
	ctx := context.Background()
	const today = "2026-11-02"
	sentMine := mustSentQuote(t, tn, owner, quoteInput(mine), today)
	sentTheirs := mustSentQuote(t, tn, owner, quoteInput(theirs), today)
	draftMine, err := tn.CreateQuote(ctx, everything(owner), actorOf(owner), quoteInput(mine), tenant.Audit{Action: "quote.created"})
	if err != nil {
		t.Fatal(err)
	}
	contact := mustPortalContact(t, tn, owner, mine, "c@mine.test")
	cv := tenant.NewViewer(contact, tenant.Settings{})

	t.Run("restricted staff see their own clients' quotes only", func(t *testing.T) {
		rv := tenant.NewViewer(sam, tenant.Settings{StaffSeeOwnOnly: true})
		rows, err := tn.Quotes(ctx, rv, tenant.QuoteFilter{})
		if err != nil || len(rows) != 2 {
			t.Fatalf("rows %+v, %v", rows, err)
		}
		_, err = tn.Quote(ctx, rv, sentTheirs.ID)
		wantCode(t, err, apperr.NotFound)
	})

	t.Run("a contact sees only their client's sent quotes", func(t *testing.T) {
		rows, err := tn.Quotes(ctx, cv, tenant.QuoteFilter{})
		if err != nil || len(rows) != 1 || rows[0].ID != sentMine.ID {
			t.Fatalf("rows %+v, %v", rows, err)
		}
		for _, id := range []string{sentTheirs.ID, draftMine.ID} {
			_, err := tn.Quote(ctx, cv, id)
			wantCode(t, err, apperr.NotFound)
		}
		_, err = tn.AcceptQuote(ctx, cv, actorOf(contact), sentTheirs.ID, tenant.Acceptance{SignerName: "C", Agreed: true, Today: today}, tenant.Audit{Action: "quote.accepted"})
		wantCode(t, err, apperr.NotFound)
		if n := countRows(t, tn, "quote_acceptances"); n != 0 {
			t.Fatalf("%d acceptances", n)
		}
	})

	t.Run("a contact whose client is gone sees none", func(t *testing.T) {
		orphan := tenant.NewViewer(&tenant.User{ID: "orphan", Role: tenant.RoleClient}, tenant.Settings{})
		rows, err := tn.Quotes(ctx, orphan, tenant.QuoteFilter{})
		if err != nil || len(rows) != 0 {
			t.Fatalf("rows %+v, %v", rows, err)
		}
	})
}

func TestQuoteAcceptance(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-accept")
	client := mustCaseClient(t, tn, "Acme", "")
	contact := mustPortalContact(t, tn, owner, client, "c@acme.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	ctx := context.Background()
	const today = "2026-11-02"
	accept := func(id string, in tenant.Acceptance) (*tenant.Quote, error) {
		if in.Today == "" {
			in.Today = today
		}
		return tn.AcceptQuote(ctx, cv, ca, id, in, tenant.Audit{Action: "quote.accepted"})
	}

	t.Run("viewing marks a sent quote viewed once", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		for range 2 {
			if err := tn.MarkQuoteViewed(ctx, cv, ca, q.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := tn.Quote(ctx, cv, q.ID)
		if got.State != tenant.QuoteViewed || queryInt(t, tn, `SELECT COUNT(*) FROM quote_events WHERE quote_id = ? AND kind = 'viewed'`, q.ID) != 1 {
			t.Fatalf("state %s", got.State)
		}
	})

	t.Run("accepting with the optional line stores the signed document's hash", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		got, err := accept(q.ID, tenant.Acceptance{SignerName: "  Ada   Lovelace ", Agreed: true, Chosen: []int{1}, IP: "192.0.2.1", UserAgent: "UA", Email: contact.Email,
			Code: mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today)})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != tenant.QuoteAccepted || got.Total != 14520 || !got.Lines[1].Chosen || got.Acceptance == nil {
			t.Fatalf("accepted %+v", got)
		}
		sum := sha256.Sum256(tenant.QuoteDocument(got))
		a := got.Acceptance
		if a.SignerName != "Ada Lovelace" || a.IP != "192.0.2.1" || a.Total != 14520 || a.DocumentSHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("acceptance %+v", a)
		}
		if deposit := got.Deposit(); deposit != 4356 { // 30 % of 145.20
			t.Fatalf("deposit %d", deposit)
		}
		_, err = accept(q.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true})
		wantCode(t, err, apperr.Conflict)
		wantCode(t, tn.DeclineQuote(ctx, cv, ca, q.ID, "no", today, tenant.Audit{Action: "quote.declined"}), apperr.Conflict)
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM quote_acceptances WHERE quote_id = ?`, q.ID); n != 1 {
			t.Fatalf("%d acceptances", n)
		}
	})

	t.Run("refusals change nothing", func(t *testing.T) {
		expired := mustSentQuote(t, tn, owner, quoteInput(client), today)
		withdrawn := mustSentQuote(t, tn, owner, quoteInput(client), today)
		if err := tn.WithdrawQuote(ctx, everything(owner), actorOf(owner), withdrawn.ID, tenant.Audit{Action: "quote.withdrawn"}); err != nil {
			t.Fatal(err)
		}
		replaced := mustSentQuote(t, tn, owner, quoteInput(client), today)
		v2, err := tn.ReviseQuote(ctx, everything(owner), actorOf(owner), replaced.ID, tenant.Audit{Action: "quote.revised"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.SendQuote(ctx, everything(owner), actorOf(owner), "Agency", v2.ID, today, tenant.Audit{Action: "quote.sent"}); err != nil {
			t.Fatal(err)
		}
		before := countRows(t, tn, "quote_acceptances")
		_, err = accept(expired.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true, Chosen: []int{1}, Today: "2027-01-01"})
		wantCode(t, err, apperr.Conflict)
		_, err = accept(withdrawn.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true})
		wantCode(t, err, apperr.Conflict)
		_, err = accept(replaced.ID, tenant.Acceptance{SignerName: "Ada", Agreed: true})
		wantCode(t, err, apperr.Conflict)
		_, err = accept(expired.ID, tenant.Acceptance{SignerName: " ", Agreed: false})
		if fe := apperr.FieldsOf(err); fe["signer_name"] == "" || fe["agree"] == "" {
			t.Fatalf("got %v", err)
		}
		_, err = tn.AcceptQuote(ctx, everything(owner), actorOf(owner), expired.ID, tenant.Acceptance{SignerName: "Staff", Agreed: true, Today: today}, tenant.Audit{Action: "quote.accepted"})
		wantCode(t, err, apperr.Forbidden)
		if countRows(t, tn, "quote_acceptances") != before {
			t.Fatal("a refused acceptance was stored")
		}
		got, _ := tn.Quote(ctx, cv, expired.ID)
		if got.State != tenant.QuoteSent || got.Lines[1].Chosen || got.Total != 10890 {
			t.Fatalf("expired quote changed: %+v", got)
		}
		if got.DisplayState("2027-01-01") != tenant.QuoteExpired {
			t.Fatalf("display state %s", got.DisplayState("2027-01-01"))
		}
	})

	t.Run("decline needs a reason", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		if fe := apperr.FieldsOf(tn.DeclineQuote(ctx, cv, ca, q.ID, " ", today, tenant.Audit{Action: "quote.declined"})); fe["reason"] == "" {
			t.Fatal("no message for an empty reason")
		}
		if err := tn.DeclineQuote(ctx, cv, ca, q.ID, "Too dear", today, tenant.Audit{Action: "quote.declined"}); err != nil {
			t.Fatal(err)
		}
		got, _ := tn.Quote(ctx, cv, q.ID)
		if got.State != tenant.QuoteDeclined || got.DeclineReason != "Too dear" {
			t.Fatalf("declined %+v", got)
		}
	})

	t.Run("choosing optional lines recomputes the total", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, quoteInput(client), today)
		got, err := tn.ChooseQuoteLines(ctx, cv, q.ID, today, []int{0, 1, 7})
		if err != nil || got.Total != 14520 {
			t.Fatalf("chosen %+v, %v", got, err)
		}
		got, err = tn.ChooseQuoteLines(ctx, cv, q.ID, today, nil)
		if err != nil || got.Total != 10890 || !got.Lines[0].Chosen {
			t.Fatalf("unchosen %+v, %v", got, err)
		}
	})
}

func TestQuoteDiscountOnTheTotalPerVATRate(t *testing.T) {
	t.Parallel()
	lines := []tenant.QuoteLine{
		{Line: billing.Line{Description: "Design", QuantityMilli: 1000, UnitPrice: 10000, VATRateBP: 2100}},
		{Line: billing.Line{Description: "Books", QuantityMilli: 1000, UnitPrice: 5000, VATRateBP: 900}},
		{Line: billing.Line{Description: "Extra", QuantityMilli: 1000, UnitPrice: 7000, VATRateBP: 900}, Optional: true},
	}
	// 5 % off each rate's net: 95.00 at 21 % (VAT 19.95) and 47.50 at 9 %
	// (VAT 4.275, rounded once to 4.28); the optional line is not counted.
	tot := tenant.QuoteTotals(lines, 500)
	if tot.Subtotal != 14250 || tot.VAT != 2423 || tot.Total != 16673 {
		t.Fatalf("5 %% on the total: %+v", tot)
	}
	if none := tenant.QuoteTotals(lines, 0); none.Subtotal != 15000 {
		t.Fatalf("without a discount: %+v", none)
	}
}
