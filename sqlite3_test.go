package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatabasesOpenInTheSQLite3Shell opens a fresh demo agency's databases
// with the sqlite3 command, which operators use to inspect them: Debian 12's
// is SQLite 3.40, older than the one the driver embeds, and it refuses a
// whole file ("malformed database schema") over one schema object written
// in newer syntax. Trigger bodies and CHECK constraints are checked by
// name only when a write is prepared, so every table's insert, update and
// delete is also prepared (EXPLAIN, nothing runs; an fts5vocab table is
// read-only by design and left out), and the client list's
// tag trigger is run once in a transaction rolled back. Without sqlite3 the
// test skips; with CI=true it fails instead (.ci/run installs it).
func TestDatabasesOpenInTheSQLite3Shell(t *testing.T) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		msg := "sqlite3 is not installed: install it with `apt-get install -y sqlite3` to check the databases open in it"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: this check must run in CI)")
		}
		t.Skip(msg)
	}
	version, err := exec.Command(shell, "--version").Output()
	if err != nil {
		t.Fatalf("sqlite3 --version: %v", err)
	}
	t.Logf("sqlite3 %s", strings.TrimSpace(string(version)))

	dir := t.TempDir()
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", dir, "-clients", "8", "-cases", "10", "-events", "30"}, &out, &errs); err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, out.String(), errs.String())
	}
	tenants, err := filepath.Glob(filepath.Join(dir, "tenants", "*", "tenant.db"))
	if err != nil || len(tenants) != 1 {
		t.Fatalf("tenant databases %v (%v), want one", tenants, err)
	}
	files := map[string]string{"control": filepath.Join(dir, "control.db"), "tenant": tenants[0]}

	// sqlite3 runs the shell on file with the statements as its input; it
	// fails the test on any error, and returns what the shell printed.
	sqlite3 := func(t *testing.T, file, stmts string) string {
		t.Helper()
		cmd := exec.Command(shell, "-batch", "-bail", file)
		cmd.Stdin = strings.NewReader(stmts)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("sqlite3 %s: %v\n%s", filepath.Base(file), err, stderr.String())
		}
		return stdout.String()
	}

	for _, name := range []string{"control", "tenant"} {
		file := files[name]
		t.Run(name+" database passes integrity_check", func(t *testing.T) {
			got := strings.Fields(sqlite3(t, file, "PRAGMA integrity_check;\nSELECT count(*) FROM sqlite_schema;\n"))
			if len(got) != 2 || got[0] != "ok" || got[1] == "0" {
				t.Fatalf("integrity_check and the count of schema objects printed %q, want ok and a count", got)
			}
		})
		t.Run(name+" database's writes prepare", func(t *testing.T) {
			listing := sqlite3(t, file, `.mode list
.separator "|"
SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND m.sql NOT LIKE '%USING fts5vocab%' ORDER BY m.name, p.cid;
`)
			columns := map[string][]string{}
			var tables []string
			for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
				table, column, ok := strings.Cut(line, "|")
				if !ok {
					t.Fatalf("unexpected line %q in:\n%s", line, listing)
				}
				if columns[table] == nil {
					tables = append(tables, table)
				}
				columns[table] = append(columns[table], ident(column)+" = "+ident(column))
			}
			if len(tables) < 5 {
				t.Fatalf("only tables %v in:\n%s", tables, listing)
			}
			var script strings.Builder
			script.WriteString(".output /dev/null\n")
			for _, table := range tables {
				fmt.Fprintf(&script, "EXPLAIN INSERT INTO %s DEFAULT VALUES;\n", ident(table))
				fmt.Fprintf(&script, "EXPLAIN UPDATE %s SET %s;\n", ident(table), strings.Join(columns[table], ", "))
				fmt.Fprintf(&script, "EXPLAIN DELETE FROM %s;\n", ident(table))
			}
			sqlite3(t, file, script.String())
		})
	}

	t.Run("the tag trigger sorts by bytes in the shell too", func(t *testing.T) {
		got := sqlite3(t, files["tenant"], `BEGIN;
INSERT INTO clients (id, name, kind, created_at, updated_at) VALUES ('shell-test', 'Shell', 'person', 0, 0);
INSERT INTO client_tags (client_id, tag) VALUES ('shell-test', 'zeta'), ('shell-test', 'ąžuolas'), ('shell-test', 'Beta'), ('shell-test', 'alpha'), ('shell-test', '10'), ('shell-test', '9');
UPDATE client_tags SET tag = 'aaa' WHERE client_id = 'shell-test' AND tag = 'zeta';
DELETE FROM client_tags WHERE client_id = 'shell-test' AND tag = '10';
SELECT list_tags FROM clients WHERE id = 'shell-test';
ROLLBACK;
`)
		if want := "9, Beta, aaa, alpha, ąžuolas\n"; got != want {
			t.Fatalf("list_tags is %q, want %q", got, want)
		}
	})
}

// ident quotes an SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
