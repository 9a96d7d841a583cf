package demodata

import (
	"context"
	"fmt"
	"slices"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// Caps that keep what a visitor looks at closely (invoices, documents)
// modest at any size: a big agency gets about as much as a mid-sized one.
const (
	maxBilledClients   = 60
	maxRecurring       = 12
	maxDocumentedCases = 8 // besides the portal client's
	maxPortalDocCases  = 4
)

// Portal client case counts sought: enough cases for a full portal, few
// enough to read.
const portalCasesMin, portalCasesMax = 3, 12

// showcase is the part of the demo a visitor looks at closely: the portal
// client and its contact, invoices, recurring invoices and documents. It
// is planned before the cases are made (its events take their places in
// the cases' histories) and written after them.
type showcase struct {
	g        *demoGen
	clients  []demoClient
	plan     *casePlan
	settings tenant.BillingSettings
	seller   billing.Party
	today    time.Time // the run's day, midnight UTC

	portal  int // index of the portal client, -1 for none
	contact *tenant.User
	billed  []int         // clients with invoices, the portal client first
	casesOf map[int][]int // the cases of the billed clients, by client

	invoices  []*demoInvoice // in the order planned; credit notes among them
	recurring []*demoRecurring
	sequences map[string]int64
	docs      []*demoDocument

	activity    map[string]int64 // case id → when the contact last wrote or uploaded
	portalCases []*demoCase
}

func newShowcase(g *demoGen, clients []demoClient, plan *casePlan, settings tenant.BillingSettings, seller billing.Party) *showcase {
	now := time.Unix(g.now, 0).UTC()
	return &showcase{g: g, clients: clients, plan: plan, settings: settings, seller: seller, portal: -1,
		today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), casesOf: map[int][]int{}, activity: map[string]int64{}}
}

// choosePortalClient picks the billed clients (the oldest, who have the
// most cases) and among them the portal client: a company with a handful
// of cases if there is one. create, if not nil, makes its contact.
func (s *showcase) choosePortalClient(ctx context.Context, create func(context.Context, string) (*tenant.User, error)) error {
	n := len(s.clients)
	if n == 0 {
		return nil
	}
	billed := min(n, max(3, n/4), maxBilledClients)
	counts := make([]int, billed)
	for _, c := range s.plan.client {
		if int(c) < billed {
			counts[c]++
		}
	}
	s.portal = -1
	fits := func(i int) bool { return counts[i] >= portalCasesMin && counts[i] <= portalCasesMax }
	for i := range billed {
		if fits(i) && s.clients[i].kind == "company" {
			s.portal = i
			break
		}
	}
	for i := 0; i < billed && s.portal < 0; i++ {
		if fits(i) {
			s.portal = i
		}
	}
	if s.portal < 0 {
		s.portal = 0
		for i := range billed {
			if counts[i] > counts[s.portal] {
				s.portal = i
			}
		}
	}
	s.billed = append(s.billed, s.portal)
	for i := range billed {
		if i != s.portal {
			s.billed = append(s.billed, i)
		}
	}
	for i, c := range s.plan.client {
		if int(c) < billed {
			s.casesOf[int(c)] = append(s.casesOf[int(c)], i)
		}
	}
	if create == nil {
		return nil
	}
	u, err := create(ctx, s.clients[s.portal].id)
	if err != nil {
		return fmt.Errorf("demo: portal contact: %w", err)
	}
	s.contact = u
	return nil
}

// sawPortalCase notes a case of the portal client as it was made.
func (s *showcase) sawPortalCase(c *demoCase, p *portalCase) {
	s.portalCases = append(s.portalCases, c)
	if p.lastMessage > s.activity[c.id] {
		s.activity[c.id] = p.lastMessage
	}
}

// write stores the invoices, recurring invoices and documents, after the
// cases they belong to, and says what there is in res.
func (s *showcase) write(ctx context.Context, t *tenant.Store, res *Result, progress func(Progress)) error {
	if len(s.invoices) > 0 || len(s.recurring) > 0 {
		progress(Progress{Stage: "billing"})
		b := tenant.BulkBilling{Sequences: s.sequences}
		for _, r := range s.recurring {
			b.Recurring = append(b.Recurring, r.b)
			res.Recurring[r.b.Status]++
		}
		// Oldest first, as they were made (the search index lists the
		// newest first by insertion), so credit notes after the invoices
		// they credit.
		for _, inv := range s.invoices {
			b.Invoices = append(b.Invoices, inv.b)
		}
		slices.SortStableFunc(b.Invoices, func(x, y tenant.BulkInvoice) int { return x.CreatedAt.Compare(y.CreatedAt) })
		today := s.today.Format(billing.DateLayout)
		for _, inv := range s.invoices {
			if inv.b.Kind == tenant.KindCreditNote {
				res.CreditNotes++
				continue
			}
			shown := tenant.Invoice{Status: inv.b.Status, DueDate: s.dueDate(inv).Format(billing.DateLayout)}
			res.Invoices[shown.DisplayStatus(today)]++
			for _, p := range inv.b.Payments {
				if p.Method != tenant.MethodCreditNote {
					res.Payments++
				}
			}
		}
		if err := t.BulkLoadBilling(ctx, b); err != nil {
			return err
		}
	}
	if len(s.docs) > 0 || len(s.activity) > 0 {
		progress(Progress{Stage: "documents"})
		docs, staged, err := s.storeDocuments(ctx, t.FilesDir())
		if err != nil {
			return err
		}
		a := tenant.BulkAttachments{Documents: docs, ClientActivity: map[string]time.Time{}}
		for id, at := range s.activity {
			if at > 0 {
				a.ClientActivity[id] = time.Unix(at, 0)
			}
		}
		if err := t.BulkAttach(ctx, a); err != nil {
			for _, st := range staged {
				st.Discard()
			}
			return err
		}
		for _, d := range docs {
			res.Documents++
			if d.Shared {
				res.Shared++
			}
		}
	}
	if s.portal >= 0 {
		res.PortalClientID, res.PortalClientName = s.clients[s.portal].id, s.clients[s.portal].name
		res.PortalCases, res.Contact = len(s.portalCases), s.contact
	}
	return nil
}

// markRead has the contact seen every case of theirs but the one updated
// last, so that the portal shows what is new without shouting.
func (s *showcase) markRead(ctx context.Context, t *tenant.Store) error {
	if s == nil || s.contact == nil || len(s.portalCases) < 2 {
		return nil
	}
	cases := slices.Clone(s.portalCases)
	slices.SortStableFunc(cases, func(a, b *demoCase) int { return cmpInt64(b.updated, a.updated) })
	for _, c := range cases[1:] {
		if err := t.MarkCaseRead(ctx, s.contact.ID, c.id); err != nil {
			return err
		}
	}
	return nil
}
