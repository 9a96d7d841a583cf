package opstest

import (
	"bufio"
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"modernc.org/sqlite"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
)

// A migration killed half way (issue 26 point 3): a subprocess opens an
// agency's database with an injected migration that, after its first
// statements, stops in a SQL function until it is killed with SIGKILL.
// The database must be left exactly at its previous version, and the next
// start must apply the migration again, whole.

// Environment of the subprocess (TestMigrationKill9Child).
const (
	childDataEnv   = "MM_MIGRATION_CHILD_DATA"   // the data directory
	childSchemaEnv = "MM_MIGRATION_CHILD_SCHEMA" // the schema file, with the injected migration
	childAgencyEnv = "MM_MIGRATION_CHILD_AGENCY" // the agency to open
	childGateEnv   = "MM_MIGRATION_CHILD_GATE"   // "block": stop in the migration; else let it through
)

// inMigration is the line the subprocess prints when it is stopped inside
// the migration's transaction.
const inMigration = "stopped inside the migration"

func TestMigrationKill9(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	schemaBytes, err := os.ReadFile("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	schema := string(schemaBytes)
	ms, err := db.ParseMigrations(schema)
	if err != nil {
		t.Fatal(err)
	}
	version := len(ms)

	// Two agencies at the current version, each with a client.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool, err := tenant.NewPool(data, schema, tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.System{}, log)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"mig-kill-a", "mig-kill-b"}
	for _, id := range ids {
		owner, err := pool.CreateWithOwner(ctx, id, id, tenant.NewOwner{Email: "o@" + id + ".test", Name: "O", PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		tn, release, err := pool.Acquire(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.CreateClient(ctx, tenant.Viewer{UserID: owner.ID}, tenant.ClientInput{Name: "Client of " + id, Kind: "company"}, tenant.Audit{ActorID: owner.ID, Action: "client.created"}); err != nil {
			t.Fatal(err)
		}
		release()
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	pathA := filepath.Join(data, "tenants", ids[0], "tenant.db")
	pathB := filepath.Join(data, "tenants", ids[1], "tenant.db")
	before := dbState(t, pathA)

	// The injected migration changes a row, creates a table, then stops.
	injected := fmt.Sprintf("%s\n\n-- migration: %d injected_kill_probe\nUPDATE clients SET name = name || ' (migrated)';\nCREATE TABLE injected_probe (x INTEGER);\nINSERT INTO injected_probe SELECT mm_migration_gate();\n",
		strings.TrimRight(schema, "\n"), version+1)
	schemaPath := filepath.Join(t.TempDir(), "schema-injected.sql")
	if err := os.WriteFile(schemaPath, []byte(injected), 0o600); err != nil {
		t.Fatal(err)
	}

	child := func(gate string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMigrationKill9Child$", "-test.v")
		cmd.Env = append(os.Environ(), childDataEnv+"="+data, childSchemaEnv+"="+schemaPath, childAgencyEnv+"="+ids[0], childGateEnv+"="+gate)
		return cmd
	}

	cmd := child("block")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var seen []string
		for sc.Scan() {
			if strings.Contains(sc.Text(), inMigration) {
				stopped <- nil
				io.Copy(io.Discard, out)
				return
			}
			seen = append(seen, sc.Text())
		}
		stopped <- fmt.Errorf("the subprocess ended before the migration stopped:\n%s", strings.Join(seen, "\n"))
	}()
	select {
	case err := <-stopped:
		if err != nil {
			cmd.Wait()
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute): // a hung subprocess, not a timing assertion
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the subprocess never reached the migration")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the subprocess was not killed by SIGKILL: %v", err)
	}

	t.Run("killed half way, the database is exactly at its previous version", func(t *testing.T) {
		if got := dbState(t, pathA); got != before {
			t.Fatalf("after the kill:\n%s\nbefore:\n%s", got, before)
		}
		if !strings.Contains(before, fmt.Sprintf("version=%d\n", version)) {
			t.Fatalf("state before: %s", before)
		}
	})
	t.Run("the next start applies the migration again, whole", func(t *testing.T) {
		if b, err := child("pass").CombinedOutput(); err != nil {
			t.Fatalf("the restarted subprocess: %v\n%s", err, b)
		}
		got := dbState(t, pathA)
		want := strings.Replace(before, fmt.Sprintf("version=%d\nmigrations=%d\n", version, version), fmt.Sprintf("version=%d\nmigrations=%d\n", version+1, version+1), 1)
		want = strings.Replace(want, "clients=Client of mig-kill-a\n", "clients=Client of mig-kill-a (migrated)\n", 1)
		want = strings.Replace(want, "injected_probe=absent\n", "injected_probe=1\n", 1)
		if got != want {
			t.Fatalf("after the restart:\n%s\nwant:\n%s", got, want)
		}
	})
	t.Run("the other agency was not touched", func(t *testing.T) {
		got := dbState(t, pathB)
		if !strings.Contains(got, fmt.Sprintf("version=%d\n", version)) || !strings.Contains(got, "clients=Client of mig-kill-b\n") || !strings.Contains(got, "injected_probe=absent\n") {
			t.Fatalf("%s", got)
		}
	})
}

// dbState is what a database file holds that the migration touches:
// integrity_check, schema version, client names, the injected table's
// rows, and the count of schema objects.
func dbState(t *testing.T, path string) string {
	t.Helper()
	conn := openDB(t, path)
	defer conn.Close()
	var sb strings.Builder
	var check string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "integrity_check=%s\n", check)
	var v, objects, migrations int
	if err := conn.QueryRow(`SELECT MAX(version), COUNT(*) FROM schema_migrations`).Scan(&v, &migrations); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name <> 'injected_probe'`).Scan(&objects); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "version=%d\nmigrations=%d\nobjects=%d\n", v, migrations, objects)
	rows, err := conn.Query(`SELECT name FROM clients ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		fmt.Fprintf(&sb, "clients=%s\n", name)
	}
	rows.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM injected_probe`).Scan(&n); err != nil {
		sb.WriteString("injected_probe=absent\n")
	} else {
		fmt.Fprintf(&sb, "injected_probe=%d\n", n)
	}
	return sb.String()
}

// TestMigrationKill9Child is the subprocess of TestMigrationKill9: it
// opens one agency with the injected schema, the gate stopping inside the
// migration (until killed) or letting it through.
func TestMigrationKill9Child(t *testing.T) {
	data := os.Getenv(childDataEnv)
	if data == "" {
		t.Skip("the subprocess of TestMigrationKill9, run by it")
	}
	block := os.Getenv(childGateEnv) == "block"
	if err := sqlite.RegisterScalarFunction("mm_migration_gate", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		if block {
			fmt.Println(inMigration)
			os.Stdout.Sync()
			select {} // until SIGKILL
		}
		return int64(1), nil
	}); err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile(os.Getenv(childSchemaEnv))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tenant.NewPool(data, string(schema), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.System{}, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, release, err := pool.Acquire(context.Background(), os.Getenv(childAgencyEnv))
	if err != nil {
		t.Fatal(err)
	}
	release()
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Println("migrated")
}
