package main

import (
	"io"
	"strings"
	"syscall"
	"testing"
)

func TestAutoMaxOpenTenants(t *testing.T) {
	const GiB = 1 << 30
	for _, c := range []struct {
		name           string
		nofile, memory uint64
		want           int
	}{
		{"the file limit bounds a machine with plenty of memory", 65536, 64 * GiB, (65536 - 16384) / 3},
		{"a quarter of the descriptors is kept, at least 1024", 20000, 64 * GiB, (20000 - 5000) / 3},
		{"a small file limit leaves its 1024 kept", 4096, 64 * GiB, (4096 - 1024) / 3},
		{"memory bounds a small machine with a large file limit", 1 << 20, 1 * GiB, 1 * GiB / 4 / (512 << 10)},
		{"a limit below the reserve still opens the floor", 1024, 64 * GiB, 64},
		{"no memory to speak of still opens the floor", 65536, 16 << 20, 64},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := autoMaxOpenTenants(c.nofile, c.memory); got != c.want {
				t.Fatalf("autoMaxOpenTenants(%d, %d) = %d, want %d", c.nofile, c.memory, got, c.want)
			}
		})
	}
}

func TestMaxOpenTenantsFlag(t *testing.T) {
	t.Run("by default the cap is computed and the file limit raised to the hard one", func(t *testing.T) {
		t.Setenv("MAX_OPEN_TENANTS", "")
		cfg, _, _, err := parseArgs([]string{"-max-open-tenants", "auto"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
		if lim.Cur != lim.Max {
			t.Fatalf("soft open-file limit %d, hard %d", lim.Cur, lim.Max)
		}
		if want := autoMaxOpenTenants(lim.Cur, processMemory()); cfg.MaxOpenTenants != want || !strings.HasPrefix(cfg.MaxOpenHow, "auto:") {
			t.Fatalf("cap %d (%s), want %d from the formula", cfg.MaxOpenTenants, cfg.MaxOpenHow, want)
		}
	})
	t.Run("unset means auto", func(t *testing.T) {
		cfg, _, _, err := parseArgs(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cfg.MaxOpenHow, "auto:") {
			t.Fatalf("%d (%s)", cfg.MaxOpenTenants, cfg.MaxOpenHow)
		}
	})
	t.Run("the flag overrides", func(t *testing.T) {
		cfg, _, _, err := parseArgs([]string{"-max-open-tenants", "37"}, io.Discard)
		if err != nil || cfg.MaxOpenTenants != 37 || cfg.MaxOpenHow != "set" {
			t.Fatalf("%v: %d (%s)", err, cfg.MaxOpenTenants, cfg.MaxOpenHow)
		}
	})
	t.Run("the environment overrides", func(t *testing.T) {
		t.Setenv("MAX_OPEN_TENANTS", "41")
		cfg, _, _, err := parseArgs(nil, io.Discard)
		if err != nil || cfg.MaxOpenTenants != 41 {
			t.Fatalf("%v: %d", err, cfg.MaxOpenTenants)
		}
	})
	for _, bad := range []string{"0", "-5", "many"} {
		t.Run(bad+" is refused", func(t *testing.T) {
			if _, _, _, err := parseArgs([]string{"-max-open-tenants", bad}, io.Discard); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
