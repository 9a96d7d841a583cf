package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

func TestOperatorCreate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("it prints a setup link", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"operator", "create", "-data", dir, "-base-url", "https://crm.example.com"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`https://crm\.example\.com/setup/[A-Za-z0-9_-]{43}`).MatchString(out.String()) {
			t.Fatalf("no link: %s", out.String())
		}
	})
}
