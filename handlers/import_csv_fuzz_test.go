package handlers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// fuzzRefusal returns the message of an import refusal, failing the test when
// err is not one: every error of parseClientCSV is for the person
// importing, on the file field, and says that nothing was imported.
func fuzzRefusal(t *testing.T, err error) string {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid || len(e.Fields) != 1 || !strings.HasSuffix(e.Fields["file"], " Nothing was imported.") {
		t.Fatalf("parseClientCSV error is not a refusal of the file: %#v", err)
	}
	return e.Fields["file"]
}

// fuzzCheckAnyFile reads arbitrary bytes as a client list. Whatever they are,
// the parse either refuses the file with a message on the file field, or
// returns 1 to MaxImportRows rows numbered upwards from 2, all valid
// UTF-8, each with at most the one cell-count problem; the same bytes give
// the same answer, and the input is left alone. Bytes that are not UTF-8
// are always refused.
func fuzzCheckAnyFile(t *testing.T, data []byte) {
	t.Helper()
	orig := bytes.Clone(data)
	rows, err := parseClientCSV(data)
	if !bytes.Equal(data, orig) {
		t.Fatal("parseClientCSV changed its input")
	}
	rows2, err2 := parseClientCSV(bytes.Clone(data))
	if !reflect.DeepEqual(rows, rows2) || fmt.Sprint(err) != fmt.Sprint(err2) {
		t.Fatal("parseClientCSV is not deterministic")
	}
	if !utf8.Valid(bytes.TrimPrefix(data, importBOM)) && err == nil {
		t.Fatal("bytes that are not UTF-8 were read as a client list")
	}
	if err != nil {
		if rows != nil {
			t.Fatal("rows returned with an error")
		}
		fuzzRefusal(t, err)
		return
	}
	if len(rows) == 0 || len(rows) > tenant.MaxImportRows {
		t.Fatalf("%d rows", len(rows))
	}
	last := 1
	for _, r := range rows {
		if r.Row <= last {
			t.Fatalf("row numbers out of order: %d after %d", r.Row, last)
		}
		last = r.Row
		in := r.Input
		cells := append([]string{in.Name, in.Kind, in.CompanyCode, in.VATNumber, in.Street, in.City, in.PostalCode, in.Country, in.Notes, r.ResponsibleEmail}, in.Emails...)
		cells = append(append(cells, in.Phones...), in.Tags...)
		for _, c := range cells {
			if !utf8.ValidString(c) {
				t.Fatalf("row %d has a cell that is not UTF-8: %q", r.Row, c)
			}
		}
		if len(r.Problems) > 1 || len(r.Warnings) > 0 {
			t.Fatalf("row %d: the parse judged more than the cell count: %q %q", r.Row, r.Problems, r.Warnings)
		}
	}
}

// fuzzCSVColumn is a column of a generated file: its name as the header
// writes it, and what the import must make of a cell.
type fuzzCSVColumn struct {
	header string
	name   string // the canonical name
}

// fuzzColumns picks columns from mask (bit i: the i-th known column;
// "name" always), rotates them by rot and writes their names in one of
// the spellings the import accepts.
func fuzzColumns(mask uint32, rot, spelling uint8) []fuzzCSVColumn {
	known := append(append([]string(nil), clientCSVColumns...), clientExportOnlyColumns...)
	var cols []fuzzCSVColumn
	for i, name := range known {
		if name != "name" && mask&(1<<i) == 0 {
			continue
		}
		h := name
		switch (int(spelling) + i) % 4 {
		case 1:
			h = strings.ToUpper(name)
		case 2: // "Company code"
			h = strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "_", " ")
		case 3: // "company-code"
			h = strings.ReplaceAll(name, "_", "-")
		}
		cols = append(cols, fuzzCSVColumn{header: h, name: name})
	}
	r := int(rot) % len(cols)
	return append(cols[r:], cols[:r]...)
}

// fuzzRecords splits content into records ("\x1e") of cells ("\x1f"),
// made valid UTF-8.
func fuzzRecords(content string) [][]string {
	var recs [][]string
	for _, line := range strings.Split(strings.ToValidUTF8(content, "\uFFFD"), "\x1e") {
		recs = append(recs, strings.Split(line, "\x1f"))
	}
	return recs
}

// fuzzBlank reports whether every cell is white space.
func fuzzBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fuzzUnguarded is a cell as the import must give it: without the one quote
// that an export puts before a cell starting like a formula, quotes already
// in front of the formula character counted in (a quote and a plus is
// exported as two quotes and a plus).
func fuzzUnguarded(c string) string {
	rest := strings.TrimLeft(c, "'")
	if len(rest) < len(c) && rest != "" && strings.IndexByte("=+-@\t\r", rest[0]) >= 0 {
		return c[1:]
	}
	return c
}

