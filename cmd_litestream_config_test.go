package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestLitestreamConfig(t *testing.T) {
	dir := t.TempDir()
	t.Run("it covers the control database and watches tenants", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"litestream-config", "-data", dir, "-replica", "s3://bucket/mm/"}, &out, io.Discard); err != nil {
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
	t.Run("the replica comes from LITESTREAM_REPLICA", func(t *testing.T) {
		t.Setenv("LITESTREAM_REPLICA", "s3://from-env/x")
		var out bytes.Buffer
		if err := run(context.Background(), []string{"litestream-config", "-data", dir}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "url: s3://from-env/x/control") {
			t.Errorf("%s", out.String())
		}
	})
}
