package main

import (
	"io"
	"testing"
)

// TestAPILimitFlag: -api-limit (API_LIMIT) is the requests a token may
// make a minute, 600 unless set, and must be at least 1.
func TestAPILimitFlag(t *testing.T) {
	cfg, _, _, err := parseArgs([]string{"serve"}, io.Discard)
	if err != nil || cfg.APILimit != 600 {
		t.Fatalf("default: %v, %v", cfg, err)
	}
	t.Setenv("API_LIMIT", "30")
	if cfg, _, _, err = parseArgs([]string{"serve"}, io.Discard); err != nil || cfg.APILimit != 30 {
		t.Fatalf("API_LIMIT=30: %v", err)
	}
	if cfg, _, _, err = parseArgs([]string{"-api-limit", "45", "serve"}, io.Discard); err != nil || cfg.APILimit != 45 {
		t.Fatalf("-api-limit 45: %v", err)
	}
	if _, _, _, err = parseArgs([]string{"-api-limit", "0", "serve"}, io.Discard); err == nil {
		t.Fatal("-api-limit 0 accepted")
	}
}
