package db_test

import (
	"testing"

	"mintedmind/db"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, sqlite, postgres string }{
		{"placeholders are numbered in order", `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{"no placeholder is left as it is", `SELECT 1`, `SELECT 1`},
		{"a question mark in a string stays", `SELECT 'what?', ? FROM t WHERE s = 'it''s ?'`, `SELECT 'what?', $1 FROM t WHERE s = 'it''s ?'`},
		{"a question mark in a quoted name stays", `SELECT "a?" FROM t WHERE x = ?`, `SELECT "a?" FROM t WHERE x = $1`},
		{"a question mark in a comment stays", "-- why?\nSELECT ? /* or? */, ?", "-- why?\nSELECT $1 /* or? */, $2"},
		{"an unterminated string is left alone", `SELECT ? 'abc?`, `SELECT $1 'abc?`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := db.Rebind(c.sqlite); got != c.postgres {
				t.Fatalf("rebind(%q) = %q, want %q", c.sqlite, got, c.postgres)
			}
		})
	}
}

func TestPostgresDDL(t *testing.T) {
	t.Parallel()
	got := db.PostgresDDL("CREATE TABLE t (n INTEGER NOT NULL, data BLOB, big_integer_note TEXT);")
	if want := "CREATE TABLE t (n BIGINT NOT NULL, data BYTEA, big_integer_note TEXT);"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
