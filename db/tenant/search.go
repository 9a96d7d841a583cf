package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Search limits.
const (
	// SearchQueryMax is the longest query accepted, in characters.
	SearchQueryMax = 200
	// SearchResultsMax is how many hits a search returns at most.
	SearchResultsMax = 20
	// searchMaxWords is how many words of a query are searched; the rest
	// are ignored (every word narrows the result anyway).
	searchMaxWords = 8
	// searchPrefixIndex is the longest prefix the index keeps a prefix index
	// for (schema.sql: prefix = '2 3'). A prefix query up to this length
	// reads its matches newest first and can stop early; a longer one makes
	// SQLite merge the lists of every word starting with it, all of them.
	searchPrefixIndex = 3
	// searchRareLimit: a word whose first three characters begin at most
	// this many index entries is rare. A query of rare words only is ranked
	// completely by SQLite (bm25, snippet), which reads every match of every
	// word; that is cheap when each word has at most this many.
	searchRareLimit = 500
	// SearchBroadCandidates is how many matches a broad query ranks at
	// most: the newest ones.
	SearchBroadCandidates = 100
	// searchBroadScan is how many index entries a broad query reads at most
	// to find its candidates (per lookup, see searchBroad).
	searchBroadScan = 1000
	// searchSnippetWords is the length of a snippet, in words.
	searchSnippetWords = 16
)

// SearchHit is one result of a search: a client, a case, a note, an
// invoice or a document.
type SearchHit struct {
	Kind string // "client", "case", "note", "invoice" or "document"
	ID   string // the client's, case's, note's, invoice's or document's id
	// Title and Snippet are text from the index with the matches between
	// MatchStart and MatchEnd. They are plain text: escape them.
	Title   string // the client's name, the case's number and title, the invoice's number ("" for notes and drafts), the document's name
	Snippet string // the best part of the rest: notes, description, note text
	Score   float64

	// What the page shows besides: the case of a case, note or document,
	// the client of a case, note, document or invoice.
	CaseID     string
	CaseNumber int64
	CaseTitle  string
	CaseStatus string
	ClientName string
	Archived   bool // an archived client

	// An invoice's: its kind (invoice or credit note), status, total and currency.
	InvoiceKind   string
	InvoiceStatus string
	Total         int64
	Currency      string
}

// SearchResult is the answer to a search.
type SearchResult struct {
	Words []string // the words searched, as the index folds them
	Hits  []SearchHit
	// Broad is true when a word was so common that only the newest matches
	// (Candidates of them) were ranked, not all of them.
	Broad      bool
	Candidates int // matches ranked
	Scanned    int // index entries read by a broad query
}

// SearchWords splits a query into the words searched: folded as the index
// folds them, without one-character words (too many words start with any
// one character to search for them), duplicates dropped, at most eight.
// Whatever else was typed (quotes, stars, brackets, colons, dashes) only
// separates words, so the index's query syntax never comes into play.
func SearchWords(q string) []string {
	var words []string
	for _, tok := range searchTokenize(q) {
		if utf8.RuneCountInString(tok.folded) < 2 {
			continue
		}
		dup := false
		for _, w := range words {
			dup = dup || w == tok.folded
		}
		if !dup {
			words = append(words, tok.folded)
		}
		if len(words) == searchMaxWords {
			break
		}
	}
	return words
}

