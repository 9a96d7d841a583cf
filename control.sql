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

-- migration: 2 privacy
-- The privacy policy people read at /privacy: every edit by the operator is
-- a new version; the highest version is the one shown. Version 1 is the text
-- shipped in the binary until the operator first edits it.
CREATE TABLE privacy_policies (
	version    INTEGER PRIMARY KEY,
	body       TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT ''
);

-- First-party analytics, only with consent: page views per route pattern
-- (never a raw URL, so no ids or slugs) per UTC day, and the visitors of the
-- day counted once each through a cookie holding only the date.
CREATE TABLE analytics_page_views (
	day   TEXT NOT NULL, -- YYYY-MM-DD, UTC
	path  TEXT NOT NULL, -- the route pattern, e.g. /a/:slug/clients/:id
	views INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, path)
);
CREATE TABLE analytics_visitors (
	day      TEXT PRIMARY KEY,
	visitors INTEGER NOT NULL DEFAULT 0
);

-- The retention policy's state per agency: when it was archived, and the
-- inactivity warnings already sent (one per kind per period of inactivity,
-- keyed by the last activity they were about, so a second run sends nothing).
ALTER TABLE agencies ADD COLUMN archived_at INTEGER;
CREATE TABLE retention_notices (
	agency_id   TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL, -- warn-30, warn-7
	activity_at INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL,
	PRIMARY KEY (agency_id, kind, activity_at)
);

-- migration: 3 placement
-- Which machine holds each agency's database, when agencies are spread over
-- several machines (README "Scaling"). No row: the agency lives on the one
-- machine of a single-machine install, or on the machine holding its files,
-- which claims it. moving is set while the agency is exported to another
-- machine: its requests are refused until the import switches the row.
CREATE TABLE machines (
	id      TEXT PRIMARY KEY,  -- MACHINE_ID, on Fly the machine id
	url     TEXT NOT NULL,     -- how other machines forward to it, e.g. http://10.0.0.5:8080
	seen_at INTEGER NOT NULL
);
CREATE TABLE placements (
	agency_id  TEXT PRIMARY KEY REFERENCES agencies(id) ON DELETE CASCADE,
	machine    TEXT NOT NULL,
	moving     INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);

-- migration: 4 outbox_attachments
-- Files sent with an outbox email (an invoice's PDF), stored with it so a
-- retry sends exactly what was queued; deleted with the email.
CREATE TABLE outbox_attachments (
	email_id     TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	PRIMARY KEY (email_id, position)
);

-- migration: 5 subscriptions
-- Plans the operator sells (README "Plans and subscriptions"): prices in
-- minor units, limits (0 = no limit), the trial length. The default plan is
-- the one a sign-up starts its trial on.
ALTER TABLE plans ADD COLUMN monthly_price INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN yearly_price INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE plans ADD COLUMN staff_seats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN max_clients INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN storage_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN case_retention_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN trial_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

-- An agency's subscription: its billing interval, the period it is in
-- (the trial, or the paid period), the plan it moves to when the period
-- ends (a downgrade), and when it fell past due or was suspended.
ALTER TABLE agencies ADD COLUMN billing_interval TEXT NOT NULL DEFAULT 'month' CHECK (billing_interval IN ('month', 'year'));
ALTER TABLE agencies ADD COLUMN period_start INTEGER;
ALTER TABLE agencies ADD COLUMN period_end INTEGER;
ALTER TABLE agencies ADD COLUMN next_plan_id TEXT REFERENCES plans(id);
ALTER TABLE agencies ADD COLUMN next_interval TEXT;
ALTER TABLE agencies ADD COLUMN status_changed_at INTEGER;

-- The operator's invoices to agencies: one per agency and period, ever.
CREATE TABLE subscription_invoices (
	id           TEXT PRIMARY KEY,
	agency_id    TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
	number       TEXT NOT NULL UNIQUE,
	plan_id      TEXT NOT NULL REFERENCES plans(id),
	plan_name    TEXT NOT NULL,
	billing_interval TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	period_end   INTEGER NOT NULL,
	amount       INTEGER NOT NULL,
	currency     TEXT NOT NULL,
	status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'void')),
	issued_at    INTEGER NOT NULL,
	due_at       INTEGER NOT NULL,
	paid_at      INTEGER,
	UNIQUE (agency_id, period_start)
);
CREATE INDEX subscription_invoices_status ON subscription_invoices (status, due_at);

