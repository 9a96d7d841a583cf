package app

import (
	"context"
	"os"
	"path/filepath"

	"mintedmind/db/tenant"
)

// EraseClient erases one client's personal data from the agency (see
// tenant.Store.EraseClient), then deletes the files of their documents.
func EraseClient(ctx context.Context, t *tenant.Store, v tenant.Viewer, clientID, confirmName string, a tenant.Audit) (*tenant.Erasure, error) {
	er, err := t.EraseClient(ctx, v, clientID, confirmName, a)
	if err != nil {
		return nil, err
	}
	removeFiles(t.FilesDir(), er.Files)
	return er, nil
}

// removeFiles deletes files (relative to the agency's files directory)
// after the erasure committed; one that is already gone is fine.
func removeFiles(root string, files []string) {
	for _, f := range files {
		p := filepath.Join(root, filepath.Clean("/"+f))
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			// The row is gone; a leftover file is found by the next export
			// check. Nothing more to do here than not fail the erasure.
			continue
		}
	}
}
