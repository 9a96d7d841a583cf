package db_test

import (
	"fmt"
	"testing"

	"mintedmind/db"
	"mintedmind/db/dbtest"
)

func TestParseMigrations(t *testing.T) {
	t.Parallel()
	t.Run("a schema without markers is refused", func(t *testing.T) {
		if _, err := db.ParseMigrations("CREATE TABLE notes (id INTEGER PRIMARY KEY);"); err == nil {
			t.Fatal("got no error")
		}
	})

	for name, schema := range map[string]string{
		"a skipped version is refused":          "-- migration: 1 a\nCREATE TABLE a (x);\n-- migration: 3 c\nCREATE TABLE c (x);\n",
		"a version going back is refused":       "-- migration: 2 b\nCREATE TABLE b (x);\n-- migration: 1 a\nCREATE TABLE a (x);\n",
		"a repeated version is refused":         "-- migration: 1 a\nCREATE TABLE a (x);\n-- migration: 1 again\nCREATE TABLE b (x);\n",
		"a schema not starting at 1 is refused": "-- migration: 2 b\nCREATE TABLE b (x);\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := db.ParseMigrations(schema); err == nil {
				t.Fatal("got no error")
			}
		})
	}

	t.Run("sections split into versions, names and SQL", func(t *testing.T) {
		got, err := db.ParseMigrations("-- header\n\n-- migration: 1 first\nCREATE TABLE a (x);\n\n-- migration: 2 second\nCREATE TABLE b (x);\n")
		if err != nil {
			t.Fatal(err)
		}
		want := []db.Migration{
			{Version: 1, Name: "first", SQL: "CREATE TABLE a (x);"},
			{Version: 2, Name: "second", SQL: "CREATE TABLE b (x);"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("the tenant schema parses", func(t *testing.T) {
		if _, err := db.ParseMigrations(dbtest.TenantSchema(t)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the control schema parses", func(t *testing.T) {
		if _, err := db.ParseMigrations(dbtest.ControlSchema(t)); err != nil {
			t.Fatal(err)
		}
	})
}