// ftsPhrase quotes a word as an FTS5 string, quotes doubled; with prefix it
// is a prefix query. Words from SearchWords hold no quotes, but the quoting
// stays correct whatever it is given.
func ftsPhrase(word string, prefix bool) string {
	s := `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
	if prefix {
		s += "*"
	}
	return s
}

// searchRunePrefix returns the first n characters of s.
func searchRunePrefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Search finds the clients, cases, notes, invoices and documents that v
// may see whose text has every word of q as the start of a word, best
// first; a case or invoice whose number q is comes first.
//
// Rare words are ranked by SQLite: bm25 over every match (a title match
// weighs ten times a body match), snippet() and highlight() for the text.
// A common word would make that read every match (about half a second
// for "client", in 297,000 of the demo's 516,000 entries), so a query with
// a common word is broad: it takes the newest matches (at most
// SearchBroadCandidates, reading at most searchBroadScan entries), ranks
// them with the same bm25 formula and highlights them here.
func (t *Store) Search(ctx context.Context, v Viewer, q string) (*SearchResult, error) {
	if n := utf8.RuneCountInString(q); n > SearchQueryMax {
		return nil, apperr.FieldErrors(map[string]string{"q": fmt.Sprintf("Use at most %d characters to search (this has %d).", SearchQueryMax, n)})
	}
	res := &SearchResult{Words: SearchWords(q)}
	if len(res.Words) == 0 {
		// "#7" or "C7" has no word of two characters, but is a case number.
		if err := t.searchCaseNumber(ctx, v, q, res); err != nil {
			return nil, err
		}
		return res, t.searchDetails(ctx, res)
	}

	common := make([]bool, len(res.Words))
	phrases := make([]string, len(res.Words))
	broad := false
	for i, w := range res.Words {
		n, err := t.countMatches(ctx, ftsPhrase(searchRunePrefix(w, searchPrefixIndex), true), searchRareLimit+1)
		if err != nil {
			return nil, err
		}
		common[i] = n > searchRareLimit
		broad = broad || common[i]
		if phrases[i], err = t.rarePhrase(ctx, w, common[i]); err != nil {
			return nil, err
		}
	}
	var err error
	if broad {
		err = t.searchBroad(ctx, v, res, common, phrases)
	} else {
		err = t.searchRare(ctx, v, res, phrases)
	}
	if err != nil {
		return nil, err
	}
	if err := t.searchCaseNumber(ctx, v, q, res); err != nil {
		return nil, err
	}
	if err := t.searchInvoiceNumber(ctx, v, q, res); err != nil {
		return nil, err
	}
	if err := t.searchDetails(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

// invoiceNumberQuery matches a query that could be a whole invoice number
// ("INV-2026-0001", "2026/17"): letters, digits and separators, ending in a
// digit. Numbers follow the agency's pattern, so the store looks the query
// up as it was typed (and upper-cased) rather than guessing the pattern.
var invoiceNumberQuery = regexp.MustCompile(`^[\pL\pN][\pL\pN/._ -]*[0-9]$`)

// searchInvoiceNumber puts the invoice whose number the query is first: the
// index holds "INV-2026-0001" as the words "inv", "2026" and "0001", which
// every invoice of 2026 numbered 0001… also matches.
func (t *Store) searchInvoiceNumber(ctx context.Context, v Viewer, q string, res *SearchResult) error {
	q = strings.TrimSpace(q)
	if len(q) > 64 || !invoiceNumberQuery.MatchString(q) {
		return nil
	}
	filter, args := v.clientFilter("cl")
	var id, number string
	err := t.Reader().QueryRowContext(ctx, `SELECT i.id, i.number FROM invoices i JOIN clients cl ON cl.id = i.client_id
		WHERE i.number IN (?, ?) AND `+filter+` ORDER BY i.number = ? DESC LIMIT 1`,
		append([]any{q, strings.ToUpper(q)}, append(args, q)...)...).Scan(&id, &number)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: search invoice number: %w", err)
	}
	res.Hits = putFirst(res.Hits, SearchHit{Kind: "invoice", ID: id, Title: MatchStart + number + MatchEnd})
	return nil
}

// putFirst puts hit in front of hits, dropping its other place among them,
// and keeps at most SearchResultsMax.
func putFirst(hits []SearchHit, hit SearchHit) []SearchHit {
	out := []SearchHit{hit}
	for _, h := range hits {
		if h.ID != hit.ID {
			out = append(out, h)
		}
	}
	if len(out) > SearchResultsMax {
		out = out[:SearchResultsMax]
	}
	return out
}

// caseNumberQuery matches a query that is a case number as people type it:
// "C-0042", "c42", "#42", "C 42".
var caseNumberQuery = regexp.MustCompile(`^(?i)\s*(?:c[\s-]*|#)0*([0-9]{1,9})\s*$`)

// searchCaseNumber puts the case whose number the query is first, whether
// or not the index matched it: the index holds "C-0042", whose words are
// "c" and "0042", so "C-42" would find nothing by words alone.
func (t *Store) searchCaseNumber(ctx context.Context, v Viewer, q string, res *SearchResult) error {
	m := caseNumberQuery.FindStringSubmatch(q)
	if m == nil {
		return nil
	}
	number, _ := strconv.ParseInt(m[1], 10, 64)
	filter, args := v.caseFilter("k")
	var id, title string
	err := t.Reader().QueryRowContext(ctx, `SELECT k.id, k.title FROM cases k WHERE k.number = ? AND `+filter,
		append([]any{number}, args...)...).Scan(&id, &title)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: search case number: %w", err)
	}
	res.Hits = putFirst(res.Hits, SearchHit{Kind: "case", ID: id, Title: MatchStart + CaseNumber(number) + MatchEnd + " " + title})
	return nil
}

// rarePhrase is the FTS5 phrase that finds the entries with a word that
// starts with w. A prefix longer than the prefix indexes makes FTS5 merge
// the match lists of every indexed word with that start before it returns
// a row (fts5SetupPrefixIter: a quarter of a rare-word search's CPU); when
// the index holds one such word only (what was typed is a whole word, or
// the start of one word), that word as an exact term matches the same
// entries at the same places, so ranks, highlights and snippets are the
// same, and FTS5 reads its list directly. A common word's start is left to
// searchBroad, a short one to the prefix indexes.
func (t *Store) rarePhrase(ctx context.Context, w string, common bool) (string, error) {
	if common || utf8.RuneCountInString(w) <= searchPrefixIndex {
		return ftsPhrase(w, true), nil
	}
	// Every word that starts with w sorts between w and w followed by the
	// highest character; the first two tell whether there is one only.
	rows, err := db.QueryListPrepared(ctx, t.DB, "search terms", 2, func(r db.Scanner) (string, error) {
		var term string
		return term, r.Scan(&term)
	}, `SELECT term FROM search_terms WHERE term >= ? AND term <= ? ORDER BY term LIMIT 2`, w, w+"\U0010FFFF")
	if err != nil {
		return "", err
	}
	if len(rows) == 1 && strings.HasPrefix(rows[0], w) {
		return ftsPhrase(rows[0], false), nil
	}
	return ftsPhrase(w, true), nil
}

// countMatches counts the index entries that match expr, up to limit: the
// prefix index answers a short prefix without reading further.
func (t *Store) countMatches(ctx context.Context, expr string, limit int) (int, error) {
	var n int
	err := t.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT ?)`, expr, limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: search count: %w", err)
	}
	return n, nil
}

// searchVisible is the condition that narrows index entries to what v may
// see: the clients v sees (clientFilter), the cases (and their notes and
// documents) assigned to v or of a client v sees, the rule of caseFilter,
// and the invoices of the clients v sees. It is written with joins rather
// than with caseFilter itself because it runs once per index entry, inside
// a correlated subquery, where SQLite would rebuild caseFilter's
// "client_id IN (SELECT …)" list for every entry (4 ms instead of 0.9 ms
// for 100 entries).
func (v Viewer) searchVisible() (string, []any) {
	if !v.OwnOnly {
		return "", nil
	}
	cf, cargs := v.clientFilter("c")
	cond := ` AND CASE search_index.kind
		WHEN 'client' THEN EXISTS (SELECT 1 FROM clients c WHERE c.id = search_index.ref_id AND ` + cf + `)
		WHEN 'case' THEN EXISTS (SELECT 1 FROM cases k JOIN clients c ON c.id = k.client_id
			WHERE k.id = search_index.ref_id AND (k.assignee_id = ? OR ` + cf + `))
		WHEN 'note' THEN EXISTS (SELECT 1 FROM notes n JOIN cases k ON k.id = n.case_id JOIN clients c ON c.id = k.client_id
			WHERE n.id = search_index.ref_id AND (k.assignee_id = ? OR ` + cf + `))
		WHEN 'invoice' THEN EXISTS (SELECT 1 FROM invoices i JOIN clients c ON c.id = i.client_id
			WHERE i.id = search_index.ref_id AND ` + cf + `)
		ELSE EXISTS (SELECT 1 FROM documents d JOIN cases k ON k.id = d.case_id JOIN clients c ON c.id = k.client_id
			WHERE d.id = search_index.ref_id AND (k.assignee_id = ? OR ` + cf + `))
	END`
	args := append([]any{}, cargs...)
	for range 2 {
		args = append(append(args, v.UserID), cargs...)
	}
	args = append(args, cargs...)
	args = append(append(args, v.UserID), cargs...)
	return cond, args
}

// searchRare ranks every match with SQLite's bm25, then asks SQLite for the
// highlighted title and a snippet of the best ones; phrases are the words'
// (rarePhrase).
func (t *Store) searchRare(ctx context.Context, v Viewer, res *SearchResult, phrases []string) error {
	expr := strings.Join(phrases, " AND ")
	visible, vargs := v.searchVisible()
	type ranked struct {
		rowid int64
		score float64
	}
	// Only the rowid and the score of every match: the stored text of the
	// best ones alone is read below.
	rows, err := db.QueryListPrepared(ctx, t.DB, "search", searchRareLimit, func(r db.Scanner) (ranked, error) {
		var x ranked
		err := r.Scan(&x.rowid, &x.score)
		return x, err
	}, `SELECT rowid, -bm25(search_index, 0, 0, ?, 1) AS score FROM search_index
		WHERE search_index MATCH ?`+visible+`
		ORDER BY score DESC, rowid DESC`,
		append([]any{searchTitleWeight, expr}, vargs...)...)
	if err != nil {
		return err
	}
	// Every word being rare, there are at most searchRareLimit rows: all
	// are read, so that the count costs no second pass.
	res.Candidates = len(rows)
	if len(rows) == 0 {
		return nil
	}
	rows = rows[:min(len(rows), SearchResultsMax)]
	// The best rows' text, highlighted: one pass over the matches between
	// the lowest and the highest of their rowids, the others skipped before
	// snippet() runs. (With "rowid IN (…)" alone SQLite would start the
	// query over for each rowid, twice the time.)
	low, high := rows[0].rowid, rows[0].rowid
	args := make([]any, 0, len(rows)+3)
	args = append(args, expr, 0, 0)
	for _, r := range rows {
		low, high = min(low, r.rowid), max(high, r.rowid)
		args = append(args, r.rowid)
	}
	args[1], args[2] = low, high
	type marked struct {
		rowid int64
		hit   SearchHit
	}
	texts, err := db.QueryListPrepared(ctx, t.DB, "search snippets", len(rows), func(r db.Scanner) (marked, error) {
		var m marked
		err := r.Scan(&m.rowid, &m.hit.Kind, &m.hit.ID, &m.hit.Title, &m.hit.Snippet)
		return m, err
	}, `SELECT rowid, kind, ref_id, highlight(search_index, 2, '`+MatchStart+`', '`+MatchEnd+`'),
			snippet(search_index, 3, '`+MatchStart+`', '`+MatchEnd+`', '…', `+fmt.Sprint(searchSnippetWords)+`)
		FROM search_index WHERE search_index MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+searchPlaceholders(len(rows))+`)`, args...)
	if err != nil {
		return err
	}
	byRowid := make(map[int64]SearchHit, len(texts))
	for _, m := range texts {
		byRowid[m.rowid] = m.hit
	}
	for _, r := range rows {
		h, ok := byRowid[r.rowid]
		if !ok {
			continue
		}
		h.Score, h.Title, h.Snippet = r.score, searchOneLine(h.Title), searchOneLine(h.Snippet)
		res.Hits = append(res.Hits, h)
	}
	return nil
}

