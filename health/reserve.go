package health

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// Reserve is the free space the data directory's filesystem keeps: below
// it uploads and imports are refused. The default, "auto", is 2 % of the
// filesystem or 1 GiB, whichever is smaller.
type Reserve struct {
	auto    bool
	percent float64 // of the filesystem's size, when set
	bytes   uint64
}

// DefaultReserve is 2 % of the filesystem or 1 GiB, whichever is smaller.
var DefaultReserve = Reserve{auto: true}

// ParseReserve reads a reserve: "auto", a percentage of the filesystem
// ("5%"), or a size in bytes with an optional unit ("500MiB", "2GiB",
// "1073741824"; KB/MB/GB are powers of ten). "0" turns the reserve off.
func ParseReserve(s string) (Reserve, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "auto") {
		return DefaultReserve, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || f >= 100 || math.IsNaN(f) {
			return Reserve{}, fmt.Errorf("storage reserve %q: a percentage must be from 0%% to under 100%%", s)
		}
		return Reserve{percent: f}, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return Reserve{}, fmt.Errorf("storage reserve %q: use auto, a percentage like 2%% or a size like 1GiB", s)
	}
	return Reserve{bytes: n}, nil
}

// ParseSize reads a byte count with an optional unit: B, KiB, MiB, GiB,
// TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000).
func ParseSize(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	mult := map[string]float64{"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12}[strings.ToLower(unit)]
	f, err := strconv.ParseFloat(num, 64)
	if mult == 0 || err != nil || f < 0 || math.IsNaN(f) || f*mult > math.MaxInt64 {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with a unit like MiB or GiB", s)
	}
	return uint64(f * mult), nil
}

// For returns the reserve in bytes for a filesystem of size bytes.
func (r Reserve) For(size uint64) uint64 {
	switch {
	case r.auto:
		return min(size/50, 1<<30)
	case r.percent > 0:
		return uint64(float64(size) * r.percent / 100)
	}
	return r.bytes
}

// String is the reserve as it is written in the configuration.
func (r Reserve) String() string {
	switch {
	case r.auto:
		return "auto (2% or 1 GiB, whichever is smaller)"
	case r.percent > 0:
		return strconv.FormatFloat(r.percent, 'f', -1, 64) + "%"
	}
	return strconv.FormatUint(r.bytes, 10)
}

// margin is how far above the reserve free space must come back before a
// low-space incident is over, so that space hovering at the reserve sends
// one email, not one per check.
func margin(reserve uint64) uint64 { return max(reserve/20, 1<<20) }

// FreeSpace returns the space available and the size of the filesystem
// holding path, or of its nearest existing parent when path does not
// exist yet (a backup's new directory).
func FreeSpace(path string) (free, size uint64, err error) {
	for {
		free, size, _, err = statfs(path)
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return free, size, err
		}
		parent := filepath.Dir(path)
		if parent == path {
			return 0, 0, err
		}
		path = parent
	}
}
