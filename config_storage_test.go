package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestStorageConfig: -storage-reserve (STORAGE_RESERVE) defaults to 2 % or
// 1 GiB, whichever is smaller; -alert-email (ALERT_EMAIL) lists who is
// told; both are in the README's configuration table.
func TestStorageConfig(t *testing.T) {
	t.Setenv("STORAGE_RESERVE", "")
	t.Setenv("ALERT_EMAIL", "")
	t.Run("the default reserve is 2 % or 1 GiB, whichever is smaller", func(t *testing.T) {
		cfg, _, _, err := parseArgs(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.StorageReserve.For(10 << 30); got != (10<<30)/50 {
			t.Fatalf("reserve of 10 GiB = %d", got)
		}
		if got := cfg.StorageReserve.For(500 << 30); got != 1<<30 {
			t.Fatalf("reserve of 500 GiB = %d", got)
		}
	})
	t.Run("the flag sets it", func(t *testing.T) {
		cfg, _, _, err := parseArgs([]string{"-storage-reserve", "5%", "-alert-email", "ops@example.com, oncall@example.com"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.StorageReserve.For(100 << 30); got != 5<<30 {
			t.Fatalf("5%% of 100 GiB = %d", got)
		}
		if strings.Join(cfg.AlertEmails, "|") != "ops@example.com|oncall@example.com" {
			t.Fatalf("%q", cfg.AlertEmails)
		}
	})
	t.Run("the environment sets it", func(t *testing.T) {
		t.Setenv("STORAGE_RESERVE", "2GiB")
		cfg, _, _, err := parseArgs(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.StorageReserve.For(1 << 40); got != 2<<30 {
			t.Fatalf("reserve = %d", got)
		}
	})
	for name, args := range map[string][]string{
		"a reserve that is no size":    {"-storage-reserve", "lots"},
		"a reserve of 100 %":           {"-storage-reserve", "100%"},
		"an alert address with a name": {"-alert-email", "Ops <ops@example.com>"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, _, err := parseArgs(args, io.Discard); err == nil {
				t.Fatalf("%v accepted", args)
			}
		})
	}
	t.Run("the README's configuration table lists them", func(t *testing.T) {
		readme, err := os.ReadFile("README.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range []string{"| `-storage-reserve` | `STORAGE_RESERVE` |", "| `-alert-email` | `ALERT_EMAIL` |", "| `-backup-dir` | `BACKUP_DIR` |"} {
			if !strings.Contains(string(readme), row) {
				t.Errorf("README lacks the row %s", row)
			}
		}
	})
}
