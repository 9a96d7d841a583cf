package main

import (
	"context"
	"errors"
	"io"
	"testing"

	"mintedmind/clock"
	"mintedmind/db/control"
)

func TestBaseURLRules(t *testing.T) {
	ctx := context.Background()
	const given, recorded, fallback = "https://given.example", "https://recorded.example", "http://localhost:8080"
	configured := func(t *testing.T, args ...string) *config {
		t.Helper()
		cfg, _, _, err := parseArgs(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	openControl := func(t *testing.T, record string) *control.Store {
		t.Helper()
		control, err := control.Open(ctx, t.TempDir(), controlSchema, clock.System{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { control.Close() })
		if record != "" {
			if err := control.RecordServeBaseURL(ctx, record); err != nil {
				t.Fatal(err)
			}
		}
		return control
	}
	for _, tc := range []struct {
		name     string
		args     []string
		recorded string
		rule     linkRule
		want     string // "" for errNoBaseURL
	}{
		{"mail: -base-url wins over the recorded one", []string{"-base-url", given}, recorded, linksInMail, given},
		{"mail: the recorded one without -base-url", nil, recorded, linksInMail, recorded},
		{"mail: none given or recorded is refused", nil, "", linksInMail, ""},
		{"printed: the recorded one without -base-url", nil, recorded, linksLikeServer, recorded},
		{"printed: the default when none is recorded", nil, "", linksLikeServer, fallback},
		{"server: the default, whatever is recorded", nil, recorded, linksAsConfigured, fallback},
		{"server: -base-url", []string{"-base-url", given}, recorded, linksAsConfigured, given},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := configured(t, tc.args...).baseURL(ctx, openControl(t, tc.recorded), tc.rule)
			if tc.want == "" {
				if !errors.Is(err, errNoBaseURL) || exitCode(err) != 2 {
					t.Fatalf("got %q, %v; want errNoBaseURL", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("BASE_URL counts as given", func(t *testing.T) {
		t.Setenv("BASE_URL", given+"/")
		got, err := configured(t).baseURL(ctx, openControl(t, recorded), linksInMail)
		if err != nil || got != given {
			t.Fatalf("got %q, %v; want %q", got, err, given)
		}
	})
}
