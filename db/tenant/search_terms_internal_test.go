package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/uuid"
)

// A typed word that starts one indexed word only is searched as that word
// (issue 25); the hits, their order, scores, highlights and snippets must
// be what the prefix query gives.
func TestSearchOneWordStartIsTheSameAsItsPrefix(t *testing.T) {
	t.Parallel()
	tn := mustOpenProbeTenant(t)
	ctx := context.Background()
	client := uuid.NewString()
	texts := []struct{ title, body string }{
		{"Quokka survey", "A quokka was seen near the office; the quokka left."},
		{"Annual report", "Nothing about quokka here but the word, once."},
		{"Quokka photos", "Photos of the quokka for the brochure."},
		{"Wombats", "Wombats and wombat burrows, and a wombatish mood."},
		{"Wombat census", "Count every wombat."},
		{"Ąžuolynas", "Ąžuolynė ir ąžuolynas."},
		{"Platypus", "Platypuses"},
	}
	err := tn.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO clients (id, name, kind, created_at, updated_at) VALUES (?, 'Zoo', 'company', 1, 1)`, client); err != nil {
			return err
		}
		for i, x := range texts {
			_, err := tx.Exec(`INSERT INTO cases (id, number, client_id, title, description, status, priority, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'new', 'normal', ?, ?)`, uuid.NewString(), i+1, client, x.title, x.body, i+1, i+1)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v := Viewer{UserID: "u"}
	for _, c := range []struct {
		q     string
		exact []string // the phrases rarePhrase should choose
	}{
		{"quokka", []string{`"quokka"`}},
		{"quok", []string{`"quokka"`}},
		{"wombat", []string{`"wombat"*`}}, // wombat, wombatish, wombats
		{"wombatis", []string{`"wombatish"`}},
		{"platypus", []string{`"platypus"*`}},
		{"platypuse", []string{`"platypuses"`}},
		{"ąžuolyn", []string{`"azuolyn"*`}}, // azuolyne, azuolynas
		{"quokka photos", []string{`"quokka"`, `"photos"`}},
		{"quokkas", []string{`"quokkas"*`}}, // no such word
		{"qu", []string{`"qu"*`}},           // the prefix index covers it
	} {
		t.Run(c.q, func(t *testing.T) {
			words := SearchWords(c.q)
			var chosen, prefixes []string
			for _, w := range words {
				p, err := tn.rarePhrase(ctx, w, false)
				if err != nil {
					t.Fatal(err)
				}
				chosen = append(chosen, p)
				prefixes = append(prefixes, ftsPhrase(w, true))
			}
			if !reflect.DeepEqual(chosen, c.exact) {
				t.Errorf("phrases %q, want %q", chosen, c.exact)
			}
			got := &SearchResult{Words: words}
			want := &SearchResult{Words: words}
			if err := tn.searchRare(ctx, v, got, chosen); err != nil {
				t.Fatal(err)
			}
			if err := tn.searchRare(ctx, v, want, prefixes); err != nil {
				t.Fatal(err)
			}
			if (len(want.Hits) == 0) != (c.q == "quokkas") {
				t.Errorf("the prefix query found %d hits", len(want.Hits))
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("as chosen:\n%+v\nas prefixes:\n%+v", got, want)
			}
			full, err := tn.Search(ctx, v, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Hits) != len(want.Hits) {
				t.Errorf("Search found %d hits, the prefix query %d", len(full.Hits), len(want.Hits))
			}
			for i := range min(len(full.Hits), len(want.Hits)) {
				if full.Hits[i].ID != want.Hits[i].ID || full.Hits[i].Title != want.Hits[i].Title || full.Hits[i].Snippet != want.Hits[i].Snippet || full.Hits[i].Score != want.Hits[i].Score {
					t.Errorf("hit %d: Search %+v, prefix query %+v", i, full.Hits[i], want.Hits[i])
				}
			}
		})
	}
}
