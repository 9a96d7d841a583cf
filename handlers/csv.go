package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// csvSafe defuses a cell that a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return at the start) by prefixing a quote, the
// defence OWASP recommends against CSV injection.
func csvSafe(s string) string {
	if startsFormula(s) {
		return "'" + s
	}
	return s
}

// startsFormula reports whether a cell would start a spreadsheet formula,
// quotes in front of it aside: those are escaped with one more quote, so
// that reading the file back (importUnescapeFormula) takes exactly one
// off and a value that began with a quote keeps it.
func startsFormula(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// sendCSV answers with a CSV download: UTF-8 with a byte-order mark so that
// spreadsheet programs detect the encoding, CRLF line ends, every cell made
// formula-safe. rows calls write once per row. The file is built before the
// handler returns, while the agency's database is still held.
func sendCSV(c *fiber.Ctx, filename string, header []string, rows func(write func([]string) error) error) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	write := func(cells []string) error {
		safe := make([]string, len(cells))
		for i, s := range cells {
			safe[i] = csvSafe(s)
		}
		return cw.Write(safe)
	}
	if err := write(header); err != nil {
		return err
	}
	if err := rows(write); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	return c.Send(buf.Bytes())
}
