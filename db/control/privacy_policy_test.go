package control_test

import (
	"os"
	"strings"
	"testing"

	"mintedmind/db/control"
)

func TestParseShippedPolicy(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../views/legal/privacy-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	p, err := control.ParseShippedPolicy(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.UpdatedAt.Format("2006-01-02") != "2026-03-14" || !strings.HasPrefix(p.Body, "1. Who we are") {
		t.Fatalf("%+v", p)
	}
	for _, bad := range []string{"", "Privacy Policy\nno date here", "Last updated: yesterday\n1. x"} {
		if _, err := control.ParseShippedPolicy(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
