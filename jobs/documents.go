package jobs

import (
	"context"
	"time"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/files"
)

// leftoverAge is how long a file must have gone unwritten before the
// clean-up takes it for a leftover: younger files may belong to an upload
// still in progress (a temporary file) or between its rename and its row.
const leftoverAge = time.Hour

// cleanDocumentFiles removes, in every agency's files directory, temporary
// files of uploads that never finished and stored files that no document
// row names (a crash between the rename and the row, or a purge that
// deleted rows and then stopped).
func (r *Runner) cleanDocumentFiles(ctx context.Context, run *control.JobRun) error {
	cutoff := r.clock.Now().Add(-leftoverAge)
	return r.forEachAgency(ctx, run, func(t *tenant.Store) error {
		keys, err := t.DocumentKeys(ctx)
		if err != nil {
			return err
		}
		n, err := files.Sweep(t.FilesDir(), func(k string) bool { return keys[k] }, cutoff)
		run.Counts["files_removed"] += int64(n)
		return err
	})
}

// purgeDocumentTrash deletes documents that have been in the trash for
// db.TrashDays: their rows first, in one transaction, then their files (a
// file whose removal fails is a leftover the next clean-up removes).
func (r *Runner) purgeDocumentTrash(ctx context.Context, run *control.JobRun) error {
	before := r.clock.Now().AddDate(0, 0, -tenant.TrashDays)
	return r.forEachAgency(ctx, run, func(t *tenant.Store) error {
		purged, err := t.PurgeTrash(ctx, before)
		if err != nil {
			return err
		}
		run.Counts["documents"] += int64(len(purged))
		for _, p := range purged {
			if err := files.Remove(t.FilesDir(), p.StorageKey, p.ThumbKey); err != nil {
				r.log.Warn("remove purged document's files", "agency", t.AgencyID, "document", p.ID, "err", err)
				run.Counts["files_kept"]++
			}
		}
		return nil
	})
}
