package control

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/db"
)

// JobRun is one run of a cron job.
type JobRun struct {
	ID         string
	Job        string
	StartedAt  time.Time
	FinishedAt time.Time
	Status     string
	Counts     map[string]int64
	Error      string
}

// StartJobRun records that a job began.
func (c *Store) StartJobRun(ctx context.Context, job string) (*JobRun, error) {
	r := &JobRun{ID: uuid.NewString(), Job: job, StartedAt: db.UnixTime(c.Now()), Status: "running", Counts: map[string]int64{}}
	_, err := c.Write().ExecContext(ctx, `INSERT INTO job_runs (id, job, started_at, status) VALUES (?, ?, ?, 'running')`, r.ID, job, c.Now())
	if err != nil {
		return nil, fmt.Errorf("db: start job run %s: %w", job, err)
	}
	return r, nil
}

// FinishJobRun records a job's end with its counts and error, if any.
func (c *Store) FinishJobRun(ctx context.Context, r *JobRun, runErr error) error {
	r.Status, r.FinishedAt = "ok", db.UnixTime(c.Now())
	if runErr != nil {
		r.Status, r.Error = "failed", runErr.Error()
	}
	counts, _ := json.Marshal(r.Counts)
	_, err := c.Write().ExecContext(ctx, `UPDATE job_runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?`,
		c.Now(), r.Status, string(counts), r.Error, r.ID)
	if err != nil {
		return fmt.Errorf("db: finish job run %s: %w", r.Job, err)
	}
	return nil
}

// RecentJobRuns lists the newest job runs.
func (c *Store) RecentJobRuns(ctx context.Context, limit int) ([]*JobRun, error) {
	rows, err := c.Read().QueryContext(ctx, `SELECT id, job, started_at, COALESCE(finished_at, 0), status, counts, error FROM job_runs ORDER BY started_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("db: job runs: %w", err)
	}
	defer rows.Close()
	var out []*JobRun
	for rows.Next() {
		var r JobRun
		var started, finished int64
		var counts string
		if err := rows.Scan(&r.ID, &r.Job, &started, &finished, &r.Status, &counts, &r.Error); err != nil {
			return nil, fmt.Errorf("db: scan job run: %w", err)
		}
		r.StartedAt, r.FinishedAt = db.UnixTime(started), db.UnixTime(finished)
		_ = json.Unmarshal([]byte(counts), &r.Counts)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// JobRunsKept is how long a finished job run stays in job_runs: the
// console's history; the webhooks job alone records one a minute.
const JobRunsKept = 30 * 24 * time.Hour

// PruneJobRuns deletes the runs that finished more than JobRunsKept ago
// (a run still going stays) and returns how many.
func (c *Store) PruneJobRuns(ctx context.Context) (int64, error) {
	res, err := c.Write().ExecContext(ctx, `DELETE FROM job_runs WHERE status != 'running' AND finished_at < ?`, c.Now()-int64(JobRunsKept.Seconds()))
	if err != nil {
		return 0, fmt.Errorf("db: prune job runs: %w", err)
	}
	return res.RowsAffected()
}
