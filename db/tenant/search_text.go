package tenant

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Match markers in SearchHit.Title and SearchHit.Snippet: the text between
// MatchStart and MatchEnd matched the query. They are control characters so
// that they never look like markup; the page escapes the text around them.
const (
	MatchStart = "\x02"
	MatchEnd   = "\x03"
)

// searchToken is one word of a text as the search index sees it: its byte
// span in the text and its folded form.
type searchToken struct {
	start, end int
	folded     string
}

// eachToken calls fn for every word of text the way the index's unicode61
// tokenizer splits it: letters, digits and private-use characters make
// words, anything else separates them; words are lowercased and Latin
// diacritics are removed (remove_diacritics 2). folded is only valid during
// the call: one buffer is reused, so scoring a candidate allocates nothing.
func eachToken(text string, fn func(start, end int, folded []byte)) {
	var buf [64]byte
	folded := buf[:0]
	start := -1
	for i, r := range text {
		switch {
		case searchTokenRune(r):
			if start < 0 {
				start = i
			}
			if r < utf8.RuneSelf {
				if r >= 'A' && r <= 'Z' {
					r += 'a' - 'A'
				}
				folded = append(folded, byte(r))
			} else {
				folded = utf8.AppendRune(folded, searchFoldRune(r))
			}
		case start >= 0 && r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r):
			// A combining mark belongs to the word and goes with the other
			// diacritics.
		case start >= 0:
			fn(start, i, folded)
			start, folded = -1, folded[:0]
		}
	}
	if start >= 0 {
		fn(start, len(text), folded)
	}
}

// searchTokenize returns the words of text (see eachToken).
func searchTokenize(text string) []searchToken {
	var out []searchToken
	eachToken(text, func(start, end int, folded []byte) {
		out = append(out, searchToken{start: start, end: end, folded: string(folded)})
	})
	return out
}

func searchTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// searchLatinBase maps accented Latin letters (U+00C0 to U+024F) to their base
// letter, as NFD decomposition gives it.
var searchLatinBase = func() map[rune]rune {
	m := map[rune]rune{}
	for r := rune(0xC0); r <= 0x24F; r++ {
		d := []rune(norm.NFD.String(string(r)))
		if len(d) < 2 || d[0] >= utf8.RuneSelf {
			continue
		}
		plain := true
		for _, x := range d[1:] {
			plain = plain && unicode.Is(unicode.Mn, x)
		}
		if plain {
			m[r] = unicode.ToLower(d[0])
		}
	}
	return m
}()

func searchFoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	r = unicode.ToLower(r)
	if b, ok := searchLatinBase[r]; ok {
		return b
	}
	return r
}

// bm25 parameters, the same as SQLite's bm25(): k1 = 1.2, b = 0.75; a
// title match counts ten times a body match (searchTitleWeight).
const (
	bm25K1            = 1.2
	bm25B             = 0.75
	searchTitleWeight = 10.0
)

// scoredText is a broad query's candidate with its words counted.
type scoredText struct {
	freq   []float64 // per query word: weighted occurrences
	length int       // words in title and body
}

// scoreCandidate counts the query's words in a candidate's title and body
// and reports whether every word occurs as the start of some word of the
// text (the query's meaning: every word a prefix).
func scoreCandidate(title, body string, words []string) (*scoredText, bool) {
	s := &scoredText{freq: make([]float64, len(words))}
	count := func(text string, weight float64) {
		eachToken(text, func(_, _ int, folded []byte) {
			s.length++
			for w, word := range words {
				if len(folded) >= len(word) && string(folded[:len(word)]) == word {
					s.freq[w] += weight
				}
			}
		})
	}
	count(title, searchTitleWeight)
	count(body, 1)
	for _, f := range s.freq {
		if f == 0 {
			return s, false
		}
	}
	return s, true
}

// markWords returns text's words with those that start with a query word
// marked, for highlightTokens and snippetTokens.
func markWords(text string, words []string) ([]searchToken, []bool) {
	var tokens []searchToken
	var marks []bool
	eachToken(text, func(start, end int, folded []byte) {
		m := false
		for _, word := range words {
			m = m || len(folded) >= len(word) && string(folded[:len(word)]) == word
		}
		tokens = append(tokens, searchToken{start: start, end: end})
		marks = append(marks, m)
	})
	return tokens, marks
}

// bm25Score is SQLite's bm25 formula with every word's IDF taken as 1: the
// candidates of a broad query all contain every word, and their counts
// across the whole index are what a broad query must not compute. Higher is
// better.
func bm25Score(s *scoredText, avgLength float64) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(s.length)/math.Max(avgLength, 1))
	score := 0.0
	for _, f := range s.freq {
		score += f * (bm25K1 + 1) / (f + norm)
	}
	return score
}

// highlightTokens returns text[from:to] with every marked token in that
// range between MatchStart and MatchEnd.
func highlightTokens(text string, tokens []searchToken, marks []bool, from, to int) string {
	var b strings.Builder
	last := from
	for i, tok := range tokens {
		if !marks[i] || tok.start < from || tok.end > to {
			continue
		}
		b.WriteString(text[last:tok.start])
		b.WriteString(MatchStart)
		b.WriteString(text[tok.start:tok.end])
		b.WriteString(MatchEnd)
		last = tok.end
	}
	b.WriteString(text[last:to])
	return b.String()
}

// snippetLead is how many words a snippet shows before its first match.
const snippetLead = 3

// snippetTokens is the part of text around its matches, like SQLite's
// snippet(): at most n tokens, starting a few words before a match, the
// window with the most matches (the earliest of equals), with "…" where
// text was left out.
func snippetTokens(text string, tokens []searchToken, marks []bool, n int) string {
	if len(tokens) <= n {
		return highlightTokens(text, tokens, marks, 0, len(text))
	}
	best, bestCount := 0, -1
	for m, marked := range marks {
		if !marked {
			continue
		}
		start := min(max(0, m-snippetLead), len(tokens)-n)
		count := 0
		for i := start; i < start+n; i++ {
			if marks[i] {
				count++
			}
		}
		if count > bestCount {
			best, bestCount = start, count
		}
	}
	end := best + n
	from, to := tokens[best].start, tokens[end-1].end
	if best == 0 {
		from = 0
	}
	out := highlightTokens(text, tokens, marks, from, to)
	if best > 0 {
		out = "…" + out
	}
	if end < len(tokens) {
		out += "…"
	}
	return out
}
