package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOperationsConfig(t *testing.T) {
	t.Setenv("FLY_APP_NAME", "")
	t.Setenv("FLY_MACHINE_ID", "")
	t.Run("defaults: one machine, control database in the data directory", func(t *testing.T) {
		cfg, _, err := parseArgs([]string{"-data", "/srv/mm"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ControlDir != "/srv/mm" || cfg.Machine != "" || cfg.PlacementMode != "forward" || cfg.ShutdownTimeout != 25*time.Second {
			t.Fatalf("%+v", cfg)
		}
	})
	t.Run("on Fly the machine id and replay come from Fly's variables", func(t *testing.T) {
		t.Setenv("FLY_APP_NAME", "mintedmind")
		t.Setenv("FLY_MACHINE_ID", "148ed123")
		cfg, _, err := parseArgs(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Machine != "148ed123" || cfg.PlacementMode != "replay" {
			t.Fatalf("machine %q, placement %q", cfg.Machine, cfg.PlacementMode)
		}
	})
	for name, args := range map[string][]string{
		"forwarding without this machine's URL":   {"-machine", "m1", "-placement", "forward"},
		"an unknown placement mode":               {"-placement", "teleport"},
		"a metrics address without a port":        {"-metrics-addr", "localhost"},
		"a shutdown timeout that is not positive": {"-shutdown-timeout", "0s"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, _, err := parseArgs(args, io.Discard); err == nil {
				t.Fatalf("%v accepted", args)
			}
		})
	}
}

func TestOperationsCommands(t *testing.T) {
	ctx := context.Background()
	t.Setenv("FLY_APP_NAME", "")
	dir := t.TempDir()
	t.Run("litestream-config covers the control database and watches tenants", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"litestream-config", "-data", dir, "-replica", "s3://bucket/mm/"}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"- path: " + filepath.Join(dir, "control.db"), "url: s3://bucket/mm/control",
			"- dir: " + filepath.Join(dir, "tenants"), `pattern: "tenant.db"`, "watch: true", "url: s3://bucket/mm/tenants",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("config lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("backup of a directory with no installation is refused", func(t *testing.T) {
		err := run(ctx, []string{"backup", filepath.Join(dir, "b"), "-data", filepath.Join(dir, "nothing")}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no installation") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("agency export needs this machine's id", func(t *testing.T) {
		err := run(ctx, []string{"agency", "export", "acme", filepath.Join(dir, "x"), "-data", dir}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-machine") {
			t.Fatalf("err = %v", err)
		}
	})
}
