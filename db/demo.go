package db

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
)

// DemoSize is how much demo data GenerateDemo creates.
type DemoSize struct {
	Clients int
	Cases   int
	Events  int // history entries in all, each case's creation included
}

// Demo size limits: enough for load tests, small enough that a typo cannot
// fill the disk.
const (
	DemoMaxClients = 200_000
	DemoMaxCases   = 1_000_000
	DemoMaxEvents  = 10_000_000
)

// DemoLongHistory is how many events GenerateDemo gives one case (when the
// size allows), so that benchmarks have a case page with a long history.
const DemoLongHistory = 200

// demoCasesPerTx is how many cases (with their notes and events) one write
// transaction inserts: big enough that commits cost nothing, small enough
// that the write-ahead log stays a few hundred megabytes at most.
const demoCasesPerTx = 10_000

// Validate checks the size and names the limits it breaks.
func (s DemoSize) Validate() error {
	f := map[string]string{}
	if s.Clients < 0 || s.Clients > DemoMaxClients {
		f["clients"] = fmt.Sprintf("Use 0 to %d clients.", DemoMaxClients)
	}
	if s.Cases < 0 || s.Cases > DemoMaxCases {
		f["cases"] = fmt.Sprintf("Use 0 to %d cases.", DemoMaxCases)
	} else if s.Cases > 0 && s.Clients == 0 {
		f["cases"] = "Cases need at least one client."
	}
	switch {
	case s.Events < 0 || s.Events > DemoMaxEvents:
		f["events"] = fmt.Sprintf("Use 0 to %d events.", DemoMaxEvents)
	case s.Events < s.Cases:
		f["events"] = fmt.Sprintf("Use at least as many events as cases (%d): each case's history starts with its creation.", s.Cases)
	case s.Cases == 0 && s.Events > 0:
		f["events"] = "Events need at least one case."
	}
	return apperr.FieldErrors(f)
}

// DemoResult says what GenerateDemo created.
type DemoResult struct {
	Clients, Cases, Events, Notes int
	FirstNumber, LastNumber       int64 // case numbers used
	// LongCaseID is a case with exactly DemoLongHistory events, or "" when
	// the size did not allow one.
	LongCaseID     string
	LongCaseNumber int64
}

// DemoProgress reports how far GenerateDemo got.
type DemoProgress struct {
	Stage       string // "clients", "cases", "index"
	Done, Total int
}

// GenerateDemo fills the agency with realistic clients, cases, notes and
// case histories made from seed: the same seed and size give the same data.
// The agency's staff (owners, admins, staff) become the responsible people,
// assignees and authors, so it needs at least one. Rows go in through the
// ordinary tables, so the search index triggers index them; case numbers
// continue the agency's sequence. progress, if not nil, is called now and then.
func (t *Tenant) GenerateDemo(ctx context.Context, size DemoSize, seed uint64, progress func(DemoProgress)) (*DemoResult, error) {
	if err := size.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(DemoProgress) {}
	}
	staff, err := QueryList(ctx, t.Read(), "demo staff", scanUser, `SELECT `+userColumns+` FROM users
		WHERE role IN ('owner', 'admin', 'staff') AND status = 'active' ORDER BY created_at, email`)
	if err != nil {
		return nil, err
	}
	if len(staff) == 0 {
		return nil, apperr.New(apperr.Conflict, "The agency has no staff to own the demo data.")
	}
	// Pragmas for the bulk load, on the writer (one connection, so they stay
	// on it) and set back when done: statement journals (every insert that
	// fires a search trigger writes one) in memory instead of a temporary
	// file, which halves the time; and a bigger page cache, since the
	// indexes on cases, notes and events get random inserts.
	if _, err := t.Write().ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`); err != nil {
		return nil, fmt.Errorf("db: demo pragmas: %w", err)
	}
	defer t.Write().ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT`)

	g := newDemoGen(seed, staff, t.Now())
	res := &DemoResult{}
	clientIDs, err := t.insertDemoClients(ctx, g, size.Clients, progress)
	if err != nil {
		return nil, err
	}
	res.Clients = len(clientIDs)
	if err := t.insertDemoCases(ctx, g, clientIDs, size, res, progress); err != nil {
		return nil, err
	}
	if size.Cases > 0 || size.Clients > 0 {
		// Merge the many index segments the bulk load left into one, as
		// SQLite's automatic merges would do over time.
		progress(DemoProgress{Stage: "index"})
		if _, err := t.Write().ExecContext(ctx, `INSERT INTO search_index (search_index) VALUES ('optimize')`); err != nil {
			return nil, fmt.Errorf("db: optimize search index: %w", err)
		}
	}
	if _, err := t.Write().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, fmt.Errorf("db: checkpoint after demo: %w", err)
	}
	return res, nil
}

