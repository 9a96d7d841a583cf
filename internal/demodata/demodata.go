// Package demodata makes a demo agency's data from a seed: realistic
// clients, cases, notes and case histories, and what a visitor needs to
// judge the product besides: invoices in every state with their payments,
// recurring invoices, documents with thumbnails, and a client whose portal
// has cases, messages, shared documents and invoices to pay. Rows go in
// through the tenant store's bulk loads; document files through the same
// files store uploads use. The demo command uses it, and so do the
// benchmarks that need a big agency.
package demodata

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// Size is how much demo data Generate creates.
type Size struct {
	Clients int
	Cases   int
	Events  int // history entries in all, each case's creation included
}

// Demo size limits: enough for load tests, small enough that a typo cannot
// fill the disk.
const (
	MaxClients = 200_000
	MaxCases   = 1_000_000
	MaxEvents  = 10_000_000
)

// LongHistory is how many events Generate gives one case (when the size
// allows), so that benchmarks have a case page with a long history.
const LongHistory = 200

// rowsPerTx is how many clients, or cases (with their notes and events),
// one write transaction inserts: big enough that commits cost nothing,
// small enough that the write-ahead log stays a few hundred megabytes at
// most.
const rowsPerTx = 10_000

// Validate checks the size and names the limits it breaks.
func (s Size) Validate() error {
	f := map[string]string{}
	if s.Clients < 0 || s.Clients > MaxClients {
		f["clients"] = fmt.Sprintf("Use 0 to %d clients.", MaxClients)
	}
	if s.Cases < 0 || s.Cases > MaxCases {
		f["cases"] = fmt.Sprintf("Use 0 to %d cases.", MaxCases)
	} else if s.Cases > 0 && s.Clients == 0 {
		f["cases"] = "Cases need at least one client."
	}
	switch {
	case s.Events < 0 || s.Events > MaxEvents:
		f["events"] = fmt.Sprintf("Use 0 to %d events.", MaxEvents)
	case s.Events < s.Cases:
		f["events"] = fmt.Sprintf("Use at least as many events as cases (%d): each case's history starts with its creation.", s.Cases)
	case s.Cases == 0 && s.Events > 0:
		f["events"] = "Events need at least one case."
	}
	return apperr.FieldErrors(f)
}

// Result says what Generate created.
type Result struct {
	Clients, Cases, Events, Notes int
	FirstNumber, LastNumber       int64 // case numbers used
	// LongCaseID is a case with exactly LongHistory events, or "" when
	// the size did not allow one.
	LongCaseID     string
	LongCaseNumber int64

	// Invoices counts invoices (drafts included, credit notes not) by
	// their status as shown on the day of the run: tenant.InvoiceOverdue
	// for open ones past due.
	Invoices    map[string]int
	CreditNotes int
	Payments    int // received, credit notes applied not counted
	// Recurring counts recurring invoices by status.
	Recurring map[string]int
	Documents int
	Shared    int // documents shared with the client

	// PortalClientID is the client whose portal the demo shows off (""
	// without clients): its cases have client-visible notes, its
	// contact's messages (WithContact), shared documents and invoices to
	// pay. Contact is that contact, nil without WithContact.
	PortalClientID, PortalClientName string
	PortalCases                      int
	Contact                          *tenant.User
}

// InvoiceCount is how many invoices Generate made, credit notes aside.
func (r *Result) InvoiceCount() int {
	n := 0
	for _, v := range r.Invoices {
		n += v
	}
	return n
}

// RecurringCount is how many recurring invoices Generate made.
func (r *Result) RecurringCount() int {
	n := 0
	for _, v := range r.Recurring {
		n += v
	}
	return n
}

// Option adds to what Generate makes.
type Option func(*options)

type options struct {
	agencyName string
	contact    func(ctx context.Context, clientID string) (*tenant.User, error)
}

// WithAgencyName names the seller on the demo's invoices when the billing
// settings have no legal name, as issuing an invoice does.
func WithAgencyName(name string) Option { return func(o *options) { o.agencyName = name } }

