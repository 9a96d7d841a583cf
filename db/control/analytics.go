package control

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"mintedmind/db"
)

// First-party analytics: page views per route pattern per UTC day, and the
// day's visitors, recorded only for people who consented. Nothing here
// identifies a person: the path is a route pattern (/a/:slug/cases/:id),
// and a visitor is counted once a day through a cookie holding only the date.

// Day returns t's UTC calendar day as stored.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// analyticsFlushEvery is how often counted page views are written: they
// are counted in memory and written together, so that a busy page costs
// the control database no write per view (a write on every consented view
// cost the case list 18% of its requests per second). Views also reach the
// database before any analytics read and when the database is closed; a
// crash loses at most this long of counts.
const analyticsFlushEvery = 10 * time.Second

// pageViews holds the views and visitors counted since the last write.
type pageViews struct {
	mu       sync.Mutex
	views    map[dayPath]int64
	visitors map[string]int64
	written  time.Time
}

type dayPath struct{ day, path string }

// RecordPageView counts one view of path on now's day, and one visitor
// when newVisitor (the first counted view of their day). The count is
// written with the others when analyticsFlushEvery has passed.
func (c *Store) RecordPageView(ctx context.Context, path string, newVisitor bool) error {
	now := c.Clock().Now()
	day := Day(now)
	p := &c.pageViews
	p.mu.Lock()
	if p.views == nil {
		p.views, p.visitors, p.written = map[dayPath]int64{}, map[string]int64{}, now
	}
	p.views[dayPath{day, path}]++
	if newVisitor {
		p.visitors[day]++
	}
	due := now.Sub(p.written) >= analyticsFlushEvery
	p.mu.Unlock()
	if !due {
		return nil
	}
	return c.FlushPageViews(ctx)
}

// FlushPageViews writes the counted page views and visitors in one
// transaction. Counts that fail to be written are kept for the next try.
func (c *Store) FlushPageViews(ctx context.Context) error {
	p := &c.pageViews
	p.mu.Lock()
	views, visitors := p.views, p.visitors
	p.views, p.visitors, p.written = map[dayPath]int64{}, map[string]int64{}, c.Clock().Now()
	p.mu.Unlock()
	if len(views) == 0 && len(visitors) == 0 {
		return nil
	}
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		for k, n := range views {
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_page_views (day, path, views) VALUES (?, ?, ?)
				ON CONFLICT (day, path) DO UPDATE SET views = analytics_page_views.views + excluded.views`, k.day, k.path, n); err != nil {
				return fmt.Errorf("db: record page views: %w", err)
			}
		}
		for day, n := range visitors {
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_visitors (day, visitors) VALUES (?, ?)
				ON CONFLICT (day) DO UPDATE SET visitors = analytics_visitors.visitors + excluded.visitors`, day, n); err != nil {
				return fmt.Errorf("db: record visitors: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		p.mu.Lock()
		for k, n := range views {
			p.views[k] += n
		}
		for day, n := range visitors {
			p.visitors[day] += n
		}
		p.mu.Unlock()
	}
	return err
}

// DayStats is one day of analytics.
type DayStats struct {
	Day      string
	Views    int64
	Visitors int64
}

// PathStats is one route's views over a period.
type PathStats struct {
	Path  string
	Views int64
}

// AnalyticsDays returns every day from from to to (inclusive), days
// without views included as zeros, oldest first.
func (c *Store) AnalyticsDays(ctx context.Context, from, to time.Time) ([]DayStats, error) {
	if err := c.FlushPageViews(ctx); err != nil {
		return nil, err
	}
	rows, err := c.Read().QueryContext(ctx, `SELECT day, SUM(views) FROM analytics_page_views WHERE day BETWEEN ? AND ? GROUP BY day`, Day(from), Day(to))
	if err != nil {
		return nil, fmt.Errorf("db: analytics days: %w", err)
	}
	views := map[string]int64{}
	for rows.Next() {
		var d string
		var n int64
		if err := rows.Scan(&d, &n); err != nil {
			rows.Close()
			return nil, err
		}
		views[d] = n
	}
	rows.Close()
	visitors := map[string]int64{}
	rows, err = c.Read().QueryContext(ctx, `SELECT day, visitors FROM analytics_visitors WHERE day BETWEEN ? AND ?`, Day(from), Day(to))
	if err != nil {
		return nil, fmt.Errorf("db: analytics visitors: %w", err)
	}
	for rows.Next() {
		var d string
		var n int64
		if err := rows.Scan(&d, &n); err != nil {
			rows.Close()
			return nil, err
		}
		visitors[d] = n
	}
	rows.Close()
	var out []DayStats
	for d := from.UTC().Truncate(24 * time.Hour); !d.After(to); d = d.AddDate(0, 0, 1) {
		k := Day(d)
		out = append(out, DayStats{Day: k, Views: views[k], Visitors: visitors[k]})
	}
	return out, nil
}

// AnalyticsTopPaths returns the most viewed routes between from and to.
func (c *Store) AnalyticsTopPaths(ctx context.Context, from, to time.Time, limit int) ([]PathStats, error) {
	if err := c.FlushPageViews(ctx); err != nil {
		return nil, err
	}
	return db.QueryList(ctx, c.Read(), "analytics paths", func(r db.Scanner) (PathStats, error) {
		var p PathStats
		return p, r.Scan(&p.Path, &p.Views)
	}, `SELECT path, SUM(views) AS n FROM analytics_page_views WHERE day BETWEEN ? AND ? GROUP BY path ORDER BY n DESC, path LIMIT ?`,
		Day(from), Day(to), limit)
}

// AnalyticsRowCount counts the stored analytics rows (tests and the
// retention job's dry run use it).
func (c *Store) AnalyticsRowCount(ctx context.Context) (int64, error) {
	if err := c.FlushPageViews(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := c.Read().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM analytics_page_views) + (SELECT COUNT(*) FROM analytics_visitors)`).Scan(&n)
	return n, err
}

// PurgeAnalytics deletes analytics of days before cutoff; with dryRun it
// only counts them.
func (c *Store) PurgeAnalytics(ctx context.Context, cutoff time.Time, dryRun bool) (int64, error) {
	if err := c.FlushPageViews(ctx); err != nil {
		return 0, err
	}
	day := Day(cutoff)
	if dryRun {
		var n int64
		err := c.Read().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM analytics_page_views WHERE day < ?) + (SELECT COUNT(*) FROM analytics_visitors WHERE day < ?)`, day, day).Scan(&n)
		return n, err
	}
	var total int64
	for _, q := range []string{`DELETE FROM analytics_page_views WHERE day < ?`, `DELETE FROM analytics_visitors WHERE day < ?`} {
		res, err := c.Write().ExecContext(ctx, q, day)
		if err != nil {
			return total, fmt.Errorf("db: purge analytics: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