// demoGen makes the random parts of demo data from one seeded source.
type demoGen struct {
	rng   *rand.Rand
	staff []*User
	now   int64
	seen  map[string]int // email local parts used, for unique addresses
}

func newDemoGen(seed uint64, staff []*User, now int64) *demoGen {
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
func (g *demoGen) staffMember(none float64) *User {
	if g.chance(none) {
		return nil
	}
	return demoPick(g, g.staff)
}

func demoUserID(u *User) any {
	if u == nil {
		return nil
	}
	return u.ID
}

func demoUserName(u *User) string {
	if u == nil {
		return ""
	}
	return u.Name
}

// demoClient is one generated client.
type demoClient struct {
	id, name, kind, code, vat, street, city, postal, country, notes string
	responsible                                                     *User
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

func (t *Tenant) insertDemoClients(ctx context.Context, g *demoGen, n int, progress func(DemoProgress)) ([]demoClient, error) {
	clients := make([]demoClient, 0, n)
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		ins, err := demoPrepare(ctx, tx,
			`INSERT INTO clients (id, name, kind, company_code, vat_number, street, city, postal_code, country, notes, responsible_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			`INSERT INTO client_emails (client_id, position, email) VALUES (?, ?, ?)`,
			`INSERT INTO client_phones (client_id, position, phone) VALUES (?, ?, ?)`,
			`INSERT INTO client_tags (client_id, tag) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer demoCloseAll(ins)
		insClient, insEmail, insPhone, insTag := ins[0], ins[1], ins[2], ins[3]
		for i := range n {
			c := g.client()
			if _, err := insClient.ExecContext(ctx, c.id, c.name, c.kind, c.code, c.vat, c.street, c.city, c.postal, c.country, c.notes,
				demoUserID(c.responsible), c.created, c.created); err != nil {
				return fmt.Errorf("db: demo client: %w", err)
			}
			for p, e := range c.emails {
				if _, err := insEmail.ExecContext(ctx, c.id, p, e); err != nil {
					return fmt.Errorf("db: demo client email: %w", err)
				}
			}
			for p, ph := range c.phones {
				if _, err := insPhone.ExecContext(ctx, c.id, p, ph); err != nil {
					return fmt.Errorf("db: demo client phone: %w", err)
				}
			}
			for _, tag := range c.tags {
				if _, err := insTag.ExecContext(ctx, c.id, tag); err != nil {
					return fmt.Errorf("db: demo client tag: %w", err)
				}
			}
			clients = append(clients, demoClient{id: c.id, short: c.short, created: c.created})
			if (i+1)%10_000 == 0 {
				progress(DemoProgress{Stage: "clients", Done: i + 1, Total: n})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return clients, nil
}

func demoPrepare(ctx context.Context, tx *sql.Tx, queries ...string) ([]*sql.Stmt, error) {
	stmts := make([]*sql.Stmt, 0, len(queries))
	for _, q := range queries {
		s, err := tx.PrepareContext(ctx, q)
		if err != nil {
			demoCloseAll(stmts)
			return nil, fmt.Errorf("db: prepare demo insert: %w", err)
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

func demoCloseAll(stmts []*sql.Stmt) {
	for _, s := range stmts {
		s.Close()
	}
}

// eventCounts splits events among cases: one creation event each, one case
// (the middle one) with exactly DemoLongHistory when possible, and the rest
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
		if counts[0] == DemoLongHistory {
			long = 0
		}
		return counts, long
	}
	if extra >= DemoLongHistory-1 {
		long = cases / 2
		counts[long] = DemoLongHistory
		extra -= DemoLongHistory - 1
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
	assignee, creator                                       *User
	created, updated, closed                                int64
	labels                                                  []string
	notes                                                   []*demoNote
	events                                                  []demoEvent
}

type demoNote struct {
	id, body         string
	author           *User
	visible          bool
	created, updated int64
}

type demoEvent struct {
	at                                  int64
	actor                               *User
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

// kase makes a case created at created with k history events, the last no
// later than the generator's now. Its fields end as its history left them.
func (g *demoGen) kase(client demoClient, number int64, created int64, k int) *demoCase {
	c := &demoCase{id: g.id(), clientID: client.id, number: number, created: created, status: "new"}
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

	times := make([]int64, k-1)
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
		actor := demoPick(g, g.staff)
		e := demoEvent{at: at, actor: actor}
		kind := g.weighted(weights)
		if kind == 4 && len(c.notes) == 0 {
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
			n := &demoNote{id: g.id(), body: g.sentences(1, 3), author: actor, visible: g.chance(0.2), created: at, updated: at}
			c.notes = append(c.notes, n)
			e.kind, e.nt, e.newValue, e.visible = "note", n.id, n.body, n.visible
		case 4:
			n := demoPick(g, c.notes)
			next := n.body + " " + demoPick(g, demoSentences)
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
	c.updated = c.events[len(c.events)-1].at
	return c
}

func (t *Tenant) insertDemoCases(ctx context.Context, g *demoGen, clients []demoClient, size DemoSize, res *DemoResult, progress func(DemoProgress)) error {
	if size.Cases == 0 {
		return nil
	}
	var base int64
	err := t.Read().QueryRowContext(ctx, `SELECT MAX(COALESCE((SELECT value FROM sequences WHERE name = 'case'), 0), COALESCE((SELECT MAX(number) FROM cases), 0))`).Scan(&base)
	if err != nil {
		return fmt.Errorf("db: demo case numbers: %w", err)
	}
	counts, long := g.eventCounts(size.Cases, size.Events)
	// Cases are spread over the last two years in number order; clients are
	// all older than that.
	start, span := g.now-2*demoYear, 2*demoYear-24*3600
	for from := 0; from < size.Cases; from += demoCasesPerTx {
		to := min(from+demoCasesPerTx, size.Cases)
		err := t.Tx(ctx, func(tx *sql.Tx) error {
			ins, err := demoPrepare(ctx, tx,
				`INSERT INTO cases (id, number, client_id, title, description, status, priority, assignee_id, due_date, created_by, created_at, updated_at, closed_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				`INSERT INTO case_labels (case_id, label) VALUES (?, ?)`,
				`INSERT INTO notes (id, case_id, author_id, author_name, body, visible_to_client, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				`INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id, visible_to_client)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer demoCloseAll(ins)
			insCase, insLabel, insNote, insEvent := ins[0], ins[1], ins[2], ins[3]
			for i := from; i < to; i++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				created := start + int64(i)*span/int64(size.Cases) + g.rng.Int64N(max(1, span/int64(size.Cases)))
				// Older clients get more cases, as long-standing clients do.
				client := clients[int(float64(len(clients))*math.Pow(g.rng.Float64(), 1.5))]
				c := g.kase(client, base+int64(i)+1, created, counts[i])
				var due, closed any
				if c.due != "" {
					due = c.due
				}
				if c.closed != 0 {
					closed = c.closed
				}
				if _, err := insCase.ExecContext(ctx, c.id, c.number, c.clientID, c.title, c.description, c.status, c.priority,
					demoUserID(c.assignee), due, demoUserID(c.creator), c.created, c.updated, closed); err != nil {
					return fmt.Errorf("db: demo case: %w", err)
				}
				for _, l := range c.labels {
					if _, err := insLabel.ExecContext(ctx, c.id, l); err != nil {
						return fmt.Errorf("db: demo case label: %w", err)
					}
				}
				for _, n := range c.notes {
					if _, err := insNote.ExecContext(ctx, n.id, c.id, demoUserID(n.author), demoUserName(n.author), n.body, n.visible, n.created, n.updated); err != nil {
						return fmt.Errorf("db: demo note: %w", err)
					}
				}
				for _, e := range c.events {
					if _, err := insEvent.ExecContext(ctx, c.id, e.at, e.actor.ID, e.actor.Name, e.kind, e.field, e.oldValue, e.newValue, e.nt, e.visible); err != nil {
						return fmt.Errorf("db: demo event: %w", err)
					}
				}
				res.Cases++
				res.Notes += len(c.notes)
				res.Events += len(c.events)
				if res.FirstNumber == 0 {
					res.FirstNumber = c.number
				}
				res.LastNumber = c.number
				if i == long {
					res.LongCaseID, res.LongCaseNumber = c.id, c.number
				}
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO sequences (name, value) VALUES ('case', ?)
				ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)`, base+int64(to))
			if err != nil {
				return fmt.Errorf("db: demo case sequence: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		progress(DemoProgress{Stage: "cases", Done: to, Total: size.Cases})
	}
	return nil
}