// WithContact has Generate make the portal client's contact: once the
// clients are in, create is called with that client's id and returns the
// new client sign-in, whose messages and uploads then appear on the
// client's cases.
func WithContact(create func(ctx context.Context, clientID string) (*tenant.User, error)) Option {
	return func(o *options) { o.contact = create }
}

// Progress reports how far Generate got.
type Progress struct {
	Stage       string // "clients", "cases", "billing", "documents", "index"
	Done, Total int
}

// Generate fills the agency with realistic clients, cases, notes and case
// histories made from seed, and with invoices, payments, recurring
// invoices and documents on a modest share of them (capped, so that a big
// agency costs little more): the same seed, size and options give the same
// data, ids aside. The agency's staff (owners, admins, staff) become the
// responsible people, assignees and authors, so it needs at least one.
// Rows go in through the store's bulk loads, so the search index triggers
// index them; case numbers continue the agency's sequence, invoice numbers
// the agency's yearly sequences in its number pattern. Invoice, payment and
// document events take their place in the case histories, within the
// size's number of events. progress, if not nil, is called now and then.
func Generate(ctx context.Context, t *tenant.Store, size Size, seed uint64, progress func(Progress), opts ...Option) (*Result, error) {
	if err := size.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	staff, err := t.ActiveStaff(ctx)
	if err != nil {
		return nil, err
	}
	if len(staff) == 0 {
		return nil, apperr.New(apperr.Conflict, "The agency has no staff to own the demo data.")
	}
	settings, err := t.BillingSettings(ctx)
	if err != nil {
		return nil, err
	}
	g := newDemoGen(seed, staff, t.Now())
	res := &Result{Invoices: map[string]int{}, Recurring: map[string]int{}}
	var show *showcase
	err = t.BulkLoad(ctx, func(insert func(tenant.Bulk) error) error {
		clients, err := insertClients(ctx, g, size.Clients, insert, progress)
		if err != nil {
			return err
		}
		res.Clients = len(clients)
		plan, err := planCases(ctx, t, g, len(clients), size)
		if err != nil {
			return err
		}
		show = newShowcase(g, clients, plan, settings, tenant.SellerOf(settings, o.agencyName))
		if err := show.choosePortalClient(ctx, o.contact); err != nil {
			return err
		}
		if err := show.planBilling(ctx, t); err != nil {
			return err
		}
		show.planDocuments()
		if err := insertCases(ctx, g, clients, plan, show, res, insert, progress); err != nil {
			return err
		}
		if err := show.write(ctx, t, res, progress); err != nil {
			return err
		}
		if size.Cases > 0 || size.Clients > 0 {
			progress(Progress{Stage: "index"}) // the bulk load merges the search index's segments next
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := show.markRead(ctx, t); err != nil {
		return nil, err
	}
	return res, nil
}

// demoGen makes the random parts of demo data from one seeded source.
type demoGen struct {
	rng   *rand.Rand
	staff []*tenant.User
	now   int64
	seen  map[string]int // email local parts used, for unique addresses
}

func newDemoGen(seed uint64, staff []*tenant.User, now int64) *demoGen {
	return &demoGen{rng: rand.New(rand.NewPCG(seed, 0x6d696e7465646d)), staff: staff, now: now, seen: map[string]int{}}
}

// id is a new random id. Ids do not follow the seed, so that a second
// demo in the same agency never collides with the first.
func (g *demoGen) id() string { return uuid.NewString() }

func demoPick[T any](g *demoGen, list []T) T { return list[g.rng.IntN(len(list))] }

// chance is true with probability p.
func (g *demoGen) chance(p float64) bool { return g.rng.Float64() < p }

// weighted returns an index into weights, chosen in proportion to them.
func (g *demoGen) weighted(weights []int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := g.rng.IntN(sum)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *demoGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// sentences joins between min and max demo sentences, with now and then a
// rare word, so that some searches are selective.
func (g *demoGen) sentences(min, max int) string {
	n := min + g.rng.IntN(max-min+1)
	parts := make([]string, 0, n+1)
	for range n {
		parts = append(parts, demoPick(g, demoSentences))
	}
	if g.chance(0.002) {
		parts = append(parts, "Codename "+demoPick(g, demoRareWords)+".")
	}
	return strings.Join(parts, " ")
}

// emailLocal makes an address's local part unique among the demo's.
func (g *demoGen) emailLocal(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('.')
		case r == 'ü':
			b.WriteString("ue")
		}
	}
	local := b.String()
	g.seen[local]++
	if n := g.seen[local]; n > 1 {
		local = fmt.Sprintf("%s%d", local, n)
	}
	return local
}

func (g *demoGen) phone(country string) string {
	codes := map[string]string{"DE": "49", "AT": "43", "CH": "41", "FR": "33", "ES": "34", "PT": "351", "IT": "39", "NL": "31",
		"BE": "32", "DK": "45", "SE": "46", "NO": "47", "FI": "358", "EE": "372", "LV": "371", "LT": "370", "PL": "48",
		"CZ": "420", "HU": "36", "SI": "386", "HR": "385", "IE": "353", "GB": "44"}
	return "+" + codes[country] + " " + g.digits(2+g.rng.IntN(2)) + " " + g.digits(7)
}

// staffMember returns someone of the agency, or nil with probability none.
func (g *demoGen) staffMember(none float64) *tenant.User {
	if g.chance(none) {
		return nil
	}
	return demoPick(g, g.staff)
}

func demoUserID(u *tenant.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

func demoUserName(u *tenant.User) string {
	if u == nil {
		return ""
	}
	return u.Name
}

// demoClient is one generated client.
type demoClient struct {
	id, name, kind, code, vat, street, city, postal, country, notes string
	responsible                                                     *tenant.User
	created                                                         int64
	emails, phones, tags                                            []string
	short                                                           string // what a case title calls the client
}

const demoYear = int64(365 * 24 * 3600)

func (g *demoGen) client() demoClient {
	c := demoClient{id: g.id(), kind: "person"}
	city := demoPick(g, demoCities)
	c.city, c.country = city[0], demoCountryNames[city[1]]
	c.postal = city[2] + g.digits(5-len(city[2]))
	c.street = fmt.Sprintf("%s %d", demoPick(g, demoStreets), 1+g.rng.IntN(180))
	if g.chance(0.4) {
		c.kind = "company"
		stem := demoPick(g, demoCompanyStems)
		c.name = stem + " " + demoPick(g, demoCompanyTrades) + " " + demoPick(g, demoCompanyForms)
		c.short = stem
		c.code = g.digits(8)
		c.vat = city[1] + g.digits(9)
		domain := g.emailLocal(strings.ReplaceAll(strings.ToLower(c.name), "&", "and"))
		c.emails = []string{"info@" + strings.ReplaceAll(domain, ".", "-") + ".example"}
		if g.chance(0.5) {
			c.emails = append(c.emails, "accounts@"+strings.ReplaceAll(domain, ".", "-")+".example")
		}
	} else {
		first, last := demoPick(g, demoFirstNames), demoPick(g, demoLastNames)
		c.name = first + " " + last
		c.short = last
		c.emails = []string{g.emailLocal(first+"."+last) + "@" + demoPick(g, []string{"example.com", "example.org", "example.net"})}
	}
	c.phones = []string{g.phone(city[1])}
	if g.chance(0.3) {
		c.phones = append(c.phones, g.phone(city[1]))
	}
	if g.chance(0.3) {
		c.notes = g.sentences(1, 2)
	}
	c.responsible = g.staffMember(0.1)
	c.created = g.now - 3*demoYear + g.rng.Int64N(demoYear)
	for range g.rng.IntN(4) {
		if tag := demoPick(g, demoTags); !slices.Contains(c.tags, tag) {
			c.tags = append(c.tags, tag)
		}
	}
	return c
}

// insertClients makes n clients and inserts them, rowsPerTx at a time.
func insertClients(ctx context.Context, g *demoGen, n int, insert func(tenant.Bulk) error, progress func(Progress)) ([]demoClient, error) {
	clients := make([]demoClient, 0, n)
	batch := make([]tenant.BulkClient, 0, min(n, rowsPerTx))
	for i := range n {
		c := g.client()
		batch = append(batch, tenant.BulkClient{ID: c.id, Name: c.name, Kind: c.kind, CompanyCode: c.code, VATNumber: c.vat,
			Street: c.street, City: c.city, PostalCode: c.postal, Country: c.country, Notes: c.notes,
			ResponsibleID: demoUserID(c.responsible), CreatedAt: time.Unix(c.created, 0), Emails: c.emails, Phones: c.phones, Tags: c.tags})
		clients = append(clients, demoClient{id: c.id, name: c.name, kind: c.kind, short: c.short, created: c.created})
		if len(batch) == rowsPerTx || i == n-1 {
			if err := insert(tenant.Bulk{Clients: batch}); err != nil {
				return nil, err
			}
			batch = batch[:0]
		}
		if (i+1)%10_000 == 0 {
			progress(Progress{Stage: "clients", Done: i + 1, Total: n})
		}
	}
	return clients, nil
}

// eventCounts splits events among cases: one creation event each, one case
// (the middle one) with exactly LongHistory when possible, and the rest
// skewed as real work is: most cases have a few entries, some have many.
func (g *demoGen) eventCounts(cases, events int) (counts []int, long int) {
	counts = make([]int, cases)
	if cases == 0 {
		return counts, -1
	}
	for i := range counts {
		counts[i] = 1
	}
	long = -1
	extra := events - cases
	if cases == 1 {
		counts[0] += extra
		if counts[0] == LongHistory {
			long = 0
		}
		return counts, long
	}
	if extra >= LongHistory-1 {
		long = cases / 2
		counts[long] = LongHistory
		extra -= LongHistory - 1
	}
	weights := make([]float64, cases)
	sum := 0.0
	for i := range weights {
		if i != long {
			weights[i] = g.rng.ExpFloat64()
			sum += weights[i]
		}
	}
	given := 0
	for i, w := range weights {
		k := int(math.Floor(float64(extra) * w / sum))
		counts[i] += k
		given += k
	}
	for given < extra {
		i := g.rng.IntN(cases)
		if i == long {
			continue
		}
		counts[i]++
		given++
	}
	return counts, long
}

// demoCase is one generated case with its notes and history.
type demoCase struct {
	id, clientID, title, description, status, priority, due string
	number                                                  int64
	assignee, creator                                       *tenant.User
	created, updated, closed                                int64
	labels                                                  []string
	notes                                                   []*demoNote
	events                                                  []demoEvent
}

type demoNote struct {
	id, body         string
	author           *tenant.User
	visible          bool
	created, updated int64
}

type demoEvent struct {
	at                                  int64
	actor                               *tenant.User
	actorName                           string // when actor is nil: a machine ("Paysera") or a name only
	kind, field, oldValue, newValue, nt string
	visible                             bool
}

var demoStatusNext = map[string][]string{
	"new":         {"in_progress", "in_progress", "waiting"},
	"in_progress": {"waiting", "resolved", "resolved"},
	"waiting":     {"in_progress", "in_progress", "resolved"},
	"resolved":    {"closed", "closed", "in_progress"},
	"closed":      {"in_progress"},
}

var demoPriorities = []string{"low", "normal", "high", "urgent"}

func demoCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *demoGen) caseTitle(client demoClient) string {
	subject := demoPick(g, demoCaseSubjects)
	switch p := demoPick(g, demoTitlePatterns); p {
	case "%s %d":
		return fmt.Sprintf(p, demoCapitalize(subject), 2020+g.rng.IntN(7))
	case "%s for %s":
		return fmt.Sprintf(p, demoCapitalize(subject), client.short)
	case "%s: next steps":
		return fmt.Sprintf(p, demoCapitalize(subject))
	default:
		return fmt.Sprintf(p, subject)
	}
}

func (g *demoGen) dueDate(from int64) string {
	return time.Unix(from, 0).UTC().AddDate(0, 0, 7+g.rng.IntN(84)).Format("2006-01-02")
}

// portalCase is what a case of the portal client gets besides: its
// contact's messages, more notes for the client, and no events that name
// files or invoices that are not there (its documents and invoices are
// real, among the case's fixed events).
type portalCase struct {
	contact     *tenant.User // nil: no contact was made
	lastMessage int64        // when the contact last wrote, 0 for never
}

// kase makes a case created at created with k history events, the last no
// later than the generator's now: fixed (sorted by time, each after
// created) and k-1-len(fixed) of its own, drawn here. Its fields end as
// its own history left them.
func (g *demoGen) kase(client demoClient, id string, number int64, created int64, k int, fixed []demoEvent, portal *portalCase) *demoCase {
	c := &demoCase{id: id, clientID: client.id, number: number, created: created, status: "new"}
	c.title = g.caseTitle(client)
	c.description = g.sentences(1, 3)
	c.priority = demoPriorities[g.weighted([]int{20, 55, 18, 7})]
	c.assignee = g.staffMember(0.15)
	c.creator = demoPick(g, g.staff)
	if g.chance(0.6) {
		c.due = g.dueDate(created)
	}
	for range g.rng.IntN(3) {
		if l := demoPick(g, demoLabels); !slices.Contains(c.labels, l) {
			c.labels = append(c.labels, l)
		}
	}
	c.events = append(c.events, demoEvent{at: created, actor: c.creator, kind: "created", newValue: c.title, visible: true})

	times := make([]int64, k-1-len(fixed))
	end := g.now
	if span := end - created; span > 0 {
		for i := range times {
			times[i] = created + 1 + g.rng.Int64N(span)
		}
	} else {
		for i := range times {
			times[i] = created
		}
	}
	slices.Sort(times)
	// Kinds: status, assigned, field, note, note_edited, document, invoice.
	weights := []int{14, 6, 12, 45, 6, 12, 5}
	for _, at := range times {
		for len(fixed) > 0 && fixed[0].at <= at {
			c.events, fixed = append(c.events, fixed[0]), fixed[1:]
		}
		actor := demoPick(g, g.staff)
		e := demoEvent{at: at, actor: actor}
		kind := g.weighted(weights)
		if kind == 4 && len(c.notes) == 0 {
			kind = 3
		}
		if portal != nil && kind >= 5 {
			kind = 3
		}
		switch kind {
		case 0:
			next := demoPick(g, demoStatusNext[c.status])
			e.kind, e.oldValue, e.newValue, e.visible = "status", c.status, next, true
			c.status = next
			if next == "closed" {
				c.closed = at
			} else {
				c.closed = 0
			}
		case 1:
			to := g.staffMember(0.05)
			if to == c.assignee {
				to = demoPick(g, g.staff)
			}
			e.kind, e.oldValue, e.newValue = "assigned", demoUserName(c.assignee), demoUserName(to)
			c.assignee = to
		case 2:
			e.kind = "field"
			switch g.weighted([]int{5, 3, 2}) {
			case 0:
				next := demoPick(g, demoPriorities)
				e.field, e.oldValue, e.newValue = "priority", c.priority, next
				c.priority = next
			case 1:
				next := g.dueDate(at)
				e.field, e.oldValue, e.newValue = "due_date", c.due, next
				c.due = next
			default:
				next := c.title
				if i := strings.Index(next, " — "); i >= 0 {
					next = next[:i]
				} else {
					next += " — " + demoPick(g, []string{"phase 2", "revised", "urgent", "follow-up"})
				}
				e.field, e.oldValue, e.newValue = "title", c.title, next
				c.title = next
			}
		case 3:
			n := &demoNote{id: g.id(), author: actor, created: at, updated: at}
			switch {
			case portal == nil:
				n.body, n.visible = g.sentences(1, 3), g.chance(0.2)
			case portal.contact != nil && g.chance(0.35):
				n.author, n.body, n.visible = portal.contact, demoPick(g, demoContactMessages), true
				e.actor = portal.contact
				portal.lastMessage = max(portal.lastMessage, at)
			case g.chance(0.6):
				n.body, n.visible = demoPick(g, demoClientReplies), true
			default:
				n.body = g.sentences(1, 3)
			}
			c.notes = append(c.notes, n)
			e.kind, e.nt, e.newValue, e.visible = "note", n.id, n.body, n.visible
		case 4:
			n := demoPick(g, c.notes)
			next := n.body + " " + demoPick(g, demoSentences)
			if portal != nil && n.author == portal.contact {
				// A contact edits only their own messages.
				next, e.actor = n.body+" "+demoPick(g, demoContactMessages), n.author
				portal.lastMessage = max(portal.lastMessage, at)
			}
			e.kind, e.field, e.nt, e.oldValue, e.newValue, e.visible = "note_edited", "body", n.id, n.body, next, n.visible
			n.body, n.updated = next, at
		case 5:
			e.kind, e.newValue, e.visible = "document", demoPick(g, demoDocuments), g.chance(0.5)
		case 6:
			year := time.Unix(at, 0).UTC().Year()
			e.kind, e.newValue, e.visible = "invoice", fmt.Sprintf("INV-%d-%04d", year, 1+g.rng.IntN(9999)), true
		}
		c.events = append(c.events, e)
	}
	c.events = append(c.events, fixed...)
	c.updated = c.events[len(c.events)-1].at
	return c
}

// casePlan is what is drawn for every case before any is made: its
// number, creation time, client and number of events, so that invoices
// and documents can be given to cases, and their events to the cases'
// histories, before the cases are written.
type casePlan struct {
	base    int64   // case numbers follow it
	counts  []int   // events of each case, its creation included
	long    int     // the case with LongHistory events, or -1
	created []int64 // creation time of each case
	client  []int32 // index of each case's client
	// fixed are events that are not the case's own (invoices, payments,
	// documents), at their times; each takes one of the case's counts,
	// reserved (used) before the event itself is written.
	fixed map[int][]demoEvent
	used  map[int]int
	ids   map[int]string // ids of the cases something refers to
}

// planCases draws every case's creation time and client. Cases are spread
// over the last two years in number order; clients are all older than
// that, and older clients get more cases, as long-standing clients do.
func planCases(ctx context.Context, t *tenant.Store, g *demoGen, clients int, size Size) (*casePlan, error) {
	p := &casePlan{long: -1, fixed: map[int][]demoEvent{}, used: map[int]int{}, ids: map[int]string{}}
	if size.Cases == 0 {
		return p, nil
	}
	base, err := t.CaseNumberHigh(ctx)
	if err != nil {
		return nil, err
	}
	p.base = base
	p.counts, p.long = g.eventCounts(size.Cases, size.Events)
	start, span := g.now-2*demoYear, 2*demoYear-24*3600
	p.created, p.client = make([]int64, size.Cases), make([]int32, size.Cases)
	for i := range p.created {
		p.created[i] = start + int64(i)*span/int64(size.Cases) + g.rng.Int64N(max(1, span/int64(size.Cases)))
		p.client[i] = int32(float64(clients) * math.Pow(g.rng.Float64(), 1.5))
	}
	return p, nil
}

// free is how many of case i's events are still its own to draw.
func (p *casePlan) free(i int) int { return p.counts[i] - 1 - p.used[i] }

// reserve takes n of case i's events for fixed ones, if it has them free.
func (p *casePlan) reserve(i, n int) bool {
	if i < 0 || p.free(i) < n {
		return false
	}
	p.used[i] += n
	return true
}

// number is case i's number.
func (p *casePlan) number(i int) int64 { return p.base + int64(i) + 1 }

// caseID is case i's id, made now if nothing asked for it before.
func (p *casePlan) caseID(g *demoGen, i int) string {
	id, ok := p.ids[i]
	if !ok {
		id = g.id()
		p.ids[i] = id
	}
	return id
}

// addFixed puts e, reserved before, in case i's history.
func (p *casePlan) addFixed(i int, e demoEvent) { p.fixed[i] = append(p.fixed[i], e) }

// insertCases makes the cases with their notes and histories and inserts
// them, rowsPerTx cases at a time.
func insertCases(ctx context.Context, g *demoGen, clients []demoClient, plan *casePlan, show *showcase, res *Result, insert func(tenant.Bulk) error, progress func(Progress)) error {
	n := len(plan.counts)
	if n == 0 {
		return nil
	}
	batch := make([]tenant.BulkCase, 0, min(n, rowsPerTx))
	for from := 0; from < n; from += rowsPerTx {
		to := min(from+rowsPerTx, n)
		batch = batch[:0]
		for i := from; i < to; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			fixed := plan.fixed[i]
			slices.SortStableFunc(fixed, func(a, b demoEvent) int { return cmpInt64(a.at, b.at) })
			client := int(plan.client[i])
			var portal *portalCase
			if client == show.portal {
				portal = &portalCase{contact: show.contact}
			}
			id, ok := plan.ids[i]
			if !ok {
				id = g.id()
			}
			c := g.kase(clients[client], id, plan.number(i), plan.created[i], plan.counts[i], fixed, portal)
			if portal != nil {
				show.sawPortalCase(c, portal)
			}
			batch = append(batch, c.bulk())
			res.Cases++
			res.Notes += len(c.notes)
			res.Events += len(c.events)
			if res.FirstNumber == 0 {
				res.FirstNumber = c.number
			}
			res.LastNumber = c.number
			if i == plan.long {
				res.LongCaseID, res.LongCaseNumber = c.id, c.number
			}
		}
		if err := insert(tenant.Bulk{Cases: batch, CaseSequence: plan.number(to - 1)}); err != nil {
			return err
		}
		progress(Progress{Stage: "cases", Done: to, Total: n})
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bulk is the case as the store's bulk load takes it.
func (c *demoCase) bulk() tenant.BulkCase {
	k := tenant.BulkCase{ID: c.id, Number: c.number, ClientID: c.clientID, Title: c.title, Description: c.description,
		Status: c.status, Priority: c.priority, AssigneeID: demoUserID(c.assignee), CreatedBy: demoUserID(c.creator), DueDate: c.due,
		CreatedAt: time.Unix(c.created, 0), UpdatedAt: time.Unix(c.updated, 0), Labels: c.labels,
		Notes: make([]tenant.Note, len(c.notes)), Events: make([]tenant.Event, len(c.events))}
	if c.closed != 0 {
		k.ClosedAt = time.Unix(c.closed, 0)
	}
	for i, n := range c.notes {
		k.Notes[i] = tenant.Note{ID: n.id, CaseID: c.id, AuthorID: demoUserID(n.author), AuthorName: demoUserName(n.author), Body: n.body,
			VisibleToClient: n.visible, CreatedAt: time.Unix(n.created, 0), UpdatedAt: time.Unix(n.updated, 0)}
	}
	for i, e := range c.events {
		actorID, actorName := demoUserID(e.actor), demoUserName(e.actor)
		if e.actor == nil {
			actorName = e.actorName
		}
		k.Events[i] = tenant.Event{CaseID: c.id, At: time.Unix(e.at, 0), ActorID: actorID, ActorName: actorName, Kind: e.kind,
			Field: e.field, OldValue: e.oldValue, NewValue: e.newValue, NoteID: e.nt, VisibleToClient: e.visible}
	}
	return k
}