// searchCandidate is an index entry a broad query read.
type searchCandidate struct {
	rowid             int64
	kind, ref         string
	title, body       string
	text              *scoredText
	matchedEverywhere bool // every word starts a word of its text, as the index's tokenizer would say
}

// searchBroad ranks the newest matches. A word longer than three
// characters whose first three are common is looked up twice if need be:
// first as a whole word (the index reads a word's matches newest first and
// stops early), then, if that found fewer than a page of hits (the word is
// being typed, or rare), by its first three characters (the prefix index
// does the same) with each candidate checked here for the whole prefix.
// Looking it up as a prefix directly would make SQLite merge the match
// lists of every word that starts with it, all of them.
func (t *Store) searchBroad(ctx context.Context, v Viewer, res *SearchResult, common []bool, phrases []string) error {
	res.Broad = true
	loose := make([]string, len(res.Words))
	exact := make([]string, len(res.Words))
	shortened := false
	for i, w := range res.Words {
		loose[i], exact[i] = phrases[i], phrases[i]
		if common[i] && utf8.RuneCountInString(w) > searchPrefixIndex {
			loose[i] = ftsPhrase(searchRunePrefix(w, searchPrefixIndex), true)
			exact[i] = ftsPhrase(w, false)
			shortened = true
		}
	}
	seen := map[int64]bool{}
	var cands []*searchCandidate
	verify := false
	add := func(c *searchCandidate) {
		if seen[c.rowid] {
			return
		}
		seen[c.rowid] = true
		c.text, c.matchedEverywhere = scoreCandidate(c.title, c.body, res.Words)
		// Unless shortened words were looked up, the index matched exactly
		// what was asked; a candidate that the tokenizer here reads
		// differently is still a match.
		if c.matchedEverywhere || !verify {
			cands = append(cands, c)
		}
	}
	enough := func() bool { return len(cands) >= SearchBroadCandidates }
	if !shortened {
		if err := t.scanNewest(ctx, v, strings.Join(loose, " AND "), searchBroadScan, res, add, enough); err != nil {
			return err
		}
	} else {
		if err := t.scanNewest(ctx, v, strings.Join(exact, " AND "), searchBroadScan, res, add, enough); err != nil {
			return err
		}
		if found := len(cands); found < SearchResultsMax {
			// Nothing: the word is being typed; read as far as allowed.
			// Something: the word exists; look for longer words that start
			// with it among the newest entries only.
			budget := searchBroadScan
			if found > 0 {
				budget = SearchBroadCandidates
			}
			verify = true
			if err := t.scanNewest(ctx, v, strings.Join(loose, " AND "), budget, res, add, enough); err != nil {
				return err
			}
		}
	}
	res.Candidates = len(cands)
	if len(cands) == 0 {
		return nil
	}
	total := 0
	for _, c := range cands {
		total += c.text.length
	}
	avg := float64(total) / float64(len(cands))
	scores := make(map[*searchCandidate]float64, len(cands))
	for _, c := range cands {
		scores[c] = bm25Score(c.text, avg)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		si, sj := scores[cands[i]], scores[cands[j]]
		if si != sj {
			return si > sj
		}
		return cands[i].rowid > cands[j].rowid
	})
	for _, c := range cands[:min(len(cands), SearchResultsMax)] {
		titleTokens, titleMarks := markWords(c.title, res.Words)
		bodyTokens, bodyMarks := markWords(c.body, res.Words)
		res.Hits = append(res.Hits, SearchHit{
			Kind: c.kind, ID: c.ref, Score: scores[c],
			Title:   searchOneLine(highlightTokens(c.title, titleTokens, titleMarks, 0, len(c.title))),
			Snippet: searchOneLine(snippetTokens(c.body, bodyTokens, bodyMarks, searchSnippetWords)),
		})
	}
	return nil
}

