package handlers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// Limits of a client CSV file.
const (
	importMaxBytes   = 20 << 20  // 20 MiB
	importMaxLineLen = 128 << 10 // one physical line; a client's longest row is far shorter
)

var importBOM = []byte("\xef\xbb\xbf")

// importRefusal is the error for a file that cannot be imported at all.
func importRefusal(format string, args ...any) error {
	return apperr.FieldErrors(map[string]string{"file": fmt.Sprintf(format, args...) + " Nothing was imported."})
}

// parseClientCSV reads an uploaded client list. A file that cannot be read
// as one (not UTF-8, no or a wrong header, an absurdly long line, broken
// quotes, too many rows) is refused with a message naming the problem and
// where it is; problems of single rows are left to the preview, by row.
// A leading byte-order mark is skipped; a header without commas but with
// semicolons means semicolon-separated cells (some spreadsheet programs
// save CSV that way).
func parseClientCSV(data []byte) ([]tenant.ImportRow, error) {
	data = bytes.TrimPrefix(data, importBOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, importRefusal("The file is empty: the first line must name the columns, and each line after it is a client.")
	}
	if !utf8.Valid(data) {
		return nil, importRefusal("The file is not UTF-8 text (the first character that is not is on line %d). In your spreadsheet program, save it as “CSV UTF-8” and upload it again.", importBadUTF8Line(data))
	}
	if line, n := importLongestLine(data); n > importMaxLineLen {
		return nil, importRefusal("Line %d is %s long, more than the 128 KiB a line may have: this does not look like a list of clients. Check that it is a CSV file with one client per line.", line, importByteSize(n))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	headerLine := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		headerLine = data[:i]
	}
	if !bytes.ContainsRune(headerLine, ',') && bytes.ContainsRune(headerLine, ';') {
		r.Comma = ';'
	}
	header, err := r.Read()
	if err != nil {
		return nil, importCSVError(err)
	}
	cols, err := importHeader(header)
	if err != nil {
		return nil, err
	}
	var rows []tenant.ImportRow
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, importCSVError(err)
		}
		if importBlankRecord(rec) {
			n--
			continue
		}
		if len(rows) == tenant.MaxImportRows {
			return nil, importRefusal("The file has more than %d,%03d clients, the most one import takes. Split it and import the parts.", tenant.MaxImportRows/1000, tenant.MaxImportRows%1000)
		}
		rows = append(rows, importRow(n, cols, rec))
	}
	if len(rows) == 0 {
		return nil, importRefusal("The file has a header but no clients below it.")
	}
	return rows, nil
}

// importHeader maps each column to its name, refusing unknown, repeated
// and missing ones. Names are matched ignoring case, and with spaces or
// dashes read as underscores ("Company code" is company_code).
func importHeader(header []string) ([]string, error) {
	known := map[string]bool{}
	for _, c := range clientCSVColumns {
		known[c] = true
	}
	for _, c := range clientExportOnlyColumns {
		known[c] = true
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.Join(strings.FieldsFunc(h, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '\t' }), "_"))
		switch {
		case name == "":
			return nil, importRefusal("Column %d of the header has no name. The first line must name every column: %s.", i+1, strings.Join(clientCSVColumns, ", "))
		case !known[name]:
			return nil, importRefusal("The header has an unknown column %q (column %d). The columns a file may have are: %s.", importClip(h, 60), i+1, strings.Join(clientCSVColumns, ", "))
		case seen[name]:
			return nil, importRefusal("The header names the column %q twice.", name)
		}
		seen[name] = true
		cols[i] = name
	}
	if !seen["name"] {
		return nil, importRefusal("The header has no “name” column, and every client needs a name. The first line must name the columns, for example: %s.", strings.Join(clientCSVColumns, ","))
	}
	return cols, nil
}

// importRow turns one record into a row to check.
func importRow(n int, cols, rec []string) tenant.ImportRow {
	row := tenant.ImportRow{Row: n}
	extra := 0
	for i, cell := range rec {
		if i >= len(cols) {
			if strings.TrimSpace(cell) != "" {
				extra = len(rec) - len(cols)
			}
			continue
		}
		cell = importUnescapeFormula(cell)
		in := &row.Input
		switch cols[i] {
		case "name":
			in.Name = cell
		case "kind":
			in.Kind = cell
		case "company_code":
			in.CompanyCode = cell
		case "vat_number":
			in.VATNumber = cell
		case "emails":
			in.Emails = tenant.SplitEmails(cell)
		case "phones":
			in.Phones = tenant.SplitPhones(cell)
		case "street":
			in.Street = cell
		case "city":
			in.City = cell
		case "postal_code":
			in.PostalCode = cell
		case "country":
			in.Country = cell
		case "notes":
			in.Notes = cell
		case "tags":
			in.Tags = tenant.SplitTags(cell, ";")
		case "responsible_email":
			row.ResponsibleEmail = cell
		}
	}
	if extra > 0 {
		row.Problems = append(row.Problems, fmt.Sprintf("The row has %d cells but the header names %d columns.", len(rec), len(cols)))
	}
	return row
}

// unescapeFormula undoes csvSafe: our own export prefixes a quote to cells
// that start like a formula; importing that file again gets the value back.
func importUnescapeFormula(s string) string {
	if strings.HasPrefix(s, "'") && startsFormula(s) {
		return s[1:]
	}
	return s
}

func importBlankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func importCSVError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.StartLine != pe.Line {
			return importRefusal("The file could not be read as CSV: line %d: the row that starts there has a quote that never closes (%v, seen on line %d). Check the quotes on line %d.", pe.StartLine, pe.Err, pe.Line, pe.StartLine)
		}
		return importRefusal("The file could not be read as CSV: line %d, column %d: %v. Check the quotes on that line.", pe.Line, pe.Column, pe.Err)
	}
	return importRefusal("The file could not be read as CSV: %v.", err)
}

// invalidUTF8Line returns the line number of the first byte that is not UTF-8.
func importBadUTF8Line(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line
}

// longestLine returns the number and length of the longest physical line.
func importLongestLine(data []byte) (int, int) {
	bestLine, best, line := 1, 0, 1
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		if i > best {
			bestLine, best = line, i
		}
		if i < len(data) {
			i++
		}
		data = data[i:]
		line++
	}
	return bestLine, best
}

// byteSize says how big n bytes are, for people.
func importByteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// clipText cuts s to n characters for quoting in a message.
func importClip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