// fuzzCheckImported compares what parseClientCSV made of a file with the
// records written into it: read[i] holds the cells a CSV reader sees for
// the i-th record (blank records included, which the import skips).
func fuzzCheckImported(t *testing.T, file []byte, cols []fuzzCSVColumn, read [][]string) {
	t.Helper()
	var kept [][]string
	for _, rec := range read {
		if !fuzzBlank(rec) {
			kept = append(kept, rec)
		}
	}
	rows, err := parseClientCSV(file)
	if len(kept) == 0 {
		if err == nil {
			t.Fatalf("a file of blank records was imported: %q", file)
		}
		fuzzRefusal(t, err)
		return
	}
	if err != nil {
		t.Fatalf("parseClientCSV(%q): %v", file, err)
	}
	if len(rows) != len(kept) {
		t.Fatalf("%d rows from %d records in %q", len(rows), len(kept), file)
	}
	for i, rec := range kept {
		row := rows[i]
		if row.Row != i+2 {
			t.Fatalf("row %d numbered %d", i+2, row.Row)
		}
		got := map[string]any{
			"name": row.Input.Name, "kind": row.Input.Kind, "company_code": row.Input.CompanyCode, "vat_number": row.Input.VATNumber,
			"emails": row.Input.Emails, "phones": row.Input.Phones, "street": row.Input.Street, "city": row.Input.City,
			"postal_code": row.Input.PostalCode, "country": row.Input.Country, "notes": row.Input.Notes, "tags": row.Input.Tags,
			"responsible_email": row.ResponsibleEmail,
		}
		for j, col := range cols {
			cell := ""
			if j < len(rec) {
				cell = fuzzUnguarded(rec[j])
			}
			var want any = cell
			switch col.name {
			case "emails":
				want = tenant.SplitEmails(cell)
			case "phones":
				want = tenant.SplitPhones(cell)
			case "tags":
				want = tenant.SplitTags(cell, ";")
			case "id", "created_at", "updated_at", "archived_at":
				continue
			}
			if g := got[col.name]; !reflect.DeepEqual(g, want) && !(fuzzEmptyList(g) && fuzzEmptyList(want)) {
				t.Fatalf("row %d column %s: got %q, want %q\nfile %q", i+2, col.name, g, want, file)
			}
		}
		extra := false
		for _, c := range rec[min(len(rec), len(cols)):] {
			extra = extra || strings.TrimSpace(c) != ""
		}
		if extra != (len(row.Problems) == 1) || len(row.Problems) > 1 {
			t.Fatalf("row %d with cells %q past %d columns: problems %q", i+2, rec, len(cols), row.Problems)
		}
	}
}

func fuzzEmptyList(v any) bool {
	l, ok := v.([]string)
	return ok && len(l) == 0
}

