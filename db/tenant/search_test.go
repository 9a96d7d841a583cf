package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// searchFixture inserts rows straight into a tenant's tables, the way any
// write path does: the search triggers index them.
type searchFixture struct {
	t  *testing.T
	tn *tenant.Store
	n  int // case numbers
}

func (f *searchFixture) exec(query string, args ...any) {
	f.t.Helper()
	err := f.tn.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	})
	if err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

// client adds a client; responsible may be "".
func (f *searchFixture) client(name, notes, responsible string) string {
	f.t.Helper()
	id := uuid.NewString()
	f.exec(`INSERT INTO clients (id, name, kind, city, notes, responsible_id, created_at, updated_at) VALUES (?, ?, 'person', 'Vilnius', ?, NULLIF(?, ''), 1, 1)`,
		id, name, notes, responsible)
	return id
}

// kase adds a case of client; assignee may be "".
func (f *searchFixture) kase(clientID, title, description, assignee string) string {
	f.t.Helper()
	id := uuid.NewString()
	f.n++
	f.exec(`INSERT INTO cases (id, number, client_id, title, description, assignee_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), 1, 1)`,
		id, f.n, clientID, title, description, assignee)
	return id
}

func (f *searchFixture) note(caseID, body string) string {
	f.t.Helper()
	id := uuid.NewString()
	f.exec(`INSERT INTO notes (id, case_id, author_name, body, created_at, updated_at) VALUES (?, ?, 'Ann', ?, 1, 1)`, id, caseID, body)
	return id
}

