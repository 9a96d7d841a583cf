package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sync"
	"time"
)

// DataPart is one area's share of the personal data an agency holds, for
// the privacy tools: a client's export and erasure, a person's own export,
// and the retention job's purge. Clients, cases, history and notes are built
// in (see export.go and erase.go); documents and invoices each add one part
// with RegisterDataPart from an init function in their own file, e.g.
//
//	func init() { RegisterDataPart(DataPart{Name: "documents", ExportClient: …, EraseClient: …, Purge: …}) }
//
// Every field is optional.
type DataPart struct {
	// Name names the part in exports ("documents/…") and job counts.
	Name string
	// ExportClient writes the part's records of one client (JSON and files)
	// into a client's export.
	ExportClient func(ctx context.Context, t *Store, clientID string, w ExportSink) error
	// ExportUser writes the part's records about one person (for example
	// the documents they uploaded) into their own data download.
	ExportUser func(ctx context.Context, t *Store, userID string, w ExportSink) error
	// EraseClient removes or anonymises the part's records of one client
	// inside the erasure's transaction; it returns files (paths relative to
	// the agency's files directory) to delete once the transaction commits.
	// Fields the law requires kept (invoice numbers, amounts, the buyer's
	// name on an invoice) stay until Purge removes them.
	EraseClient func(ctx context.Context, tx *sql.Tx, t *Store, clientID string) (files []string, err error)
	// KeepTables are tables whose text the erasure's final sweep for the
	// client's name, emails and phones leaves alone, because EraseClient
	// kept what the law requires there.
	KeepTables []string
	// Purge deletes what is past its retention at now (trash older than 30
	// days, invoices of erased clients past the agency's retention period);
	// with dryRun it only counts. It returns counts by step name.
	Purge func(ctx context.Context, t *Store, now time.Time, dryRun bool) (map[string]int64, error)
}

var (
	dataPartsMu sync.RWMutex
	dataParts   []DataPart
)

// RegisterDataPart adds an area to the privacy tools. Call it from init.
func RegisterDataPart(p DataPart) {
	dataPartsMu.Lock()
	defer dataPartsMu.Unlock()
	for _, q := range dataParts {
		if q.Name == p.Name {
			panic("db: data part " + p.Name + " registered twice")
		}
	}
	dataParts = append(dataParts, p)
}

// DataParts returns the registered areas in registration order.
func DataParts() []DataPart {
	dataPartsMu.RLock()
	defer dataPartsMu.RUnlock()
	return append([]DataPart(nil), dataParts...)
}

// ExportSink receives an export as it is written: JSON documents and
// files, by name. The store hands it the rows and file contents; the
// archive format is the caller's (archive.ExportWriter writes a ZIP).
type ExportSink interface {
	// JSON adds name (e.g. "client.json") holding v.
	JSON(name string, v any) error
	// File adds name with the content of r (a document).
	File(name string, r io.Reader) error
}

// Record is one row of an export: column name to value, times as RFC 3339.
type Record map[string]any

// queryRecords reads rows into records. Columns named *_at hold unix
// seconds and are written as times; NULL stays null.
func queryRecords(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, query string, args ...any) ([]Record, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: export query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []Record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("db: export scan: %w", err)
		}
		r := Record{}
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if n, ok := v.(int64); ok && len(c) > 3 && c[len(c)-3:] == "_at" {
				v = time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
			r[c] = v
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
