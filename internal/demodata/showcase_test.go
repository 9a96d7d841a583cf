package demodata_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/files"
	"mintedmind/internal/demodata"
)

// mustContactMaker returns a WithContact function that invites the
// client's contact through the real contact invite path, and where it
// keeps the contact made.
func mustContactMaker(t *testing.T, tn *tenant.Store) (func(context.Context, string) (*tenant.User, error), **tenant.User) {
	t.Helper()
	var contact *tenant.User
	return func(ctx context.Context, clientID string) (*tenant.User, error) {
		token, _, err := tn.CreateContactInvite(ctx, tenant.Viewer{}, clientID, "contact@client.test", "", time.Hour, tenant.Audit{Action: "contact.invited"})
		if err != nil {
			return nil, err
		}
		contact, err = tn.AcceptInvite(ctx, token, "Carla Contact", "hash", tenant.Audit{Action: "invite.accepted"})
		return contact, err
	}, &contact
}

// demoToday is the test clock's day, as billing writes dates.
func demoToday(tn *tenant.Store) time.Time {
	now := time.Unix(tn.Now(), 0).UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func TestGenerateDemoShowcase(t *testing.T) {
	ctx := context.Background()
	tn := mustDemoAgency(t, "demo-show")
	settings, err := tn.BillingSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings.NumberPattern = "DA/{YY}/{MM}/{SEQ:3}"
	if err := tn.SaveBillingSettings(ctx, settings, tenant.Audit{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	makeContact, contact := mustContactMaker(t, tn)
	size := demodata.Size{Clients: 30, Cases: 120, Events: 1500}
	res, err := demodata.Generate(ctx, tn, size, 5, nil, demodata.WithAgencyName("Show Agency"), demodata.WithContact(makeContact))
	if err != nil {
		t.Fatal(err)
	}
	today := demoToday(tn)
	day := today.Format(billing.DateLayout)

	t.Run("the histories keep the size and their order with the billing and document events in them", func(t *testing.T) {
		if res.Events != size.Events || queryInt(t, tn, `SELECT COUNT(*) FROM case_events`) != size.Events {
			t.Errorf("%d events (%d rows), want %d", res.Events, queryInt(t, tn, `SELECT COUNT(*) FROM case_events`), size.Events)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events a JOIN case_events b ON b.case_id = a.case_id AND b.id > a.id WHERE b.at < a.at`); n != 0 {
			t.Errorf("%d events older than an event before them", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.at < c.created_at OR e.at > ?`, tn.Now()); n != 0 {
			t.Errorf("%d events outside their case's life", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE c.updated_at <> (SELECT MAX(at) FROM case_events e WHERE e.case_id = c.id)`); n != 0 {
			t.Errorf("%d cases not updated at their last event", n)
		}
	})

	t.Run("invoices in every state, a credit note and payments of every kind", func(t *testing.T) {
		got := map[string]int{}
		rows, err := tn.Read().QueryContext(ctx, `SELECT CASE WHEN status IN ('issued', 'partially_paid') AND due_date < ? THEN 'overdue' ELSE status END, COUNT(*)
			FROM invoices WHERE kind = 'invoice' GROUP BY 1`, day)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			got[s] = n
		}
		rows.Close()
		for _, s := range []string{tenant.InvoiceDraft, tenant.InvoiceIssued, tenant.InvoiceOverdue, tenant.InvoicePartiallyPaid, tenant.InvoicePaid, tenant.InvoiceVoid} {
			if got[s] == 0 {
				t.Errorf("no %s invoice: %v", s, got)
			}
			if res.Invoices[s] != got[s] {
				t.Errorf("the result says %d %s, the database %d", res.Invoices[s], s, got[s])
			}
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'`); n == 0 || n != res.CreditNotes {
			t.Errorf("%d credit notes, the result says %d", n, res.CreditNotes)
		}
		for _, m := range []string{tenant.MethodBankTransfer, tenant.MethodPaysera, tenant.MethodCreditNote} {
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM payments WHERE method = ?`, m); n == 0 {
				t.Errorf("no %s payment", m)
			}
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM payments WHERE method <> 'credit_note'`); n != res.Payments {
			t.Errorf("%d payments, the result says %d", n, res.Payments)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.paid_on < i.issue_date OR p.paid_on > ?`, day); n != 0 {
			t.Errorf("%d payments before their invoice or after today", n)
		}
	})

	t.Run("totals follow the billing rules, payments add up, statuses follow them", func(t *testing.T) {
		ids := queryStrings(t, tn, `SELECT id FROM invoices`)
		for _, id := range ids {
			inv, err := tn.Invoice(ctx, tenant.Viewer{}, id)
			if err != nil {
				t.Fatal(err)
			}
			tot := billing.Compute(inv.Lines)
			if inv.Subtotal != tot.Subtotal || inv.VATTotal != tot.VAT || inv.Total != tot.Total || inv.Total <= 0 {
				t.Errorf("%s: totals %d + %d = %d, billing computes %+v", inv.Label(), inv.Subtotal, inv.VATTotal, inv.Total, tot)
			}
			payments, err := tn.InvoicePayments(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var paid int64
			for _, p := range payments {
				paid += p.Amount
				if p.Method == tenant.MethodPaysera {
					var amount int64
					var paidAt int64
					if err := tn.Read().QueryRowContext(ctx, `SELECT amount, paid_at FROM paysera_orders WHERE order_id = ? AND invoice_id = ?`, p.Reference, id).Scan(&amount, &paidAt); err != nil || amount != p.Amount || paidAt == 0 {
						t.Errorf("%s: Paysera payment %s without its paid order: %v", inv.Label(), p.Reference, err)
					}
				}
			}
			if paid != inv.Paid {
				t.Errorf("%s: paid %d, its payments %d", inv.Label(), inv.Paid, paid)
			}
			ok := map[string]bool{
				tenant.InvoiceDraft:         inv.Number == "" && paid == 0,
				tenant.InvoiceIssued:        inv.Number != "" && paid == 0,
				tenant.InvoicePartiallyPaid: paid > 0 && paid < inv.Total,
				tenant.InvoicePaid:          paid == inv.Total,
				tenant.InvoiceVoid:          paid == 0 && inv.VoidReason != "" && !inv.VoidedAt.IsZero(),
			}[inv.Status]
			if !ok {
				t.Errorf("%s is %s with %d of %d paid", inv.Label(), inv.Status, paid, inv.Total)
			}
			if inv.Status != tenant.InvoiceDraft && (inv.Seller.Name != "Show Agency" || inv.Buyer.Name != inv.ClientName || inv.IssuedAt.IsZero()) {
				t.Errorf("%s: seller %q, buyer %q of client %q", inv.Label(), inv.Seller.Name, inv.Buyer.Name, inv.ClientName)
			}
			if inv.Kind == tenant.KindCreditNote {
				original, err := tn.Invoice(ctx, tenant.Viewer{}, inv.CreditFor)
				if err != nil || original.ClientID != inv.ClientID || original.CaseID != inv.CaseID {
					t.Fatalf("%s credits %v: %v", inv.Label(), original, err)
				}
				if n := queryInt(t, tn, `SELECT COUNT(*) FROM payments WHERE invoice_id = ? AND method = 'credit_note' AND reference = ? AND amount = ?`,
					original.ID, inv.Number, inv.Total); n != 1 {
					t.Errorf("%s is applied %d times to %s", inv.Label(), n, original.Label())
				}
			}
		}
	})

	t.Run("numbers follow the agency's pattern and its yearly sequences in issue order", func(t *testing.T) {
		pattern := regexp.MustCompile(`^DA/(\d\d)/(\d\d)/(\d{3})$`)
		credit := regexp.MustCompile(`^CN-(\d{4})-(\d{4})$`)
		next := map[string]int{}
		rows, err := tn.Read().QueryContext(ctx, `SELECT kind, number, issue_date FROM invoices WHERE status <> 'draft' ORDER BY issue_date, issued_at, number`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var kind, number, issue string
			if err := rows.Scan(&kind, &number, &issue); err != nil {
				t.Fatal(err)
			}
			seq := ""
			if kind == tenant.KindInvoice {
				m := pattern.FindStringSubmatch(number)
				if m == nil || m[1] != issue[2:4] || m[2] != issue[5:7] {
					t.Errorf("%s issued %s does not follow DA/{YY}/{MM}/{SEQ:3}", number, issue)
					continue
				}
				seq = m[3]
			} else {
				m := credit.FindStringSubmatch(number)
				if m == nil || m[1] != issue[:4] {
					t.Errorf("credit note %s issued %s", number, issue)
					continue
				}
				seq = m[2]
			}
			name := kind + ":" + issue[:4]
			next[name]++
			if n, _ := strconv.Atoi(seq); n != next[name] {
				t.Errorf("%s is number %d of %s, want %d", number, n, name, next[name])
			}
		}
		for name, n := range next {
			if v := queryInt(t, tn, `SELECT value FROM sequences WHERE name = ?`, name); v != n {
				t.Errorf("sequence %s at %d, want %d", name, v, n)
			}
		}
	})

	t.Run("invoices on cases are in the cases' histories in the store's words", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE case_id IS NOT NULL AND status <> 'draft'`); n == 0 {
			t.Fatal("no issued invoice on a case")
		}
		rows, err := tn.Read().QueryContext(ctx, `SELECT i.case_id, i.kind, i.number, i.total, i.currency FROM invoices i WHERE i.case_id IS NOT NULL AND i.status <> 'draft'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var caseID, kind, number, currency string
			var total int64
			if err := rows.Scan(&caseID, &kind, &number, &total, &currency); err != nil {
				t.Fatal(err)
			}
			what := "invoice "
			if kind == tenant.KindCreditNote {
				what = "credit note "
			}
			want := what + number + " · " + billing.FormatMoney(total, currency)
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'invoice_issued' AND new_value = ? AND visible_to_client = 1`, caseID, want); n != 1 {
				t.Errorf("%d events %q on the case", n, want)
			}
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'invoice_paid')
			<> (SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.case_id = c.id)`); n != 0 {
			t.Errorf("%d cases whose payment events are not their invoices' payments", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases c WHERE (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'invoice_void')
			<> (SELECT COUNT(*) FROM invoices i WHERE i.case_id = c.id AND i.status = 'void')`); n != 0 {
			t.Errorf("%d cases whose void events are not their invoices'", n)
		}
	})

	t.Run("recurring invoices active, paused and ended, and the jobs have nothing to catch up on", func(t *testing.T) {
		for _, s := range []string{tenant.RecurringActive, tenant.RecurringPaused, tenant.RecurringEnded} {
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM recurring_invoices WHERE status = ?`, s); n == 0 || n != res.Recurring[s] {
				t.Errorf("%d %s recurring invoices, the result says %d", n, s, res.Recurring[s])
			}
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM recurring_invoices r WHERE r.next_index <> (SELECT COUNT(*) FROM recurring_runs rr WHERE rr.recurring_id = r.id)`); n != 0 {
			t.Errorf("%d recurring invoices whose next period is not after their runs", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM recurring_runs rr LEFT JOIN invoices i ON i.id = rr.invoice_id
			WHERE (rr.skipped = 0) <> (i.recurring_id IS rr.recurring_id AND i.issue_date = rr.period_date)`); n != 0 {
			t.Errorf("%d runs without their invoice (or skipped with one)", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices i WHERE i.recurring_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM recurring_runs rr WHERE rr.invoice_id = i.id)`); n != 0 {
			t.Errorf("%d recurring invoices' invoices without their run", n)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM recurring_runs WHERE skipped = 1`); n == 0 {
			t.Error("no skipped period")
		}
		made, err := tn.GenerateRecurring(ctx, today, "Show Agency", nil)
		if err != nil || made != 0 {
			t.Errorf("the recurring job made %d invoices (%v), want none: the demo is up to date", made, err)
		}
		due, err := tn.ClaimReminders(ctx, today, settings.ReminderDays)
		if err != nil || len(due) != 0 {
			t.Errorf("the reminder job would send %d reminders (%v), want none: the demo sent them", len(due), err)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoice_reminders`); n == 0 {
			t.Error("no reminder was sent for the overdue invoices")
		}
	})

	t.Run("documents are stored as uploads store them, with thumbnails, some shared", func(t *testing.T) {
		type doc struct {
			id, caseID, name, contentType, sha, key, thumb, uploader string
			size                                                     int64
			width, pages                                             int
			shared, fromClient                                       bool
		}
		var docs []doc
		rows, err := tn.Read().QueryContext(ctx, `SELECT id, case_id, name, content_type, sha256, storage_key, thumb_key, uploader_id, size, width, pages, shared, from_client FROM documents`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.id, &d.caseID, &d.name, &d.contentType, &d.sha, &d.key, &d.thumb, &d.uploader, &d.size, &d.width, &d.pages, &d.shared, &d.fromClient); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, d)
		}
		rows.Close()
		if len(docs) == 0 || len(docs) != res.Documents {
			t.Fatalf("%d documents, the result says %d", len(docs), res.Documents)
		}
		kinds := map[string]int{}
		shared, fromClient := 0, 0
		for _, d := range docs {
			f, err := files.Open(tn.FilesDir(), d.key)
			if err != nil {
				t.Fatalf("%s: %v", d.name, err)
			}
			b, _ := io.ReadAll(f)
			f.Close()
			sum := sha256.Sum256(b)
			if ct, _ := files.Sniff(b); ct != d.contentType || int64(len(b)) != d.size || hex.EncodeToString(sum[:]) != d.sha {
				t.Errorf("%s: the file is %s, %d bytes; the row says %s, %d bytes", d.name, ct, len(b), d.contentType, d.size)
			}
			kinds[d.contentType]++
			switch d.contentType {
			case files.TypePDF:
				if d.pages < 1 || !bytes.Contains(b, []byte("BT /F1")) {
					t.Errorf("%s: %d pages, or no text", d.name, d.pages)
				}
			default:
				thumb, err := files.Open(tn.FilesDir(), d.thumb)
				if err != nil || d.width == 0 {
					t.Errorf("%s: no thumbnail (%v) or width %d", d.name, err, d.width)
				} else {
					thumb.Close()
				}
			}
			if d.shared {
				shared++
			}
			if d.fromClient {
				fromClient++
				if !d.shared || d.uploader != (*contact).ID {
					t.Errorf("%s: from the client but shared %v, by %s", d.name, d.shared, d.uploader)
				}
			}
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'document' AND field = 'uploaded' AND new_value = ? AND actor_id = ? AND visible_to_client = ?`,
				d.caseID, d.name, d.uploader, d.shared); n < 1 {
				t.Errorf("%s: no upload event on its case", d.name)
			}
		}
		if kinds[files.TypePDF] == 0 || kinds[files.TypeJPEG] == 0 || kinds[files.TypePNG] == 0 {
			t.Errorf("kinds %v, want PDFs, JPEGs and PNGs", kinds)
		}
		if shared == 0 || shared == len(docs) || shared != res.Shared || fromClient == 0 {
			t.Errorf("%d of %d shared (result %d), %d from the client", shared, len(docs), res.Shared, fromClient)
		}
	})

	t.Run("the contact's portal has cases, messages, shared documents and an invoice to pay", func(t *testing.T) {
		if *contact == nil || res.Contact == nil || res.PortalClientID == "" || (*contact).ClientID != res.PortalClientID {
			t.Fatalf("contact %+v, result %+v", *contact, res)
		}
		v := tenant.NewViewer(*contact, tenant.Settings{})
		cases, err := tn.PortalCases(ctx, v)
		if err != nil || len(cases) == 0 || len(cases) != res.PortalCases {
			t.Fatalf("%d portal cases (%v), the result says %d", len(cases), err, res.PortalCases)
		}
		unread := 0
		for _, k := range cases {
			if k.Unread > 0 {
				unread++
			}
		}
		if unread > 1 {
			t.Errorf("%d cases with unread updates: the contact has seen all but the newest", unread)
		}
		updates, err := tn.PortalUpdates(ctx, v, 10)
		if err != nil || len(updates) == 0 {
			t.Errorf("no updates on the portal's home: %v", err)
		}
		mine, theirs := 0, 0
		for _, k := range cases {
			events, err := tn.PortalCaseEvents(ctx, v, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if e.Kind == tenant.EventNote && e.ActorID == (*contact).ID {
					mine++
				} else if e.Kind == tenant.EventNote {
					theirs++
				}
			}
		}
		if mine == 0 || theirs == 0 {
			t.Errorf("%d messages from the contact, %d client-visible notes from the agency", mine, theirs)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM cases WHERE client_id = ? AND client_activity_at IS NOT NULL`, res.PortalClientID); n == 0 {
			t.Error("no case shows the client's activity to the staff")
		}
		docs, err := tn.ClientDocuments(ctx, tenant.ClientDocumentAccess(res.PortalClientID), res.PortalClientID)
		if err != nil || len(docs) == 0 {
			t.Errorf("no shared documents in the portal: %v", err)
		}
		invoices, err := tn.PortalInvoices(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		toPay := 0
		for _, r := range invoices {
			if r.Open() && r.Kind == tenant.KindInvoice && r.DueDate >= day {
				toPay++
			}
		}
		if toPay == 0 {
			t.Errorf("no open invoice, not yet due, among the portal's %d", len(invoices))
		}
	})

	t.Run("the counts say what is there", func(t *testing.T) {
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE kind = 'invoice'`); n != res.InvoiceCount() {
			t.Errorf("%d invoices, the result says %d", n, res.InvoiceCount())
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM recurring_invoices`); n != res.RecurringCount() {
			t.Errorf("%d recurring invoices, the result says %d", n, res.RecurringCount())
		}
	})
}

// TestGenerateDemoShowcaseAtTheEdges: the smallest agencies still show
// every state of an invoice, with nothing where there is no room for it.
func TestGenerateDemoShowcaseAtTheEdges(t *testing.T) {
	ctx := context.Background()
	t.Run("one client with one case", func(t *testing.T) {
		tn := mustDemoAgency(t, "demo-one")
		makeContact, _ := mustContactMaker(t, tn)
		res, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 1, Cases: 1, Events: 1}, 1, nil, demodata.WithContact(makeContact))
		if err != nil {
			t.Fatal(err)
		}
		if res.Events != 1 || res.Invoices[tenant.InvoiceOverdue] == 0 || res.Invoices[tenant.InvoiceIssued] == 0 || res.CreditNotes == 0 || res.RecurringCount() < 3 {
			t.Errorf("%+v", res)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE case_id IS NOT NULL AND status <> 'draft'`); n != 0 {
			t.Errorf("%d issued invoices on a case with no room in its history", n)
		}
	})
	t.Run("clients without cases", func(t *testing.T) {
		tn := mustDemoAgency(t, "demo-nocases")
		res, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 5}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.InvoiceCount() == 0 || res.Documents != 0 {
			t.Errorf("%+v", res)
		}
	})
	t.Run("no clients", func(t *testing.T) {
		tn := mustDemoAgency(t, "demo-empty")
		called := false
		res, err := demodata.Generate(ctx, tn, demodata.Size{}, 1, nil, demodata.WithContact(func(context.Context, string) (*tenant.User, error) {
			called = true
			return nil, fmt.Errorf("no client to be a contact of")
		}))
		if err != nil || called || res.InvoiceCount() != 0 || res.PortalClientID != "" {
			t.Errorf("%+v %v, contact asked for: %v", res, err, called)
		}
	})
}

// queryStrings runs a one-column query on the agency's readers.
func queryStrings(t *testing.T, tn *tenant.Store, query string, args ...any) []string {
	t.Helper()
	rows, err := tn.Read().QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
