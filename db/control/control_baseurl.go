package control

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// settingServeBaseURL is the settings row holding the base URL the server
// last started with, which commands that send email link to.
const settingServeBaseURL = "serve_base_url"

// RecordServeBaseURL stores the base URL the server is starting with.
func (c *Store) RecordServeBaseURL(ctx context.Context, baseURL string) error {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingServeBaseURL, baseURL)
	if err != nil {
		return fmt.Errorf("db: record the server's base URL: %w", err)
	}
	return nil
}

// ServeBaseURL returns the base URL the server last started with, or "" if it never started.
func (c *Store) ServeBaseURL(ctx context.Context) (string, error) {
	var baseURL string
	err := c.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingServeBaseURL).Scan(&baseURL)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: read the server's base URL: %w", err)
	}
	return baseURL, nil
}
