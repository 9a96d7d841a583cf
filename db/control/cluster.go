package control

import "context"

// clusterLockKey is the key of the PostgreSQL session advisory lock held
// by the one machine that does the cluster's once-only work; not the
// write transactions' key (db.postgresWriteLock).
const clusterLockKey = 0x6d6d636c7573 // "mmclus"

// LeadsCluster reports whether this process does the work that must be
// done once for all machines (the jobs' cluster steps, jobs.Runner). On
// SQLite always: its machines share one file and each ran this work, as
// they always have. On PostgreSQL, whether it holds the cluster lock, a
// session-level advisory lock on a connection of its own, taking it if
// no machine holds it: asked each period, so a machine that dies or
// closes its store (Close releases the lock) is replaced at the others'
// next period.
func (c *Store) LeadsCluster(ctx context.Context) (bool, error) {
	if c.cluster == nil {
		return true, nil
	}
	return c.cluster.Hold(ctx)
}