// scanNewest reads the entries matching expr newest first, in pages, and
// gives each to add until enough says stop, budget entries were read, or
// there are no more. For a viewer who sees their own clients
// and cases only, entries they may not see are skipped in SQL, and the
// scan stops at the budget-th newest entry whoever may see it.
func (t *Store) scanNewest(ctx context.Context, v Viewer, expr string, budget int, res *SearchResult, add func(*searchCandidate), enough func() bool) error {
	visible, vargs := v.searchVisible()
	var floor int64
	if visible != "" {
		err := t.Reader().QueryRowContext(ctx, `SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`,
			expr, budget-1).Scan(&floor)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("db: search window: %w", err)
		}
	}
	below := int64(math.MaxInt64)
	for scanned := 0; scanned < budget; {
		page := min(SearchBroadCandidates, budget-scanned)
		rows, err := db.QueryListPrepared(ctx, t.DB, "search scan", page, func(r db.Scanner) (*searchCandidate, error) {
			c := &searchCandidate{}
			err := r.Scan(&c.rowid, &c.kind, &c.ref, &c.title, &c.body)
			return c, err
		}, `SELECT rowid, kind, ref_id, title, body FROM search_index
			WHERE search_index MATCH ? AND rowid < ? AND rowid >= ?`+visible+`
			ORDER BY rowid DESC LIMIT ?`, append(append([]any{expr, below, floor}, vargs...), page)...)
		if err != nil {
			return err
		}
		scanned += len(rows)
		res.Scanned += len(rows)
		for _, c := range rows {
			add(c)
		}
		if len(rows) < page || enough() {
			return nil
		}
		below = rows[len(rows)-1].rowid
	}
	return nil
}