// fuzzCheckWritten writes records under a header with encoding/csv (comma-
// or semicolon-separated, LF or CRLF, with or without a byte-order mark)
// and parses the file: the import returns those records, cell for cell,
// in order, skipping the blank ones. What encoding/csv itself changes is
// expected: a CRLF writer drops carriage returns inside cells, and a
// reader reads CRLF inside quotes as LF. A cell written as a quote before
// a formula character is read without the quote (the import's undoing of
// the export's formula guard).
func fuzzCheckWritten(t *testing.T, cols []fuzzCSVColumn, recs [][]string, semicolon, crlf, bom bool) {
	t.Helper()
	var buf bytes.Buffer
	if bom {
		buf.Write(importBOM)
	}
	w := csv.NewWriter(&buf)
	w.UseCRLF = crlf
	if semicolon && len(cols) > 1 {
		// One column has no separator to tell the dialects apart by.
		w.Comma = ';'
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.header
	}
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	var read [][]string
	for _, rec := range recs {
		rec = append(rec, make([]string, max(0, len(cols)-len(rec)))...)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		seen := make([]string, len(rec))
		for i, c := range rec {
			if crlf {
				c = strings.ReplaceAll(c, "\r", "")
			} else {
				c = strings.ReplaceAll(c, "\r\n", "\n")
			}
			seen[i] = c
		}
		read = append(read, seen)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	fuzzCheckImported(t, buf.Bytes(), cols, read)
}

// fuzzExportFile writes clients as ClientsExport and sendCSV do: a byte-order
// mark, CRLF line ends, every cell formula-guarded, the list columns
// joined with "; ".
func fuzzExportFile(t *testing.T, clients []tenant.ClientInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	write := func(cells []string) {
		for i, s := range cells {
			cells[i] = csvSafe(s)
		}
		if err := w.Write(cells); err != nil {
			t.Fatal(err)
		}
	}
	write(append(append([]string(nil), clientCSVColumns...), clientExportOnlyColumns...))
	for _, cl := range clients {
		write([]string{cl.Name, cl.Kind, cl.CompanyCode, cl.VATNumber, strings.Join(cl.Emails, "; "), strings.Join(cl.Phones, "; "),
			cl.Street, cl.City, cl.PostalCode, cl.Country, cl.Notes, strings.Join(cl.Tags, "; "), "",
			"00000000-0000-0000-0000-000000000000", "2025-01-02T03:04:05Z", "2025-01-02T03:04:05Z", ""})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fuzzCheckExported makes clients from records as the client form would (the
// cells in the order of clientCSVColumns, split, normalised, and only
// those that validate, so clients the database can hold), exports them as
// the clients export does and imports the file: the import gives back the
// same clients, every field (after the normalisation a saved import gets).
func fuzzCheckExported(t *testing.T, recs [][]string) {
	t.Helper()
	var clients []tenant.ClientInput
	for _, rec := range recs {
		cell := func(i int) string {
			if i < len(rec) {
				return rec[i]
			}
			return ""
		}
		in := tenant.ClientInput{Name: cell(0), Kind: cell(1), CompanyCode: cell(2), VATNumber: cell(3), Emails: tenant.SplitEmails(cell(4)),
			Phones: tenant.SplitPhones(cell(5)), Street: cell(6), City: cell(7), PostalCode: cell(8), Country: cell(9), Notes: cell(10),
			Tags: tenant.SplitTags(cell(11), ",\n")}
		tenant.NormalizeClient(&in)
		if len(tenant.ValidateClient(in)) == 0 {
			clients = append(clients, in)
		}
	}
	if len(clients) == 0 {
		return
	}
	file := fuzzExportFile(t, clients)
	rows, err := parseClientCSV(file)
	if err != nil {
		t.Fatalf("exported clients do not import: %v\nfile %q", err, file)
	}
	if len(rows) != len(clients) {
		t.Fatalf("%d exported clients imported as %d rows\nfile %q", len(clients), len(rows), file)
	}
	for i, in := range clients {
		got := rows[i].Input
		tenant.NormalizeClient(&got)
		if len(rows[i].Problems) > 0 || !reflect.DeepEqual(got, in) {
			t.Fatalf("exported %#v\nimported %#v (problems %q)\nfile %q", in, got, rows[i].Problems, file)
		}
	}
}

// FuzzClientCSV fuzzes the client CSV import three ways from one input:
// content read as a file as it is (fuzzCheckAnyFile); content split into
// records ("\x1e") of cells ("\x1f") written with encoding/csv under a
// header of the columns mask picks, in an order and spelling from rot and
// spelling (fuzzCheckWritten); and the same records made into clients,
// exported and imported again (fuzzCheckExported).
func FuzzClientCSV(f *testing.F) {
	for _, s := range []string{
		"name,emails\nAda,ada@example.test\n",
		"\ufeffName;Company code;Tags\r\nAcme;123;a;b\r\n",
		"name\n\"multi\nline\"\n\n,\n",
		"name,kind,company_code,vat_number,emails,phones,street,city,postal_code,country,notes,tags,responsible_email,id,created_at,updated_at,archived_at\n" +
			"'=cmd,company,1,LT1,a@b.test; c@d.test,+370 600; +371 700,Main 1,Vilnius,01100,LT,\"a \"\"quoted\"\" note\",x; y,boss@a.test,id1,,,\n",
		"name,name\nx,y\n", "nope\nx\n", "name\n\"broken\n", "name,emails\nx,y,z,w\n", "name\n\xff\n", "", "\ufeff \n",
	} {
		f.Add(uint32(0), uint8(0), uint8(0), false, false, false, s)
	}
	f.Add(uint32(0xffff), uint8(3), uint8(1), true, true, true, "Acme\x1fcompany\x1f\x1f\x1fa@b.test; c@d.test\x1e\x1e  \x1f\x1e'=1+2\x1f\"q\"\x1fa,b;c\x1f\n\r\n")
	f.Add(uint32(0x1001), uint8(1), uint8(2), false, true, false, " lead\x1f\tTab;x\x1fextra\x1fcells")
	f.Add(uint32(0x20), uint8(0), uint8(3), true, false, true, "\\.\x1e#comment\x1e\"\x1e\ufeff")
	f.Add(uint32(0x1fff), uint8(5), uint8(0), false, true, true, "Ada Lovelace\x1fperson\x1f\x1f\x1fada@example.test\x1f+44 20 7946 0000\x1f1 Main St\x1fLondon\x1fN1\x1fUK\x1fMet Babbage.\nLikes engines.\x1fvip, maths")
	f.Add(uint32(0x1fff), uint8(0), uint8(1), true, false, false, "=HYPERLINK(\"x\")\x1fcompany\x1f-12\x1f@lt\x1f+a@b.test, c@d.test\x1f(0) 1-2\x1f\x1f\x1f\x1f\x1f=1+1\n\t@x\x1f+tag")
	f.Fuzz(func(t *testing.T, mask uint32, rot, spelling uint8, semicolon, crlf, bom bool, content string) {
		if len(content) > 64<<10 {
			return
		}
		fuzzCheckAnyFile(t, []byte(content))
		recs := fuzzRecords(content)
		if len(recs) > 1000 {
			return
		}
		fuzzCheckWritten(t, fuzzColumns(mask, rot, spelling), recs, semicolon, crlf, bom)
		fuzzCheckExported(t, recs)
	})
}
