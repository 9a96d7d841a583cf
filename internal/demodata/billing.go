package demodata

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// demoInvoice is an invoice or credit note as planned: its row, and what
// its case's history says about it once it has a number.
type demoInvoice struct {
	b         tenant.BulkInvoice
	seq       int          // planning order, which breaks ties in numbering
	client    int          // index of the client
	caseIdx   int          // index of its case in the plan, -1 for none
	issuer    *tenant.User // nil when the recurring job issued it
	total     int64
	credits   []*demoInvoice // credit notes issued for it
	creditFor *demoInvoice
}

const day = 24 * 3600

// last is the time of the invoice's latest change.
func (inv *demoInvoice) last() int64 { return inv.b.UpdatedAt.Unix() }

func (inv *demoInvoice) paid() int64 {
	var n int64
	for _, p := range inv.b.Payments {
		n += p.Amount
	}
	return n
}

// events is how many case events the invoice makes: its issue, each
// payment (credit notes' among them), its void, its credit notes' issue.
func (inv *demoInvoice) events() int {
	if inv.b.Status == tenant.InvoiceDraft {
		return 0
	}
	n := 1 + len(inv.b.Payments) + len(inv.credits)
	if inv.b.Status == tenant.InvoiceVoid {
		n++
	}
	return n
}

func (s *showcase) dueDate(inv *demoInvoice) time.Time {
	d, _ := billing.ParseDate(inv.b.IssueDate)
	return d.AddDate(0, 0, inv.b.TermsDays)
}

// daysAgo is the day n days before the run's.
func (s *showcase) daysAgo(n int) time.Time { return s.today.AddDate(0, 0, -n) }

// moment is a time in office hours of d, after after and no later than now.
func (s *showcase) moment(d time.Time, after int64) int64 {
	at := d.Unix() + 8*3600 + s.g.rng.Int64N(9*3600)
	return min(s.g.now, max(after+1, at))
}