// searchKinds are the kinds of index entry, in the order searchDetails
// reads their details.
var searchKinds = []string{"client", "case", "note", "invoice", "document"}

// searchDetails fills in what the page shows besides the index text, and
// drops hits whose row went away in the meantime (a document in the trash
// too). One statement looks up every kind, each IN list padded to
// SearchResultsMax with "" (never an id) so that its text, and its cached
// prepared statement, never change.
func (t *Store) searchDetails(ctx context.Context, res *SearchResult) error {
	if len(res.Hits) == 0 {
		return nil
	}
	ids := make([]any, 0, len(searchKinds)*SearchResultsMax)
	for _, kind := range searchKinds {
		n := 0
		for _, h := range res.Hits {
			if h.Kind == kind && n < SearchResultsMax {
				ids = append(ids, h.ID)
				n++
			}
		}
		for ; n < SearchResultsMax; n++ {
			ids = append(ids, "")
		}
	}
	type detail struct {
		id, caseID, caseTitle, status, clientName string
		number                                    int64
		archived                                  bool
		invoiceKind, currency                     string
		total                                     int64
	}
	in := searchPlaceholders(SearchResultsMax)
	list, err := db.QueryListPrepared(ctx, t.DB, "search details", len(res.Hits), func(r db.Scanner) (detail, error) {
		var d detail
		err := r.Scan(&d.id, &d.caseID, &d.number, &d.caseTitle, &d.status, &d.clientName, &d.archived, &d.invoiceKind, &d.total, &d.currency)
		return d, err
	}, `SELECT id, '', 0, '', '', name, archived_at IS NOT NULL, '', 0, '' FROM clients WHERE id IN (`+in+`)
		UNION ALL
		SELECT k.id, k.id, k.number, k.title, k.status, c.name, 0, '', 0, '' FROM cases k JOIN clients c ON c.id = k.client_id
		WHERE k.id IN (`+in+`)
		UNION ALL
		SELECT n.id, k.id, k.number, k.title, k.status, c.name, 0, '', 0, '' FROM notes n JOIN cases k ON k.id = n.case_id JOIN clients c ON c.id = k.client_id
		WHERE n.id IN (`+in+`)
		UNION ALL
		SELECT i.id, '', 0, '', i.status, c.name, 0, i.kind, i.total, i.currency FROM invoices i JOIN clients c ON c.id = i.client_id
		WHERE i.id IN (`+in+`)
		UNION ALL
		SELECT d.id, k.id, k.number, k.title, k.status, c.name, 0, '', 0, '' FROM documents d JOIN cases k ON k.id = d.case_id JOIN clients c ON c.id = k.client_id
		WHERE d.id IN (`+in+`) AND d.deleted_at IS NULL`, ids...)
	if err != nil {
		return err
	}
	details := make(map[string]detail, len(list))
	for _, d := range list {
		details[d.id] = d
	}
	hits := res.Hits[:0]
	for _, h := range res.Hits {
		d, ok := details[h.ID]
		if !ok {
			continue
		}
		h.CaseID, h.CaseNumber, h.CaseTitle, h.ClientName, h.Archived = d.caseID, d.number, d.caseTitle, d.clientName, d.archived
		if h.Kind == "invoice" {
			h.InvoiceKind, h.InvoiceStatus, h.Total, h.Currency = d.invoiceKind, d.status, d.total, d.currency
		} else {
			h.CaseStatus = d.status
		}
		hits = append(hits, h)
	}
	res.Hits = hits
	return nil
}

// searchPlaceholders returns "?, ?, …" for n arguments.
func searchPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// searchOneLine folds runs of white space (line breaks included) into one space.
func searchOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