CREATE TABLE subscription_payments (
	id          TEXT PRIMARY KEY,
	invoice_id  TEXT NOT NULL REFERENCES subscription_invoices(id) ON DELETE CASCADE,
	amount      INTEGER NOT NULL,
	currency    TEXT NOT NULL,
	method      TEXT NOT NULL CHECK (method IN ('paysera', 'manual')),
	reference   TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL DEFAULT '',
	paid_at     INTEGER NOT NULL
);
-- A provider's payment is recorded once however often its callback comes.
CREATE UNIQUE INDEX subscription_payments_reference ON subscription_payments (method, reference) WHERE reference <> '';

-- Dunning emails already sent: one per invoice and kind.
CREATE TABLE subscription_notices (
	invoice_id TEXT NOT NULL REFERENCES subscription_invoices(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL, -- due-soon, overdue, suspended
	sent_at    INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, kind)
);

-- The operator's invoice numbers: a sequence per year.
CREATE TABLE subscription_sequences (
	year  INTEGER PRIMARY KEY,
	value INTEGER NOT NULL
);

-- What operators did in the console to agencies and plans.
CREATE TABLE operator_audit (
	id            TEXT PRIMARY KEY,
	at            INTEGER NOT NULL,
	operator_id   TEXT NOT NULL DEFAULT '',
	operator_name TEXT NOT NULL DEFAULT '',
	action        TEXT NOT NULL,
	agency_id     TEXT NOT NULL DEFAULT '',
	detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX operator_audit_at ON operator_audit (at);

-- migration: 6 agency_health
-- An agency whose database was found damaged (SQLITE_CORRUPT, not a
-- database, a failed quick_check) or failed a migration is degraded while
-- degraded_at is set: its pages answer 503, its jobs skip it, the console
-- lists it with the error until the operator restores it (README "When
-- storage fails"). notified_at: the operator was emailed of this incident.
-- checked_*: the last result of the nightly quick_check.
CREATE TABLE agency_health (
	agency_id    TEXT PRIMARY KEY REFERENCES agencies(id) ON DELETE CASCADE,
	degraded_at  INTEGER,
	reason       TEXT NOT NULL DEFAULT '' CHECK (reason IN ('', 'corrupt', 'migration')),
	error        TEXT NOT NULL DEFAULT '',
	notified_at  INTEGER,
	checked_at   INTEGER,
	check_result TEXT NOT NULL DEFAULT '',
	check_millis INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agency_health_degraded ON agency_health (degraded_at) WHERE degraded_at IS NOT NULL;

-- migration: 7 subscription_invoice_parties
-- A subscription invoice says who buys (the agency's legal details from its
-- billing settings when it was issued; empty: its name only) and the VAT
-- the operator's settings charged then: net_amount at vat_rate_bp (basis
-- points) makes amount, with the legal note the operator's settings carry.
-- Invoices issued before carried no VAT: their net is their amount.
ALTER TABLE subscription_invoices ADD COLUMN net_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscription_invoices ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscription_invoices ADD COLUMN vat_note TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_invoices ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_invoices ADD COLUMN buyer_address TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_invoices ADD COLUMN buyer_company TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_invoices ADD COLUMN buyer_vat TEXT NOT NULL DEFAULT '';
UPDATE subscription_invoices SET net_amount = amount;

-- Money received through the operator's Paysera project for a subscription
-- invoice that no longer took it (paid by bank transfer meanwhile, voided):
-- kept to refund or credit, like an agency's overpayments (tenant schema,
-- migration 13), once per provider payment (reference: its request id).
CREATE TABLE subscription_overpayments (
	id          TEXT PRIMARY KEY,
	invoice_id  TEXT NOT NULL REFERENCES subscription_invoices(id) ON DELETE CASCADE,
	reference   TEXT NOT NULL UNIQUE,
	amount      INTEGER NOT NULL CHECK (amount > 0),
	currency    TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	settled_at  INTEGER,
	settled_by  TEXT NOT NULL DEFAULT '',
	settlement  TEXT NOT NULL DEFAULT '' CHECK (settlement IN ('', 'refunded', 'credited'))
);
CREATE INDEX subscription_overpayments_open ON subscription_overpayments (created_at) WHERE settled_at IS NULL;
