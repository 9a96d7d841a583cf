package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("-h prints every command and the global flags", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, []string{"-h"}, &out, &out)
		if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
			t.Fatalf("%v (exit %d)", err, exitCode(err))
		}
		for _, want := range []string{"operator create", "jobs run NAME", "agency import DIR", "DATA_DIR", "-base-url"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("usage lacks %q:\n%s", want, out.String())
			}
		}
	})
	// Each command's -h: its usage lines, its own flags, the global flags.
	helps := []struct{ args, want []string }{
		{[]string{"serve", "-h"}, []string{"mintedmind serve", "-addr"}},
		{[]string{"operator", "create", "-h"}, []string{"mintedmind operator create"}},
		{[]string{"jobs", "-h"}, []string{"mintedmind jobs list", "mintedmind jobs run NAME", "-now"}},
		{[]string{"jobs", "run", "retention", "-h"}, []string{"mintedmind jobs run NAME", "-now"}},
		{[]string{"retention", "-h"}, []string{"mintedmind retention", "-dry-run", "-now"}},
		{[]string{"demo", "-h"}, []string{"mintedmind demo", "-slug", "-clients", "-cases", "-events", "-seed"}},
		{[]string{"backup", "-h"}, []string{"mintedmind backup DIR"}},
		{[]string{"restore", "-h"}, []string{"mintedmind restore DIR"}},
		{[]string{"check-space", "-h"}, []string{"mintedmind check-space DIR", "-storage-reserve"}},
		{[]string{"litestream-config", "-h"}, []string{"mintedmind litestream-config", "-replica", "LITESTREAM_REPLICA"}},
		{[]string{"agency", "-help"}, []string{"mintedmind agency export SLUG DIR", "mintedmind agency import DIR", "-settle"}},
	}
	t.Run("every command's -h is checked", func(t *testing.T) {
		for _, cmd := range commandTable() {
			if !slices.ContainsFunc(helps, func(h struct{ args, want []string }) bool { return h.args[0] == cmd.name() }) {
				t.Errorf("no -h case for %s", cmd.name())
			}
		}
	})
	for _, tc := range helps {
		t.Run(strings.Join(tc.args, " ")+" prints its usage", func(t *testing.T) {
			var out bytes.Buffer
			err := run(ctx, tc.args, &out, &out)
			if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
				t.Fatalf("%v (exit %d)", err, exitCode(err))
			}
			for _, want := range append(tc.want, "Global flags", "-data", "DATA_DIR") {
				if !strings.Contains(out.String(), want) {
					t.Errorf("usage lacks %q:\n%s", want, out.String())
				}
			}
			if tc.args[0] != "serve" && strings.Contains(out.String(), "serve (the default)") {
				t.Errorf("a command's usage lists every command:\n%s", out.String())
			}
		})
	}
	t.Run("an unknown command is an error, with the usage", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, []string{"-data", dir, "frobnicate"}, &out, &out)
		if err == nil || exitCode(err) != 1 || !strings.Contains(out.String(), "operator create") {
			t.Fatalf("%v\n%s", err, out.String())
		}
	})
	t.Run("a command given the wrong words prints its own usage", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, []string{"jobs", "-data", dir}, &out, &out)
		if err == nil || err.Error() != `unknown command ["jobs"]` || !strings.Contains(out.String(), "mintedmind jobs run NAME") || strings.Contains(out.String(), "operator create") {
			t.Fatalf("%v\n%s", err, out.String())
		}
	})
	t.Run("a global flag after the command applies", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"jobs", "list", "-data", dir}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "sessions-cleanup") {
			t.Fatalf("%s", out.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "control.db")); err != nil {
			t.Fatalf("-data after the command was not used: %v", err)
		}
	})
}

func TestExitCode(t *testing.T) {
	for err, want := range map[error]int{
		nil:                0,
		flag.ErrHelp:       0,
		errors.New("boom"): 1,
		fmt.Errorf("wrapped: %w", &exitError{code: 2, err: errors.New("x")}): 2,
		errNoBaseURL:                              2,
		fmt.Errorf("jobs: %w", errNoBaseURL):      2,
		&exitError{code: 3, err: errors.New("x")}: 3,
	} {
		if got := exitCode(err); got != want {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, want)
		}
	}
}
