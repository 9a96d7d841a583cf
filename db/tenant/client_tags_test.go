package tenant

import (
	"strings"
	"testing"
)

func TestCheckTagRefusesListSeparators(t *testing.T) {
	t.Parallel()
	for _, tag := range []string{"vip,gold", "vip;gold"} {
		if msg := CheckTag(tag); !strings.Contains(msg, "commas or semicolons") {
			t.Errorf("CheckTag(%q) = %q, want a refusal naming the separators", tag, msg)
		}
	}
	if msg := CheckTag("vip gold"); msg != "" {
		t.Errorf("a tag with a space was refused: %s", msg)
	}
}
