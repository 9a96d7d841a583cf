-- The control database: agencies, plans, operators, the login directory,
-- the mail outbox and job runs. Migrations are forward-only: append a new
-- "-- migration: N name" section, never edit an applied one.

-- migration: 1 baseline
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Plans are a placeholder until subscription billing lands.
CREATE TABLE plans (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

CREATE TABLE agencies (
	id               TEXT PRIMARY KEY,
	slug             TEXT NOT NULL UNIQUE,
	name             TEXT NOT NULL,
	status           TEXT NOT NULL DEFAULT 'active'
	                 CHECK (status IN ('trial', 'active', 'past_due', 'suspended', 'archived', 'deleted')),
	plan_id          TEXT REFERENCES plans(id),
	created_at       INTEGER NOT NULL,
	last_activity_at INTEGER
);

-- email -> agencies, so that one login page can find a person's agency.
CREATE TABLE login_directory (
	email     TEXT NOT NULL,
	agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
	PRIMARY KEY (email, agency_id)
);

CREATE TABLE operators (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL
);

CREATE TABLE operator_sessions (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	operator_id  TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);

-- One-time links that create a platform operator. kind 'first-run' works
-- only while no operator exists; kind 'cli' was asked for on the server's shell.
CREATE TABLE setup_tokens (
	token_hash TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('first-run', 'cli')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);

CREATE TABLE outbox (
	id              TEXT PRIMARY KEY,
	agency_id       TEXT,
	to_addr         TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body_text       TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending'
	                CHECK (status IN ('pending', 'sent', 'logged', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE job_runs (
	id          TEXT PRIMARY KEY,
	job         TEXT NOT NULL,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
	counts      TEXT NOT NULL DEFAULT '{}',
	error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);
