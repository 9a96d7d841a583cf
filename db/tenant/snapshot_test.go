package tenant_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func TestSnapshotTo(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "snap")
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := tn.SnapshotTo(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	copy, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	var email, check string
	if err := copy.QueryRow(`SELECT email FROM users WHERE id = ?`, owner.ID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	if email != owner.Email {
		t.Fatalf("copy has owner email %q, want %q", email, owner.Email)
	}
	if err := copy.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	if err := tn.SnapshotTo(context.Background(), path); err == nil {
		t.Fatal("a second snapshot over an existing file succeeded")
	}
}