func dayOf(at int64) time.Time {
	t := time.Unix(at, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// lines makes one to three invoice lines of different kinds.
func (s *showcase) lines() []billing.Line {
	g := s.g
	var out []billing.Line
	var used []int
	for range 1 + g.weighted([]int{5, 3, 2}) {
		i := g.rng.IntN(len(demoLineItems))
		if slices.Contains(used, i) {
			continue
		}
		used = append(used, i)
		it := demoLineItems[i]
		q := it.minQty + it.step*g.rng.Int64N((it.maxQty-it.minQty)/it.step+1)
		out = append(out, billing.Line{Description: it.text, QuantityMilli: q, UnitPrice: it.unitPrice, VATRateBP: it.vatBP})
	}
	return out
}

// newInvoice plans an invoice of client dated d (issued, unless draft),
// on case caseIdx (-1 for none), by a staff member.
func (s *showcase) newInvoice(client, caseIdx int, d time.Time, draft bool) *demoInvoice {
	g := s.g
	inv := &demoInvoice{seq: len(s.invoices), client: client, caseIdx: caseIdx, issuer: demoPick(g, g.staff)}
	lines := s.lines()
	inv.total = billing.Compute(lines).Total
	created := s.moment(d, 0)
	inv.b = tenant.BulkInvoice{ID: g.id(), Kind: tenant.KindInvoice, ClientID: s.clients[client].id, Status: tenant.InvoiceIssued,
		Currency: s.settings.Currency, IssueDate: d.Format(billing.DateLayout), TermsDays: s.settings.TermsDays, Lines: lines,
		CreatedBy: inv.issuer.ID, CreatedAt: time.Unix(created, 0), UpdatedAt: time.Unix(created, 0)}
	if caseIdx >= 0 {
		inv.b.Notes = "For the work on case " + tenant.CaseNumber(s.plan.number(caseIdx)) + "."
	}
	if draft {
		inv.b.Status = tenant.InvoiceDraft
	} else {
		s.issue(inv, created+60+g.rng.Int64N(3*3600))
		if g.chance(0.85) {
			inv.b.SentAt = time.Unix(min(s.g.now, inv.b.IssuedAt.Unix()+30+g.rng.Int64N(1800)), 0)
		}
	}
	s.invoices = append(s.invoices, inv)
	return inv
}

func (s *showcase) issue(inv *demoInvoice, at int64) {
	at = min(s.g.now, at)
	inv.b.Status, inv.b.Seller, inv.b.IssuedAt, inv.b.UpdatedAt = tenant.InvoiceIssued, s.seller, time.Unix(at, 0), time.Unix(at, 0)
}

// pay records a payment of amount received on d (the whole rest when
// amount is 0) by method.
func (s *showcase) pay(inv *demoInvoice, d time.Time, amount int64, method string) {
	g := s.g
	if amount <= 0 || amount > inv.total-inv.paid() {
		amount = inv.total - inv.paid()
	}
	if amount <= 0 {
		return
	}
	at := s.moment(d, inv.last())
	p := tenant.Payment{ID: g.id(), InvoiceID: inv.b.ID, Amount: amount, Currency: inv.b.Currency, PaidOn: dayOf(at).Format(billing.DateLayout),
		Method: method, CreatedAt: time.Unix(at, 0)}
	switch method {
	case tenant.MethodPaysera:
		// As a Paysera callback records it: the order is the reference.
		order := tenant.BulkPayseraOrder{PayseraOrder: tenant.PayseraOrder{OrderID: g.hex(32), InvoiceID: inv.b.ID, Amount: amount, Currency: inv.b.Currency},
			CreatedAt: time.Unix(max(inv.last()+1, at-60-g.rng.Int64N(600)), 0), PaidAt: time.Unix(at, 0), RequestID: g.digits(9)}
		p.Reference, p.RecordedBy = order.OrderID, "Paysera"
		inv.b.PayseraOrders = append(inv.b.PayseraOrders, order)
	case tenant.MethodBankTransfer:
		p.Reference, p.RecordedBy = "SEPA transfer, ref. RF"+g.digits(2)+" "+g.digits(4)+" "+g.digits(4)+" "+g.digits(4), demoPick(g, g.staff).Name
	case tenant.MethodCard:
		p.Reference, p.RecordedBy = "Card terminal receipt "+g.digits(6), demoPick(g, g.staff).Name
	default:
		p.Reference, p.RecordedBy = "Cash receipt "+g.digits(4), demoPick(g, g.staff).Name
	}
	inv.b.Payments = append(inv.b.Payments, p)
	inv.b.Status = tenant.InvoicePartiallyPaid
	if inv.paid() == inv.total {
		inv.b.Status = tenant.InvoicePaid
	}
	inv.b.UpdatedAt = time.Unix(at, 0)
}

// method is how a client pays: mostly by bank transfer, often online.
func (s *showcase) method() string {
	return []string{tenant.MethodBankTransfer, tenant.MethodPaysera, tenant.MethodCard, tenant.MethodCash}[s.g.weighted([]int{62, 30, 5, 3})]
}

// void cancels an unpaid invoice on d.
func (s *showcase) void(inv *demoInvoice, d time.Time) {
	at := s.moment(d, inv.last())
	inv.b.Status, inv.b.VoidReason = tenant.InvoiceVoid, demoPick(s.g, demoVoidReasons)
	inv.b.VoidedAt, inv.b.UpdatedAt = time.Unix(at, 0), time.Unix(at, 0)
}

// credit issues a credit note on d for about frac of what inv still owes,
// applied to it as a payment, as issuing a credit note does.
func (s *showcase) credit(inv *demoInvoice, d time.Time, frac float64) {
	g := s.g
	owed := inv.total - inv.paid()
	rate := inv.b.Lines[0].VATRateBP
	// A net price whose total with VAT stays within what is owed.
	net := int64(float64(owed)*frac) * 10_000 / (10_000 + rate)
	var lines []billing.Line
	for ; net > 0; net-- {
		lines = []billing.Line{{Description: "Agreed reduction: " + inv.b.Lines[0].Description, QuantityMilli: 1000, UnitPrice: net, VATRateBP: rate}}
		if t := billing.Compute(lines).Total; t > 0 && t <= owed {
			break
		}
	}
	if net <= 0 {
		return
	}
	at := s.moment(d, inv.last())
	issuer := demoPick(g, g.staff)
	cn := &demoInvoice{seq: len(s.invoices), client: inv.client, caseIdx: -1, issuer: issuer, creditFor: inv}
	cn.total = billing.Compute(lines).Total
	cn.b = tenant.BulkInvoice{ID: g.id(), Kind: tenant.KindCreditNote, CreditFor: inv.b.ID, ClientID: inv.b.ClientID, Currency: inv.b.Currency,
		IssueDate: dayOf(at).Format(billing.DateLayout), Lines: lines, CreatedBy: issuer.ID,
		CreatedAt: time.Unix(max(inv.last()+1, at-600), 0)}
	s.issue(cn, at)
	inv.credits = append(inv.credits, cn)
	s.invoices = append(s.invoices, cn)
	// The reference (the credit note's number) is filled in when numbered.
	inv.b.Payments = append(inv.b.Payments, tenant.Payment{ID: g.id(), InvoiceID: inv.b.ID, Amount: cn.total, Currency: inv.b.Currency,
		PaidOn: cn.b.IssueDate, Method: tenant.MethodCreditNote, RecordedBy: issuer.Name, CreatedAt: time.Unix(at, 0)})
	inv.b.Status = tenant.InvoicePartiallyPaid
	if inv.paid() == inv.total {
		inv.b.Status = tenant.InvoicePaid
	}
	inv.b.UpdatedAt = time.Unix(at, 0)
}

// story gives an issued invoice what happened to it since, most likely
// for its age: paid in full (in one payment or two), partly, not yet,
// void, or reduced by a credit note.
func (s *showcase) story(inv *demoInvoice) {
	g := s.g
	issued := dayOf(inv.b.IssuedAt.Unix())
	age := int(s.today.Sub(issued).Hours() / 24)
	if age < 1 {
		return // issued today: open
	}
	payDay := func(within int) time.Time { return issued.AddDate(0, 0, 1+g.rng.IntN(max(1, min(within, age-1)))) }
	if !s.dueDate(inv).Before(s.today) {
		switch g.weighted([]int{55, 33, 12}) {
		case 1:
			s.pay(inv, payDay(age), 0, s.method())
		case 2:
			s.pay(inv, payDay(age), s.part(inv, 0.3, 0.6), tenant.MethodBankTransfer)
		}
		return
	}
	switch g.weighted([]int{82, 6, 2, 4, 4, 2}) {
	case 0:
		s.pay(inv, payDay(inv.b.TermsDays+10), 0, s.method())
	case 1: // in two payments
		first := payDay(inv.b.TermsDays)
		s.pay(inv, first, s.part(inv, 0.4, 0.6), tenant.MethodBankTransfer)
		second := first.AddDate(0, 0, 1+g.rng.IntN(30))
		if second.Before(s.today) {
			s.pay(inv, second, 0, tenant.MethodBankTransfer)
		}
	case 2: // partly, and late with the rest
		s.pay(inv, payDay(inv.b.TermsDays), s.part(inv, 0.3, 0.6), tenant.MethodBankTransfer)
	case 3: // not at all, and late
	case 4:
		s.void(inv, payDay(10))
	case 5:
		d := payDay(25)
		s.credit(inv, d, 0.2+0.3*g.rng.Float64())
		if rest := d.AddDate(0, 0, 2+g.rng.IntN(20)); rest.Before(s.today) && g.chance(0.7) {
			s.pay(inv, rest, 0, tenant.MethodBankTransfer)
		}
	}
}

// part is between lo and hi of the invoice's total, in whole units.
func (s *showcase) part(inv *demoInvoice, lo, hi float64) int64 {
	amount := int64(float64(inv.total)*(lo+(hi-lo)*s.g.rng.Float64())) / 100 * 100
	if amount <= 0 || amount >= inv.total {
		amount = inv.total / 2
	}
	return amount
}

// pickCase is a random case of client created before d (midnight) with
// room in its history for an invoice's few events, or -1.
func (s *showcase) pickCase(client int, d time.Time) int {
	var fit []int
	for _, i := range s.casesOf[client] {
		if s.plan.created[i] < d.Unix() && s.plan.free(i) >= 4 {
			fit = append(fit, i)
		}
	}
	if len(fit) == 0 {
		return -1
	}
	return demoPick(s.g, fit)
}

// link keeps the invoice on its case if the case's history has room for
// its events, and takes them from it.
func (s *showcase) link(inv *demoInvoice) {
	if inv.caseIdx >= 0 && !s.plan.reserve(inv.caseIdx, inv.events()) {
		inv.caseIdx = -1
	}
	if inv.caseIdx < 0 {
		inv.b.Notes = ""
	} else {
		inv.b.CaseID = s.plan.caseID(s.g, inv.caseIdx)
	}
	for _, cn := range inv.credits {
		cn.caseIdx, cn.b.CaseID = inv.caseIdx, inv.b.CaseID
	}
}

// planBilling plans every invoice, payment and recurring invoice, numbers
// them, and puts their events in their cases' histories.
func (s *showcase) planBilling(ctx context.Context, t *tenant.Store) error {
	if s.portal < 0 {
		return nil
	}
	g := s.g
	s.portalInvoices()
	for _, c := range s.billed {
		n := 2 + g.rng.IntN(5)
		if c == s.portal {
			n = g.rng.IntN(3)
		}
		for range n {
			// Most invoices bill work on a case, some weeks after it began.
			d := s.daysAgo(30 + g.rng.IntN(570))
			k := -1
			if len(s.casesOf[c]) > 0 && g.chance(0.8) {
				k = demoPick(g, s.casesOf[c])
				opened := dayOf(s.plan.created[k])
				if room := int(s.today.Sub(opened).Hours() / 24); room >= 1 {
					d = opened.AddDate(0, 0, 1+g.rng.IntN(min(room, 45)))
				} else {
					k = -1
				}
			}
			draft := !d.Before(s.daysAgo(7)) && g.chance(0.2)
			inv := s.newInvoice(c, k, d, draft)
			if !draft {
				s.story(inv)
			}
			s.link(inv)
		}
	}
	s.planRecurring()
	if err := s.number(ctx, t); err != nil {
		return err
	}
	s.remind()
	for _, inv := range s.invoices {
		s.invoiceEvents(inv)
	}
	return nil
}

// portalInvoices gives the portal client one invoice of each state: paid
// by bank transfer, paid online, void, overdue, partly paid and open (not
// yet due: the invoice to pay), and a draft; and some client a credit note.
func (s *showcase) portalInvoices() {
	g := s.g
	p := s.portal
	terms := s.settings.TermsDays
	jitter := func(n int) time.Time { return s.daysAgo(n + g.rng.IntN(5)) }
	plan := func(d time.Time, draft bool) *demoInvoice {
		return s.newInvoice(p, s.pickCase(p, d), d, draft)
	}
	inv := plan(jitter(150), false)
	s.pay(inv, dayOf(inv.b.IssuedAt.Unix()).AddDate(0, 0, 9), 0, tenant.MethodBankTransfer)
	s.link(inv)
	inv = plan(jitter(60), false)
	s.pay(inv, dayOf(inv.b.IssuedAt.Unix()).AddDate(0, 0, 3), 0, tenant.MethodPaysera)
	s.link(inv)
	inv = plan(jitter(100), false)
	s.void(inv, dayOf(inv.b.IssuedAt.Unix()).AddDate(0, 0, 2))
	s.link(inv)
	s.link(plan(s.daysAgo(terms+26), false)) // overdue, reminded
	inv = plan(s.daysAgo(min(4, terms/2)), false)
	if !inv.b.IssuedAt.After(time.Unix(g.now, 0).Add(-day * time.Second)) {
		s.pay(inv, s.daysAgo(1), s.part(inv, 0.3, 0.5), tenant.MethodBankTransfer)
	}
	s.link(inv)
	s.link(plan(s.daysAgo(1), false)) // open: the one to pay
	s.link(plan(s.today, true))
	// The credit note goes to another client if there is one: the portal
	// lists an issued credit note among the invoices to pay.
	c := p
	if len(s.billed) > 1 {
		c = s.billed[1]
	}
	d := jitter(75)
	inv = s.newInvoice(c, s.pickCase(c, d), d, false)
	cd := dayOf(inv.b.IssuedAt.Unix()).AddDate(0, 0, 10)
	s.credit(inv, cd, 0.3)
	s.pay(inv, cd.AddDate(0, 0, 10), 0, tenant.MethodBankTransfer)
	s.link(inv)
}

// number gives every issued invoice and credit note its number from the
// agency's yearly sequences, in the order they were issued: invoices in
// the agency's number pattern, credit notes in theirs.
func (s *showcase) number(ctx context.Context, t *tenant.Store) error {
	var issued []*demoInvoice
	for _, inv := range s.invoices {
		if inv.b.Status != tenant.InvoiceDraft {
			issued = append(issued, inv)
		}
	}
	slices.SortStableFunc(issued, func(a, b *demoInvoice) int {
		if c := strings.Compare(a.b.IssueDate, b.b.IssueDate); c != 0 {
			return c
		}
		if c := cmpInt64(a.b.IssuedAt.Unix(), b.b.IssuedAt.Unix()); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	s.sequences = map[string]int64{}
	for _, inv := range issued {
		d, _ := billing.ParseDate(inv.b.IssueDate)
		pattern, name := s.settings.NumberPattern, fmt.Sprintf("invoice:%d", d.Year())
		if inv.b.Kind == tenant.KindCreditNote {
			pattern, name = tenant.CreditNotePattern, fmt.Sprintf("credit_note:%d", d.Year())
		}
		if _, ok := s.sequences[name]; !ok {
			v, err := t.SequenceValue(ctx, name)
			if err != nil {
				return err
			}
			s.sequences[name] = v
		}
		s.sequences[name]++
		inv.b.Number = billing.FormatNumber(pattern, d.Year(), int(d.Month()), s.sequences[name])
	}
	for _, inv := range s.invoices {
		for _, cn := range inv.credits {
			cn.b.Notes = "Credit note for invoice " + inv.b.Number + "."
			for i, p := range inv.b.Payments {
				if p.Method == tenant.MethodCreditNote && p.Reference == "" && p.Amount == cn.total {
					inv.b.Payments[i].Reference = cn.b.Number
					break
				}
			}
		}
	}
	return nil
}

// remind records the reminders the agency's reminder days sent for the
// open invoices past due, as the reminder job would have.
func (s *showcase) remind() {
	for _, inv := range s.invoices {
		if inv.b.Kind != tenant.KindInvoice || (inv.b.Status != tenant.InvoiceIssued && inv.b.Status != tenant.InvoicePartiallyPaid) {
			continue
		}
		due := s.dueDate(inv)
		late := int(s.today.Sub(due).Hours() / 24)
		for _, step := range s.settings.ReminderDays {
			if step <= late {
				at := min(s.g.now, due.AddDate(0, 0, step).Unix()+6*3600)
				inv.b.Reminders = append(inv.b.Reminders, tenant.BulkReminder{StepDays: step, At: time.Unix(at, 0)})
			}
		}
	}
}

// invoiceEvents writes on the invoice's case what issuing, paying and
// voiding it wrote there, in the store's words.
func (s *showcase) invoiceEvents(inv *demoInvoice) {
	if inv.caseIdx < 0 || inv.b.Kind != tenant.KindInvoice || inv.b.Status == tenant.InvoiceDraft {
		return
	}
	add := func(e demoEvent) { s.plan.addFixed(inv.caseIdx, e) }
	money := func(v int64) string { return billing.FormatMoney(v, inv.b.Currency) }
	add(demoEvent{at: inv.b.IssuedAt.Unix(), actor: inv.issuer, kind: tenant.EventInvoiceIssued,
		newValue: "invoice " + inv.b.Number + " · " + money(inv.total), visible: true})
	var paid int64
	for _, p := range inv.b.Payments {
		if p.Method == tenant.MethodCreditNote {
			for _, cn := range inv.credits {
				if cn.b.Number == p.Reference {
					add(demoEvent{at: cn.b.IssuedAt.Unix(), actor: cn.issuer, kind: tenant.EventInvoiceIssued,
						newValue: "credit note " + cn.b.Number + " · " + money(cn.total), visible: true})
				}
			}
		}
		paid += p.Amount
		what := "recorded a payment of " + money(p.Amount) + " on " + inv.b.Number
		if paid == inv.total {
			what = "recorded a payment of " + money(p.Amount) + ": " + inv.b.Number + " is paid in full"
		}
		add(demoEvent{at: p.CreatedAt.Unix(), actorName: p.RecordedBy, kind: tenant.EventInvoicePaid, newValue: what, visible: true})
	}
	if inv.b.Status == tenant.InvoiceVoid {
		add(demoEvent{at: inv.b.VoidedAt.Unix(), actor: inv.issuer, kind: tenant.EventInvoiceVoid,
			newValue: inv.b.Number + " · " + inv.b.VoidReason, visible: true})
	}
}

// hex is n random lower-case hexadecimal digits.
func (g *demoGen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}
