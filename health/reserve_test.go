package health

import "testing"

// TestReserve: the reserve is read from the configuration and scaled to
// a filesystem's size.
func TestReserve(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		in   string
		size uint64
		want uint64
	}{
		{"auto", 10 * gib, 10 * gib / 50}, // 2 % of a small disk
		{"", 500 * gib, gib},              // 1 GiB of a large one
		{"5%", 100 * gib, 5 * gib},
		{"2GiB", 100 * gib, 2 * gib},
		{"500MB", 100 * gib, 500e6},
		{"1073741824", 100 * gib, gib},
		{"0", 100 * gib, 0},
	} {
		r, err := ParseReserve(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := r.For(c.size); got != c.want {
			t.Errorf("%q of %d bytes = %d, want %d", c.in, c.size, got, c.want)
		}
	}
	for _, bad := range []string{"lots", "-1GiB", "100%", "5 parsecs", "NaN%"} {
		if _, err := ParseReserve(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if m := margin(gib); m != gib/20 {
		t.Errorf("margin of 1 GiB = %d", m)
	}
	if m := margin(0); m != 1<<20 {
		t.Errorf("margin of no reserve = %d: recovery must be clearly above it", m)
	}
}
