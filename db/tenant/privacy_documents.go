package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Documents' share of the privacy tools: a client's documents (the trash
// included; those of their cases and those sent on their quotes' threads)
// go into their export and are deleted, files and all, when the client is
// erased; a person's download has the documents they uploaded. The trash
// itself is purged by the documents-trash-purge job.
func init() {
	RegisterDataPart(DataPart{
		Name: "documents",
		ExportClient: func(ctx context.Context, t *Store, clientID string, w ExportSink) error {
			return exportDocuments(ctx, t, w, `COALESCE(k.client_id, q.client_id) = ?`, clientID)
		},
		ExportUser: func(ctx context.Context, t *Store, userID string, w ExportSink) error {
			return exportDocuments(ctx, t, w, `d.uploader_id = ?`, userID)
		},
		EraseClient: func(ctx context.Context, tx *sql.Tx, t *Store, clientID string) ([]string, error) {
			rows, err := tx.QueryContext(ctx, `DELETE FROM documents WHERE case_id IN (SELECT id FROM cases WHERE client_id = ?)
				OR quote_id IN (SELECT id FROM quotes WHERE client_id = ?)
				RETURNING storage_key, thumb_key`, clientID, clientID)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var files []string
			for rows.Next() {
				var key, thumb string
				if err := rows.Scan(&key, &thumb); err != nil {
					return nil, err
				}
				files = append(files, key)
				if thumb != "" {
					files = append(files, thumb)
				}
			}
			return files, rows.Err()
		},
	})
}

// exportDocuments writes documents.json and each document's file as
// documents/C-0042/<id>-<name> (a case's) or documents/<quote>/<id>-<name>
// (a quote's: its number, or its id while it has none).
func exportDocuments(ctx context.Context, t *Store, w ExportSink, cond string, arg string) error {
	recs, err := queryRecords(ctx, t.Read(), `SELECT d.id, CASE WHEN k.id IS NULL THEN '' ELSE 'C-' || printf('%04d', k.number) END AS case_number,
		COALESCE(q.id, '') AS quote_id, COALESCE(q.number, '') AS quote_number, d.name, d.content_type, d.size, d.sha256,
		d.shared AS shared_with_client, d.uploader_name, d.from_client, d.created_at, d.deleted_at, d.storage_key
		FROM documents d LEFT JOIN cases k ON k.id = d.case_id LEFT JOIN quotes q ON q.id = d.quote_id
		WHERE `+cond+` ORDER BY k.number IS NULL, k.number, q.number, q.id, d.created_at`, arg)
	if err != nil {
		return err
	}
	root := filepath.Join(t.Dir, "files")
	for _, r := range recs {
		key, _ := r["storage_key"].(string)
		delete(r, "storage_key")
		folder := fmt.Sprint(r["case_number"])
		if folder == "" {
			folder = fmt.Sprint(r["quote_number"])
		}
		if folder == "" {
			folder = fmt.Sprint(r["quote_id"])
		}
		name := path.Join("documents", exportFileName(folder), fmt.Sprint(r["id"])+"-"+exportFileName(fmt.Sprint(r["name"])))
		f, err := os.Open(filepath.Join(root, filepath.Clean("/"+key)))
		if errors.Is(err, fs.ErrNotExist) {
			r["file"] = "missing"
			continue
		}
		if err != nil {
			return err
		}
		err = w.File(name, f)
		f.Close()
		if err != nil {
			return err
		}
		r["file"] = name
	}
	if len(recs) == 0 {
		return nil
	}
	return w.JSON("documents.json", recs)
}

// exportFileName keeps a document's name safe as one path element.
func exportFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}
