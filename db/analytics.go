package db

import (
	"context"
	"fmt"
	"time"
)

// First-party analytics: page views per route pattern per UTC day, and the
// day's visitors, recorded only for people who consented. Nothing here
// identifies a person: the path is a route pattern (/a/:slug/cases/:id),
// and a visitor is counted once a day through a cookie holding only the date.

// Day returns t's UTC calendar day as stored.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// RecordPageView counts one view of path on now's day, and one visitor
// when newVisitor (the first counted view of their day).
func (c *Control) RecordPageView(ctx context.Context, path string, newVisitor bool) error {
	day := Day(c.clock.Now())
	if _, err := c.write.ExecContext(ctx, `INSERT INTO analytics_page_views (day, path, views) VALUES (?, ?, 1)
		ON CONFLICT (day, path) DO UPDATE SET views = views + 1`, day, path); err != nil {
		return fmt.Errorf("db: record page view: %w", err)
	}
	if newVisitor {
		if _, err := c.write.ExecContext(ctx, `INSERT INTO analytics_visitors (day, visitors) VALUES (?, 1)
			ON CONFLICT (day) DO UPDATE SET visitors = visitors + 1`, day); err != nil {
			return fmt.Errorf("db: record visitor: %w", err)
		}
	}
	return nil
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
func (c *Control) AnalyticsDays(ctx context.Context, from, to time.Time) ([]DayStats, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT day, SUM(views) FROM analytics_page_views WHERE day BETWEEN ? AND ? GROUP BY day`, Day(from), Day(to))
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
	rows, err = c.read.QueryContext(ctx, `SELECT day, visitors FROM analytics_visitors WHERE day BETWEEN ? AND ?`, Day(from), Day(to))
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
func (c *Control) AnalyticsTopPaths(ctx context.Context, from, to time.Time, limit int) ([]PathStats, error) {
	return queryList(ctx, c.read, "analytics paths", func(r scanner) (PathStats, error) {
		var p PathStats
		return p, r.Scan(&p.Path, &p.Views)
	}, `SELECT path, SUM(views) AS n FROM analytics_page_views WHERE day BETWEEN ? AND ? GROUP BY path ORDER BY n DESC, path LIMIT ?`,
		Day(from), Day(to), limit)
}

// AnalyticsRowCount counts the stored analytics rows (tests and the
// retention job's dry run use it).
func (c *Control) AnalyticsRowCount(ctx context.Context) (int64, error) {
	var n int64
	err := c.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM analytics_page_views) + (SELECT COUNT(*) FROM analytics_visitors)`).Scan(&n)
	return n, err
}

// PurgeAnalytics deletes analytics of days before cutoff; with dryRun it
// only counts them.
func (c *Control) PurgeAnalytics(ctx context.Context, cutoff time.Time, dryRun bool) (int64, error) {
	day := Day(cutoff)
	if dryRun {
		var n int64
		err := c.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM analytics_page_views WHERE day < ?) + (SELECT COUNT(*) FROM analytics_visitors WHERE day < ?)`, day, day).Scan(&n)
		return n, err
	}
	var total int64
	for _, q := range []string{`DELETE FROM analytics_page_views WHERE day < ?`, `DELETE FROM analytics_visitors WHERE day < ?`} {
		res, err := c.write.ExecContext(ctx, q, day)
		if err != nil {
			return total, fmt.Errorf("db: purge analytics: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
