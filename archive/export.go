package archive

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// ExportWriter writes a data export as a ZIP: JSON documents and files. It
// is the tenant.ExportSink the privacy exports (a client's, a person's own)
// are written into.
type ExportWriter struct {
	zw  *zip.Writer
	now time.Time
}

// NewExportWriter starts a ZIP on w; call Close to finish it.
func NewExportWriter(w io.Writer, now time.Time) *ExportWriter {
	return &ExportWriter{zw: zip.NewWriter(w), now: now}
}

// JSON adds name (e.g. "client.json") holding v, indented.
func (e *ExportWriter) JSON(name string, v any) error {
	f, err := e.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: e.now})
	if err != nil {
		return fmt.Errorf("archive: export %s: %w", name, err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("archive: export %s: %w", name, err)
	}
	return nil
}

// File adds name with the content of r (a document, an invoice PDF).
func (e *ExportWriter) File(name string, r io.Reader) error {
	f, err := e.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: e.now})
	if err != nil {
		return fmt.Errorf("archive: export %s: %w", name, err)
	}
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("archive: export %s: %w", name, err)
	}
	return nil
}

// Close finishes the ZIP.
func (e *ExportWriter) Close() error { return e.zw.Close() }