// notes adds n notes to caseID in one transaction, body(i) for the i-th.
func (f *searchFixture) notes(caseID string, n int, body func(i int) string) []string {
	f.t.Helper()
	ids := make([]string, n)
	err := f.tn.Tx(context.Background(), func(tx *sql.Tx) error {
		for i := range ids {
			ids[i] = uuid.NewString()
			if _, err := tx.Exec(`INSERT INTO notes (id, case_id, author_name, body, created_at, updated_at) VALUES (?, ?, 'Ann', ?, 1, 1)`, ids[i], caseID, body(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

func mustSearchFixture(t *testing.T, slug string) (*searchFixture, *tenant.User) {
	t.Helper()
	fx := mustOpenFixture(t)
	tn, owner := fx.mustOpenAgency(t, slug)
	return &searchFixture{t: t, tn: tn}, owner
}

func mustSearch(t *testing.T, tn *tenant.Store, v tenant.Viewer, q string) *tenant.SearchResult {
	t.Helper()
	res, err := tn.Search(context.Background(), v, q)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res
}

// hitIDs lists the ids of the hits, best first.
func hitIDs(res *tenant.SearchResult) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func hasHit(res *tenant.SearchResult, id string) bool {
	for _, h := range res.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

func TestSearchWords(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]string{
		"":                           "",
		"  a b ":                     "",
		"Garcia tax":                 "garcia tax",
		"Müller Ærø":                 "muller ærø",
		`"quoted" (paren) star*`:     "quoted paren star",
		"NEAR(alpha beta, 3)":        "near alpha beta",
		"-minus title:x ^caret":      "minus title caret",
		"C-0042":                     "0042",
		"dup dup DUP":                "dup",
		"a1 b2 c3 d4 e5 f6 g7 h8 i9": "a1 b2 c3 d4 e5 f6 g7 h8",
	} {
		if got := strings.Join(tenant.SearchWords(q), " "); got != want {
			t.Errorf("SearchWords(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestSearchFindsByWordStarts(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-prefix")
	v := tenant.Viewer{UserID: owner.ID}
	margaret := f.client("Margaret Hopper", "", "")
	juergen := f.client("Jürgen Müller", "Prefers calls in the morning", "")
	taxCase := f.kase(margaret, "Annual tax return", "Collect the payslips", "")
	note := f.note(taxCase, "Sent the reminder about the payslips.")

	for _, tc := range []struct {
		q    string
		want []string
		not  []string
	}{
		{"marg", []string{margaret}, []string{juergen}},
		{"HOP marg", []string{margaret}, nil},
		{"garet", nil, []string{margaret}},
		{"muller", []string{juergen}, nil},
		{"müll", []string{juergen}, nil},
		{"morn", []string{juergen}, nil},
		{"payslip", []string{taxCase, note}, nil},
		{"remind payslips", []string{note}, []string{taxCase}},
		{"C-0001", []string{taxCase}, nil},
		{"0001 tax", []string{taxCase}, nil},
		{"zzz", nil, []string{margaret, juergen, taxCase, note}},
	} {
		res := mustSearch(t, f.tn, v, tc.q)
		for _, id := range tc.want {
			if !hasHit(res, id) {
				t.Errorf("%q: missing %s; got %v", tc.q, id, hitIDs(res))
			}
		}
		for _, id := range tc.not {
			if hasHit(res, id) {
				t.Errorf("%q: found %s, want not", tc.q, id)
			}
		}
	}

	t.Run("a note's hit names its case", func(t *testing.T) {
		res := mustSearch(t, f.tn, v, "reminder")
		if len(res.Hits) != 1 || res.Hits[0].Kind != "note" || res.Hits[0].CaseID != taxCase || res.Hits[0].CaseNumber != 1 || res.Hits[0].CaseTitle != "Annual tax return" {
			t.Fatalf("%+v", res.Hits)
		}
	})
}

func TestSearchRanksTitleMatchesFirst(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-rank")
	v := tenant.Viewer{UserID: owner.ID}
	other := f.client("Olga Other", "", "")
	// Body matches first, so that newest-first order would put them ahead.
	c := f.kase(other, "Office move", "Ask the zephyr people about boxes", "")
	f.note(c, "Zephyr called about the zephyr contract")
	titled := f.client("Zephyr Logistics", "", "")

	res := mustSearch(t, f.tn, v, "zephyr")
	if res.Broad || len(res.Hits) != 3 || res.Hits[0].ID != titled {
		t.Fatalf("rare word: want the client named Zephyr first, got %+v", res.Hits)
	}

	t.Run("also among the newest matches of a common word", func(t *testing.T) {
		f.notes(c, 600, func(i int) string { return fmt.Sprintf("zephyr update %d: the zephyr shipment is on its way", i) })
		titled2 := f.kase(other, "Zephyr warehouse lease", "", "")
		f.notes(c, 20, func(i int) string { return "more zephyr news" })
		res := mustSearch(t, f.tn, v, "zephyr")
		if !res.Broad {
			t.Fatalf("600 matches: want a broad search, got %+v", res)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != titled2 {
			t.Fatalf("want the case titled Zephyr first, got %v", hitIDs(res))
		}
	})
}

func TestSearchHighlights(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-marks")
	v := tenant.Viewer{UserID: owner.ID}
	x := f.client("<script>alert(1)</script>", "Met at <b>the</b> fair & liked it", "")
	long := f.kase(x, "Contract", strings.Repeat("filler words here ", 20)+"the needle is here "+strings.Repeat("more filler ", 20), "")

	res := mustSearch(t, f.tn, v, "script")
	if len(res.Hits) != 1 || res.Hits[0].ID != x {
		t.Fatalf("%+v", res.Hits)
	}
	want := "<" + tenant.MatchStart + "script" + tenant.MatchEnd + ">alert(1)</" + tenant.MatchStart + "script" + tenant.MatchEnd + ">"
	if res.Hits[0].Title != want {
		t.Errorf("title %q, want %q (the text as typed, only the markers added)", res.Hits[0].Title, want)
	}

	res = mustSearch(t, f.tn, v, "fair")
	if got := res.Hits[0].Snippet; !strings.Contains(got, "<b>the</b> "+tenant.MatchStart+"fair"+tenant.MatchEnd+" & liked") {
		t.Errorf("snippet %q", got)
	}

	res = mustSearch(t, f.tn, v, "needle")
	got := res.Hits[0].Snippet
	if res.Hits[0].ID != long || !strings.Contains(got, tenant.MatchStart+"needle"+tenant.MatchEnd) || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || len(got) > 200 {
		t.Errorf("snippet of a long description: %q", got)
	}
}

func TestSearchHighlightsBroadQueries(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-marks-broad")
	v := tenant.Viewer{UserID: owner.ID}
	x := f.client("Ledger & <Sons>", "", "")
	c := f.kase(x, "Books", "", "")
	f.notes(c, 600, func(i int) string {
		return fmt.Sprintf("%s ledger line %d of the <ledgers>", strings.Repeat("word ", i%40), i)
	})
	res := mustSearch(t, f.tn, v, "ledger")
	if !res.Broad || len(res.Hits) == 0 {
		t.Fatalf("%+v", res)
	}
	for _, h := range res.Hits {
		if h.Kind != "note" {
			continue
		}
		if !strings.Contains(h.Snippet, tenant.MatchStart+"ledger"+tenant.MatchEnd+" line") || !strings.Contains(h.Snippet, "<"+tenant.MatchStart+"ledgers"+tenant.MatchEnd+">") {
			t.Errorf("snippet %q", h.Snippet)
		}
		if n := len([]rune(h.Snippet)); n > 200 {
			t.Errorf("snippet of %d characters: %q", n, h.Snippet)
		}
	}
	res = mustSearch(t, f.tn, v, "sons ledger")
	if len(res.Hits) != 1 || res.Hits[0].Title != tenant.MatchStart+"Ledger"+tenant.MatchEnd+" & <"+tenant.MatchStart+"Sons"+tenant.MatchEnd+">" {
		t.Errorf("%+v", res.Hits)
	}
}

func TestSearchQuerySyntaxIsPlainText(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-syntax")
	v := tenant.Viewer{UserID: owner.ID}
	alpha := f.client("Alpha Beta", "", "")
	for _, q := range []string{
		`"`, `""`, `"alpha`, `alpha"`, `*`, `alpha*`, `*alpha`, `(`, `)`, `(alpha`, `alpha OR`, `OR`, `AND`, `NOT alpha`,
		`NEAR`, `NEAR(alpha beta)`, `NEAR(alpha beta, 2)`, `-alpha`, `alpha -beta`, `:`, `title:alpha`, `{title}: alpha`,
		`^alpha`, `alpha + beta`, `'alpha'`, `alpha\`, `%_`, `alpha;DROP TABLE clients`, "\x00alpha", "alpha\x02beta\x03",
	} {
		res, err := f.tn.Search(context.Background(), v, q)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		words := tenant.SearchWords(q)
		wantAlpha := len(words) > 0
		for _, w := range words {
			wantAlpha = wantAlpha && (strings.HasPrefix("alpha", w) || strings.HasPrefix("beta", w))
		}
		if hasHit(res, alpha) != wantAlpha {
			t.Errorf("%q (words %q): found Alpha Beta = %v, want %v", q, words, hasHit(res, alpha), wantAlpha)
		}
	}
}

func TestSearchQueryLength(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-length")
	v := tenant.Viewer{UserID: owner.ID}
	if _, err := f.tn.Search(context.Background(), v, strings.Repeat("é", tenant.SearchQueryMax)); err != nil {
		t.Fatalf("%d characters: %v", tenant.SearchQueryMax, err)
	}
	_, err := f.tn.Search(context.Background(), v, strings.Repeat("a", tenant.SearchQueryMax+1))
	wantCode(t, err, apperr.Invalid)
	if msg := apperr.FieldsOf(err)["q"]; !strings.Contains(msg, "200") {
		t.Errorf("message %q does not name the limit", msg)
	}
	res := mustSearch(t, f.tn, v, " x ")
	if len(res.Words) != 0 || len(res.Hits) != 0 {
		t.Errorf("%+v", res)
	}
}

func TestSearchRespectsStaffVisibility(t *testing.T) {
	t.Parallel()
	f, _ := mustSearchFixture(t, "search-visible")
	ann := mustAddUser(t, f.tn, "ann@search-visible.test", tenant.RoleStaff)
	bob := mustAddUser(t, f.tn, "bob@search-visible.test", tenant.RoleStaff)
	annClient := f.client("Quillon Ann's client", "", ann.ID)
	bobClient := f.client("Quillon Bob's client", "", bob.ID)
	nobodyClient := f.client("Quillon nobody's client", "", "")
	annCase := f.kase(annClient, "Quillon case of Ann's client", "", "")      // via the client
	assigned := f.kase(bobClient, "Quillon case assigned to Ann", "", ann.ID) // via the assignment
	bobCase := f.kase(bobClient, "Quillon case of Bob's", "", bob.ID)         // not Ann's
	orphanCase := f.kase(nobodyClient, "Quillon case of nobody", "", "")      // not Ann's
	annNote := f.note(assigned, "Quillon note on the case assigned to Ann")   // visible with its case
	bobNote := f.note(bobCase, "Quillon note on Bob's case")                  // not Ann's
	visible := []string{annClient, annCase, assigned, annNote}
	hidden := []string{bobClient, nobodyClient, bobCase, orphanCase, bobNote}

	check := func(t *testing.T, q string, checkAll bool) {
		t.Helper()
		res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID, OwnOnly: true}, q)
		for _, id := range visible {
			if !hasHit(res, id) {
				t.Errorf("%q: Ann does not find %s", q, id)
			}
		}
		for _, id := range hidden {
			if hasHit(res, id) {
				t.Errorf("%q: Ann finds %s, which is not hers", q, id)
			}
		}
		if !checkAll {
			return
		}
		all := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID}, q)
		for _, id := range append(visible, hidden...) {
			if !hasHit(all, id) {
				t.Errorf("%q: with every client visible, Ann does not find %s", q, id)
			}
		}
	}
	t.Run("rare word", func(t *testing.T) { check(t, "quillon", true) })
	t.Run("common word", func(t *testing.T) {
		// 700 of Bob's notes make "quillon" common and fill the newest entries.
		f.notes(bobCase, 700, func(i int) string { return fmt.Sprintf("Quillon filler %d", i) })
		if res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID, OwnOnly: true}, "quillon"); !res.Broad {
			t.Fatal("want a broad search")
		}
		check(t, "quillon", false)
		check(t, "quil", false)
		check(t, "qui", false)
	})
}

func TestSearchBoundsCommonWords(t *testing.T) {
	t.Parallel()
	f, owner := mustSearchFixture(t, "search-bound")
	v := tenant.Viewer{UserID: owner.ID}
	cl := f.client("Carla Client", "", "")
	c := f.kase(cl, "Many notes", "", "")
	ids := f.notes(c, 1200, func(i int) string { return fmt.Sprintf("invoice reminder number %d", i) })
	newest := ids[len(ids)-1]
	oldest := ids[0]

	for _, tc := range []struct{ q, why string }{
		{"invoice", "a common whole word"},
		{"inv", "a common short prefix"},
		{"invoi", "a common word typed halfway"},
		{"reminder invoice", "two common words"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			res := mustSearch(t, f.tn, v, tc.q)
			if !res.Broad {
				t.Fatalf("1,200 matches: want a broad search, got %+v", res)
			}
			if res.Candidates != tenant.SearchBroadCandidates || res.Scanned > tenant.SearchBroadCandidates {
				t.Errorf("ranked %d after reading %d entries, want %d of at most %d", res.Candidates, res.Scanned, tenant.SearchBroadCandidates, tenant.SearchBroadCandidates)
			}
			if len(res.Hits) != tenant.SearchResultsMax {
				t.Errorf("%d hits", len(res.Hits))
			}
			for _, h := range res.Hits {
				if h.ID == oldest {
					t.Error("the oldest match is among the hits: the newest should have been ranked")
				}
			}
		})
	}

	t.Run("the newest matches are the candidates", func(t *testing.T) {
		f.exec(`UPDATE notes SET body = 'invoice invoice invoice reminder' WHERE id = ?`, newest)
		res := mustSearch(t, f.tn, v, "invoice")
		if len(res.Hits) == 0 || res.Hits[0].ID != newest {
			t.Errorf("want the newest note, with the most matches, first: %v", hitIDs(res))
		}
	})

	t.Run("a rare completion of a common prefix is still found", func(t *testing.T) {
		rare := f.note(c, "the invoicing software needs an update")
		f.notes(c, 300, func(i int) string { return "invoice filler" })
		res := mustSearch(t, f.tn, v, "invoicing")
		if !hasHit(res, rare) || len(res.Hits) != 1 {
			t.Errorf("%v", hitIDs(res))
		}
		if res.Scanned > 2*tenant.SearchBroadCandidates {
			t.Errorf("read %d entries", res.Scanned)
		}
	})

	t.Run("a rare word with a common one is ranked among all its matches", func(t *testing.T) {
		rare := f.note(c, "invoice for the quetzal account")
		res := mustSearch(t, f.tn, v, "invoice quetzal")
		if len(res.Hits) != 1 || res.Hits[0].ID != rare {
			t.Errorf("%v", hitIDs(res))
		}
	})
}

func TestSearchStaysInItsAgency(t *testing.T) {
	t.Parallel()
	fx := mustOpenFixture(t)
	a, ownerA := fx.mustOpenAgency(t, "search-iso-a")
	b, ownerB := fx.mustOpenAgency(t, "search-iso-b")
	fa := &searchFixture{t: t, tn: a}
	fa.client("Xanthippe Secret", "", "")
	if res := mustSearch(t, a, tenant.Viewer{UserID: ownerA.ID}, "xanthippe"); len(res.Hits) != 1 {
		t.Fatalf("%+v", res)
	}
	if res := mustSearch(t, b, tenant.Viewer{UserID: ownerB.ID}, "xanthippe"); len(res.Hits) != 0 {
		t.Fatalf("agency B finds A's client: %+v", res.Hits)
	}
}

func TestSearchFindsCaseNumbersAsTyped(t *testing.T) {
	t.Parallel()
	f, _ := mustSearchFixture(t, "search-number")
	ann := mustAddUser(t, f.tn, "ann@search-number.test", tenant.RoleStaff)
	client := f.client("Numbered client", "", "")
	var ids []string
	for i := 0; i < 42; i++ {
		ids = append(ids, f.kase(client, fmt.Sprintf("Case %d", i+1), "", ""))
	}
	for _, q := range []string{"C-42", "c42", "#42", "C-0042", " c 42 ", "C-000042"} {
		res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID}, q)
		if len(res.Hits) == 0 || res.Hits[0].ID != ids[41] {
			t.Errorf("%q: hits %v, want case 42 (%s) first", q, hitIDs(res), ids[41])
			continue
		}
		if h := res.Hits[0]; h.CaseNumber != 42 || !strings.Contains(h.Title, "C-0042") {
			t.Errorf("%q: first hit %+v", q, h)
		}
		for _, h := range res.Hits[1:] {
			if h.ID == ids[41] {
				t.Errorf("%q: case 42 listed twice", q)
			}
		}
	}
	if res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID}, "#7"); len(res.Hits) != 1 || res.Hits[0].ID != ids[6] {
		t.Errorf("#7: hits %v, want case 7 alone", hitIDs(res))
	}
	for _, q := range []string{"C-43", "C-0", "C-42x"} {
		if res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID}, q); hasHit(res, ids[41]) {
			t.Errorf("%q finds case 42", q)
		}
	}
	// Restricted staff do not find a case they may not see by its number.
	if res := mustSearch(t, f.tn, tenant.Viewer{UserID: ann.ID, OwnOnly: true}, "C-42"); hasHit(res, ids[41]) {
		t.Error("restricted staff find another person's case by its number")
	}
}
