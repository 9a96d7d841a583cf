package i18n

import (
	"strconv"
	"strings"
)

// ByteSize writes a size of n bytes in lang: "512 bytes", "1.5 MiB" in
// English, "512 baitų", "1,5 MiB" in Lithuanian (the unit's name from the
// catalogue, the decimal separator from the language).
func ByteSize(lang string, n int64) string {
	units := []string{"unit.KiB", "unit.MiB", "unit.GiB", "unit.TiB"}
	if n < 1024 {
		return T(lang, "unit.bytes", n)
	}
	f, i := float64(n)/1024, 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	num := strconv.FormatFloat(f, 'f', 1, 64)
	if f == float64(int64(f)) || f >= 100 {
		num = strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strings.Replace(num, ".", styleOf(lang).decimal, 1) + " " + T(lang, units[i])
}
