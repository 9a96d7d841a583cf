package dbtest

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver that creates and drops the test databases
)

// PostgresEnv names a PostgreSQL server (postgres://…, TESTING.md) on
// which tests may create databases; set, the control store's tests run on
// it as well as on SQLite.
const PostgresEnv = "CONTROL_TEST_POSTGRES"

// PostgresServer is the server of CONTROL_TEST_POSTGRES, "" when unset.
func PostgresServer() string { return os.Getenv(PostgresEnv) }

// FreshPostgres creates an empty database on server and returns its URL.
// It is dropped when the test ends, after the stores the test opened on it
// have closed (cleanups run last first).
func FreshPostgres(t testing.TB, server string) string {
	t.Helper()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "control_test_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("%s: create database: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		// FORCE ends the sessions still open on it, but refuses, with
		// insufficient_privilege, while a process of no role of ours is
		// there (an autovacuum worker on the tables just written): it
		// leaves soon, so the drop is tried again for a while.
		var err error
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			_, err = admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
			var pe *pgconn.PgError
			if err == nil || !errors.As(err, &pe) || pe.Code != "42501" || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
