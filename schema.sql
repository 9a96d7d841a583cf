-- The schema of one agency's (tenant's) database, DATA/tenants/<id>/tenant.db.
-- A new agency's file is created by running every migration below in order;
-- an existing file gets the ones it lacks when it is opened. Migrations are
-- forward-only: append a new "-- migration: N name" section, never edit an
-- applied one. Times are unix seconds (UTC); ids are UUIDs.

-- migration: 1 accounts
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff', 'client')),
	password_hash TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	last_login_at INTEGER
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invites (
	id          TEXT PRIMARY KEY,
	email       TEXT NOT NULL,
	role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff', 'client')),
	token_hash  TEXT NOT NULL UNIQUE,
	invited_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	accepted_at INTEGER,
	revoked_at  INTEGER
);

CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	actor_id   TEXT NOT NULL DEFAULT '',
	actor_name TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	target     TEXT NOT NULL DEFAULT '',
	ip         TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- migration: 2 clients_and_cases
-- Agency-wide counters for people-facing numbers (case C-0001, …).
CREATE TABLE sequences (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

CREATE TABLE clients (
	id             TEXT PRIMARY KEY,
	name           TEXT NOT NULL,
	kind           TEXT NOT NULL CHECK (kind IN ('person', 'company')),
	company_code   TEXT NOT NULL DEFAULT '',
	vat_number     TEXT NOT NULL DEFAULT '',
	street         TEXT NOT NULL DEFAULT '',
	city           TEXT NOT NULL DEFAULT '',
	postal_code    TEXT NOT NULL DEFAULT '',
	country        TEXT NOT NULL DEFAULT '',
	notes          TEXT NOT NULL DEFAULT '',
	responsible_id TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	archived_at    INTEGER
);
CREATE INDEX clients_name ON clients (name COLLATE NOCASE);
CREATE INDEX clients_responsible ON clients (responsible_id);
CREATE INDEX clients_updated ON clients (updated_at);

-- A client has one or more emails and phones, in the order typed.
CREATE TABLE client_emails (
	client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	email     TEXT NOT NULL,
	PRIMARY KEY (client_id, position)
);
CREATE INDEX client_emails_email ON client_emails (email);

CREATE TABLE client_phones (
	client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	phone     TEXT NOT NULL,
	PRIMARY KEY (client_id, position)
);

CREATE TABLE client_tags (
	client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	tag       TEXT NOT NULL,
	PRIMARY KEY (client_id, tag)
);
CREATE INDEX client_tags_tag ON client_tags (tag);

CREATE TABLE cases (
	id          TEXT PRIMARY KEY,
	number      INTEGER NOT NULL UNIQUE,
	client_id   TEXT NOT NULL REFERENCES clients(id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'new'
	            CHECK (status IN ('new', 'in_progress', 'waiting', 'resolved', 'closed')),
	priority    TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,
	due_date    TEXT, -- YYYY-MM-DD, a calendar day in the agency's terms
	created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	closed_at   INTEGER
);
CREATE INDEX cases_client ON cases (client_id, updated_at);
CREATE INDEX cases_status ON cases (status, updated_at);
CREATE INDEX cases_assignee ON cases (assignee_id, status, updated_at);
CREATE INDEX cases_updated ON cases (updated_at);
CREATE INDEX cases_due ON cases (due_date) WHERE due_date IS NOT NULL;

CREATE TABLE case_labels (
	case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	label   TEXT NOT NULL,
	PRIMARY KEY (case_id, label)
);
CREATE INDEX case_labels_label ON case_labels (label);

-- Notes and messages on a case. Internal unless visible_to_client is 1.
-- body is the current text; earlier versions live in case_events.
CREATE TABLE notes (
	id                TEXT PRIMARY KEY,
	case_id           TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	author_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
	author_name       TEXT NOT NULL,
	body              TEXT NOT NULL,
	visible_to_client INTEGER NOT NULL DEFAULT 0 CHECK (visible_to_client IN (0, 1)),
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, created_at);

-- The case's history: one row per change, never updated or deleted.
-- kind: created, status, assigned, field, note, note_edited, document, invoice.
-- For field changes, field names the field and old_value/new_value hold the
-- text before and after; for notes, note_id points at the note and
-- old_value/new_value hold the text before and after an edit.
CREATE TABLE case_events (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id           TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	at                INTEGER NOT NULL,
	actor_id          TEXT NOT NULL DEFAULT '',
	actor_name        TEXT NOT NULL DEFAULT '',
	kind              TEXT NOT NULL,
	field             TEXT NOT NULL DEFAULT '',
	old_value         TEXT NOT NULL DEFAULT '',
	new_value         TEXT NOT NULL DEFAULT '',
	note_id           TEXT NOT NULL DEFAULT '',
	visible_to_client INTEGER NOT NULL DEFAULT 0 CHECK (visible_to_client IN (0, 1))
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- One search box over clients, cases and notes. kind is 'client', 'case'
-- or 'note'; ref_id is that row's id. Kept current by the triggers below.
CREATE VIRTUAL TABLE search_index USING fts5(
	kind UNINDEXED,
	ref_id UNINDEXED,
	title,
	body,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
CREATE TABLE search_rows (
	kind   TEXT NOT NULL,
	ref_id TEXT NOT NULL,
	rowid_ INTEGER NOT NULL,
	PRIMARY KEY (kind, ref_id)
);

CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
	INSERT INTO search_index (kind, ref_id, title, body)
		VALUES ('client', new.id, new.name, new.company_code || ' ' || new.vat_number || ' ' || new.city || ' ' || new.notes);
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('client', new.id, last_insert_rowid());
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF name, company_code, vat_number, city, notes ON clients BEGIN
	UPDATE search_index SET title = new.name, body = new.company_code || ' ' || new.vat_number || ' ' || new.city || ' ' || new.notes
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'client' AND ref_id = new.id);
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'client' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'client' AND ref_id = old.id;
END;

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
	INSERT INTO search_index (kind, ref_id, title, body)
		VALUES ('case', new.id, 'C-' || printf('%04d', new.number) || ' ' || new.title, new.description);
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('case', new.id, last_insert_rowid());
END;
CREATE TRIGGER cases_search_update AFTER UPDATE OF title, description ON cases BEGIN
	UPDATE search_index SET title = 'C-' || printf('%04d', new.number) || ' ' || new.title, body = new.description
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'case' AND ref_id = new.id);
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'case' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'case' AND ref_id = old.id;
END;

CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('note', new.id, '', new.body);
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('note', new.id, last_insert_rowid());
END;
CREATE TRIGGER notes_search_update AFTER UPDATE OF body ON notes BEGIN
	UPDATE search_index SET body = new.body
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'note' AND ref_id = new.id);
END;
CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'note' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'note' AND ref_id = old.id;
END;

-- migration: 3 client_list_indexes
-- The client list pages with a keyset cursor on (sort key, id) for each sort
-- it offers (name, newest, recently updated), so each needs an index ending
-- in id; the archived and responsible columns ride along so that walking
-- an index to fill a page reads no table row it then skips. Search matches
-- company codes by prefix; a client's activity tab reads the audit entries
-- that target it; the clients with a tag, or with an email address, are
-- read from the tag or email index alone.
DROP INDEX clients_name;
CREATE INDEX clients_name ON clients (name COLLATE NOCASE, id, archived_at, responsible_id);
DROP INDEX clients_updated;
CREATE INDEX clients_updated ON clients (updated_at, id, archived_at, responsible_id);
CREATE INDEX clients_created ON clients (created_at, id, archived_at, responsible_id);
-- A search collects the clients whose email (or tag) matches, then sorts
-- them: this reads each one's sort keys and filters without its table row.
CREATE INDEX clients_lookup ON clients (id, name, archived_at, responsible_id, created_at, updated_at);
CREATE INDEX clients_company_code ON clients (company_code COLLATE NOCASE) WHERE company_code <> '';
CREATE INDEX audit_log_target ON audit_log (target, id) WHERE target <> '';
DROP INDEX client_tags_tag;
CREATE INDEX client_tags_tag ON client_tags (tag, client_id);
DROP INDEX client_emails_email;
CREATE INDEX client_emails_email ON client_emails (email, client_id);

-- migration: 4 case_list_indexes
-- The case list is the page staff load most; these let its first page be
-- read in order, without a sort, at about one index lookup per row.
-- Its default order (recently updated first, number breaking ties) reads
-- everything it shows from cases_list alone.
CREATE INDEX cases_list ON cases (updated_at, number, id, title, status, priority, client_id, assignee_id, due_date);
-- "My cases" and the assignee filter, in the same order. (cases_assignee
-- puts status before updated_at, so it gives one status at a time in
-- order, and SQLite sorted all of a person's cases on every page.)
CREATE INDEX cases_assignee_updated ON cases (assignee_id, updated_at, number);
-- The client's name beside each case, from the index alone.
CREATE INDEX clients_names ON clients (id, name);

-- migration: 5 documents
-- Files attached to cases. The bytes live in DATA/tenants/<id>/files/ under
-- storage_key, a name the server makes; name is the uploader's file name,
-- cleaned, for display only. content_type is sniffed from the bytes. A
-- document is internal unless shared with the client. deleted_at puts it in
-- the trash, from which owners restore it; the trash purge deletes the row
-- (then the file) 30 days later. A row is written only after its file is in
-- place, and a file without a row is a leftover the clean-up job removes.
CREATE TABLE documents (
	id            TEXT PRIMARY KEY,
	case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	size          INTEGER NOT NULL CHECK (size > 0),
	sha256        TEXT NOT NULL,
	storage_key   TEXT NOT NULL UNIQUE,
	thumb_key     TEXT NOT NULL DEFAULT '',
	width         INTEGER NOT NULL DEFAULT 0,
	height        INTEGER NOT NULL DEFAULT 0,
	pages         INTEGER NOT NULL DEFAULT 0,
	shared        INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
	uploader_id   TEXT NOT NULL DEFAULT '',
	uploader_name TEXT NOT NULL DEFAULT '',
	from_client   INTEGER NOT NULL DEFAULT 0 CHECK (from_client IN (0, 1)),
	created_at    INTEGER NOT NULL,
	deleted_at    INTEGER,
	deleted_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX documents_case ON documents (case_id, created_at);
CREATE INDEX documents_trash ON documents (deleted_at) WHERE deleted_at IS NOT NULL;

-- migration: 6 billing
-- Invoices, credit notes, recurring invoices and payments. Money is integer
-- minor units (cents) with the invoice's ISO currency; quantities are
-- thousandths of a unit; VAT rates are basis points (2100 = 21 %).
-- Billing settings live in the settings table under "billing.*" keys.

-- A recurring invoice: a template (client, lines, terms) and a schedule.
-- next_index is the first period not yet made or skipped.
CREATE TABLE recurring_invoices (
	id              TEXT PRIMARY KEY,
	client_id       TEXT NOT NULL REFERENCES clients(id),
	case_id         TEXT REFERENCES cases(id) ON DELETE SET NULL,
	currency        TEXT NOT NULL,
	terms_days      INTEGER NOT NULL,
	notes           TEXT NOT NULL DEFAULT '',
	frequency       TEXT NOT NULL CHECK (frequency IN ('weekly', 'monthly', 'quarterly', 'yearly', 'months')),
	interval_months INTEGER NOT NULL DEFAULT 1,
	start_date      TEXT NOT NULL,
	end_date        TEXT NOT NULL DEFAULT '',
	max_count       INTEGER NOT NULL DEFAULT 0,
	status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
	auto_send       INTEGER NOT NULL DEFAULT 0 CHECK (auto_send IN (0, 1)),
	next_index      INTEGER NOT NULL DEFAULT 0,
	created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX recurring_invoices_due ON recurring_invoices (status, next_index);

-- Invoices and credit notes. number is NULL while a draft; issued ones are
-- never changed except their payment status, sent time and void.
-- seller and buyer are JSON snapshots taken when it was issued.
CREATE TABLE invoices (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
	number       TEXT UNIQUE,
	credit_for   TEXT REFERENCES invoices(id),
	client_id    TEXT NOT NULL REFERENCES clients(id),
	case_id      TEXT REFERENCES cases(id) ON DELETE SET NULL,
	recurring_id TEXT REFERENCES recurring_invoices(id) ON DELETE SET NULL,
	status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
	currency     TEXT NOT NULL,
	issue_date   TEXT NOT NULL,
	terms_days   INTEGER NOT NULL,
	due_date     TEXT NOT NULL,
	notes        TEXT NOT NULL DEFAULT '',
	subtotal     INTEGER NOT NULL DEFAULT 0,
	vat_total    INTEGER NOT NULL DEFAULT 0,
	total        INTEGER NOT NULL DEFAULT 0,
	paid         INTEGER NOT NULL DEFAULT 0,
	seller       TEXT NOT NULL DEFAULT '',
	buyer        TEXT NOT NULL DEFAULT '',
	void_reason  TEXT NOT NULL DEFAULT '',
	issued_at    INTEGER,
	voided_at    INTEGER,
	sent_at      INTEGER,
	created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX invoices_list ON invoices (created_at, id, status, due_date, client_id);
CREATE INDEX invoices_client ON invoices (client_id, created_at);
CREATE INDEX invoices_case ON invoices (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX invoices_open ON invoices (status, due_date) WHERE status IN ('issued', 'partially_paid');

CREATE TABLE invoice_lines (
	invoice_id     TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	description    TEXT NOT NULL,
	quantity_milli INTEGER NOT NULL,
	unit_price     INTEGER NOT NULL,
	vat_rate_bp    INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, position)
);

CREATE TABLE recurring_lines (
	recurring_id   TEXT NOT NULL REFERENCES recurring_invoices(id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	description    TEXT NOT NULL,
	quantity_milli INTEGER NOT NULL,
	unit_price     INTEGER NOT NULL,
	vat_rate_bp    INTEGER NOT NULL,
	PRIMARY KEY (recurring_id, position)
);

-- One row per period of a schedule, made or skipped: the primary key is
-- what makes the job create each period's invoice exactly once.
CREATE TABLE recurring_runs (
	recurring_id TEXT NOT NULL REFERENCES recurring_invoices(id) ON DELETE CASCADE,
	period_index INTEGER NOT NULL,
	period_date  TEXT NOT NULL,
	invoice_id   TEXT REFERENCES invoices(id),
	skipped      INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (recurring_id, period_index)
);

-- Payments. provider_key is unique: a Paysera order is recorded once
-- however many times its callback arrives.
CREATE TABLE payments (
	id           TEXT PRIMARY KEY,
	invoice_id   TEXT NOT NULL REFERENCES invoices(id),
	amount       INTEGER NOT NULL CHECK (amount > 0),
	currency     TEXT NOT NULL,
	paid_on      TEXT NOT NULL,
	method       TEXT NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'card', 'paysera', 'other', 'credit_note')),
	reference    TEXT NOT NULL DEFAULT '',
	provider_key TEXT UNIQUE,
	recorded_by  TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, created_at);
CREATE INDEX payments_created ON payments (created_at, id);

-- Paysera payment requests: one per "Pay", with the amount owed then.
CREATE TABLE paysera_orders (
	order_id   TEXT PRIMARY KEY,
	invoice_id TEXT NOT NULL REFERENCES invoices(id),
	amount     INTEGER NOT NULL,
	currency   TEXT NOT NULL,
	test       INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	paid_at    INTEGER,
	request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX paysera_orders_invoice ON paysera_orders (invoice_id);

-- Overdue reminders sent (or passed over), one row per step per invoice.
CREATE TABLE invoice_reminders (
	invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
	step_days  INTEGER NOT NULL,
	sent       INTEGER NOT NULL DEFAULT 1,
	at         INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, step_days)
);

-- migration: 7 portal_and_two_factor
-- A client contact (role client) belongs to one client; staff have none.
ALTER TABLE users ADD COLUMN client_id TEXT REFERENCES clients(id) ON DELETE SET NULL;
CREATE INDEX users_client ON users (client_id) WHERE client_id IS NOT NULL;
ALTER TABLE invites ADD COLUMN client_id TEXT REFERENCES clients(id) ON DELETE CASCADE;
-- Two-factor sign-in with TOTP (RFC 6238). totp_secret is set while the
-- person sets it up and kept once totp_enabled_at is set; totp_last_step is
-- the newest time step accepted, so a code works once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- One-time recovery codes, stored as SHA-256 of the code.
CREATE TABLE recovery_codes (
	user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at   INTEGER,
	PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;
-- Kinds of email a person turned off (everything else is sent).
CREATE TABLE email_opt_outs (
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind    TEXT NOT NULL,
	PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
-- The agency's logo for its pages and portal (small: at most 512 KiB).
CREATE TABLE brand_logo (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	updated_at   INTEGER NOT NULL
);
-- What of a case each person has seen: a contact, its events up to
-- last_event_id; a staff member, the client's messages and uploads up to
-- read_at. "Unread" is anything newer.
CREATE TABLE case_reads (
	user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	last_event_id INTEGER NOT NULL DEFAULT 0,
	read_at       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, case_id)
) WITHOUT ROWID;
-- Closed cases kept past the plan's retention are archived by the retention
-- job: hidden from the lists (the "Archived" view shows them), reopened by
-- a status change. The list's covering index carries the flag, so hiding
-- them costs the list no table reads.
ALTER TABLE cases ADD COLUMN archived_at INTEGER;
DROP INDEX cases_list;
CREATE INDEX cases_list ON cases (updated_at, number, id, title, status, priority, client_id, assignee_id, due_date, archived_at);
-- When a client contact last wrote or uploaded on the case: staff see the
-- cases with client activity they have not opened since.
ALTER TABLE cases ADD COLUMN client_activity_at INTEGER;
CREATE INDEX cases_client_activity ON cases (client_activity_at) WHERE client_activity_at IS NOT NULL;

-- migration: 8 client_list_columns
-- The client list shows each client's first email and phone and its tags.
-- Read per row from their tables, those three lookups cost about a third
-- of the list; these copies on the client row are kept by the triggers
-- below, whatever writes the emails, phones or tags.
ALTER TABLE clients ADD COLUMN list_email TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN list_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN list_tags TEXT NOT NULL DEFAULT '';
UPDATE clients SET
	list_email = COALESCE((SELECT email FROM client_emails WHERE client_id = clients.id ORDER BY position LIMIT 1), ''),
	list_phone = COALESCE((SELECT phone FROM client_phones WHERE client_id = clients.id ORDER BY position LIMIT 1), ''),
	list_tags = COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = clients.id), '');
CREATE TRIGGER client_emails_list_insert AFTER INSERT ON client_emails BEGIN
	UPDATE clients SET list_email = COALESCE((SELECT email FROM client_emails WHERE client_id = new.client_id ORDER BY position LIMIT 1), '') WHERE id = new.client_id;
END;
CREATE TRIGGER client_emails_list_update AFTER UPDATE ON client_emails BEGIN
	UPDATE clients SET list_email = COALESCE((SELECT email FROM client_emails WHERE client_id = clients.id ORDER BY position LIMIT 1), '') WHERE id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER client_emails_list_delete AFTER DELETE ON client_emails BEGIN
	UPDATE clients SET list_email = COALESCE((SELECT email FROM client_emails WHERE client_id = old.client_id ORDER BY position LIMIT 1), '') WHERE id = old.client_id;
END;
CREATE TRIGGER client_phones_list_insert AFTER INSERT ON client_phones BEGIN
	UPDATE clients SET list_phone = COALESCE((SELECT phone FROM client_phones WHERE client_id = new.client_id ORDER BY position LIMIT 1), '') WHERE id = new.client_id;
END;
CREATE TRIGGER client_phones_list_update AFTER UPDATE ON client_phones BEGIN
	UPDATE clients SET list_phone = COALESCE((SELECT phone FROM client_phones WHERE client_id = clients.id ORDER BY position LIMIT 1), '') WHERE id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER client_phones_list_delete AFTER DELETE ON client_phones BEGIN
	UPDATE clients SET list_phone = COALESCE((SELECT phone FROM client_phones WHERE client_id = old.client_id ORDER BY position LIMIT 1), '') WHERE id = old.client_id;
END;
CREATE TRIGGER client_tags_list_insert AFTER INSERT ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = new.client_id), '') WHERE id = new.client_id;
END;
CREATE TRIGGER client_tags_list_update AFTER UPDATE ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = clients.id), '') WHERE id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER client_tags_list_delete AFTER DELETE ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ' ORDER BY tag) FROM client_tags WHERE client_id = old.client_id), '') WHERE id = old.client_id;
END;

-- migration: 9 client_tags_triggers_for_sqlite_3_40
-- Migration 8's tag triggers joined the tags with group_concat(tag, ', '
-- ORDER BY tag), syntax SQLite parses only from 3.44: the sqlite3 shell of
-- Debian 12 (3.40) refused to open the file ("malformed database schema").
-- These make the same values with SQL that 3.40 parses: the tags sorted in
-- a subquery, which group_concat joins in that order (SQLite neither
-- flattens nor drops a subquery's ORDER BY under an aggregate like
-- group_concat). The columns already hold these values, so none is
-- recomputed. Keep every schema object parseable by SQLite 3.40
-- (opstest/sqlite3_test.go and .ci/run open the files with it).
DROP TRIGGER client_tags_list_insert;
DROP TRIGGER client_tags_list_update;
DROP TRIGGER client_tags_list_delete;
CREATE TRIGGER client_tags_list_insert AFTER INSERT ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ') FROM (SELECT tag FROM client_tags WHERE client_id = new.client_id ORDER BY tag)), '') WHERE id = new.client_id;
END;
CREATE TRIGGER client_tags_list_update AFTER UPDATE ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ') FROM (SELECT tag FROM client_tags WHERE client_id = clients.id ORDER BY tag)), '') WHERE id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER client_tags_list_delete AFTER DELETE ON client_tags BEGIN
	UPDATE clients SET list_tags = COALESCE((SELECT group_concat(tag, ', ') FROM (SELECT tag FROM client_tags WHERE client_id = old.client_id ORDER BY tag)), '') WHERE id = old.client_id;
END;

-- migration: 10 search_invoices_and_documents
-- The search box finds invoices (by number and notes) and documents (by
-- file name) too. An invoice's title is its number ('' while a draft);
-- a document leaves the index while it is in the trash and comes back when
-- restored. What the results show besides (client, amount, case) is read
-- from the rows at search time, so a client renamed or a payment recorded
-- never leaves the index stale.
CREATE TRIGGER invoices_search_insert AFTER INSERT ON invoices BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('invoice', new.id, COALESCE(new.number, ''), new.notes);
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('invoice', new.id, last_insert_rowid());
END;
CREATE TRIGGER invoices_search_update AFTER UPDATE OF number, notes ON invoices BEGIN
	UPDATE search_index SET title = COALESCE(new.number, ''), body = new.notes
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'invoice' AND ref_id = new.id);
END;
CREATE TRIGGER invoices_search_delete AFTER DELETE ON invoices BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'invoice' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'invoice' AND ref_id = old.id;
END;
CREATE TRIGGER documents_search_insert AFTER INSERT ON documents WHEN new.deleted_at IS NULL BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('document', new.id, new.name, '');
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('document', new.id, last_insert_rowid());
END;
CREATE TRIGGER documents_search_trash AFTER UPDATE OF deleted_at ON documents WHEN new.deleted_at IS NOT NULL AND old.deleted_at IS NULL BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'document' AND ref_id = old.id;
END;
CREATE TRIGGER documents_search_restore AFTER UPDATE OF deleted_at ON documents WHEN new.deleted_at IS NULL AND old.deleted_at IS NOT NULL BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('document', new.id, new.name, '');
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('document', new.id, last_insert_rowid());
END;
CREATE TRIGGER documents_search_rename AFTER UPDATE OF name ON documents WHEN new.deleted_at IS NULL BEGIN
	UPDATE search_index SET title = new.name
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = new.id);
END;
CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'document' AND ref_id = old.id;
END;
-- The invoices and documents already there, oldest first (the index reads
-- newest first by rowid).
INSERT INTO search_index (kind, ref_id, title, body)
	SELECT 'invoice', id, COALESCE(number, ''), notes FROM invoices ORDER BY created_at, id;
INSERT INTO search_index (kind, ref_id, title, body)
	SELECT 'document', id, name, '' FROM documents WHERE deleted_at IS NULL ORDER BY created_at, id;
INSERT INTO search_rows (kind, ref_id, rowid_)
	SELECT kind, ref_id, rowid FROM search_index
	WHERE rowid > (SELECT COALESCE(MAX(rowid_), 0) FROM search_rows) AND kind IN ('invoice', 'document');

-- migration: 11 dashboard_activity
-- The dashboard's chart counts the cases opened and closed in each of the
-- last weeks: these read those weeks alone, however old the agency.
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX cases_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;

-- migration: 12 tasks_time_and_calendars
-- Work on a case (issue 24): tasks with checklists, time tracked by timer
-- or by hand and billed onto draft invoices, and private calendar feeds.
-- Dates are calendar days (YYYY-MM-DD) and times of day HH:MM, in UTC
-- until agencies have their own time zone.

-- A case's tasks, in the order of position (0 first). A task is internal
-- unless shared, when the client's contacts see it in the portal; a shared
-- task may be assigned to one of them, who may then tick it.
CREATE TABLE tasks (
	id           TEXT PRIMARY KEY,
	case_id      TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	assignee_id  TEXT REFERENCES users(id) ON DELETE SET NULL,
	due_date     TEXT,
	due_time     TEXT, -- only with due_date
	priority     TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	shared       INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
	created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	done_at      INTEGER,
	done_by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_case ON tasks (case_id, position);
-- "My tasks", the dashboard and each person's calendar: open tasks by due day.
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_date) WHERE assignee_id IS NOT NULL;
-- The agency's calendar: every open task with a due day.
CREATE INDEX tasks_due ON tasks (due_date) WHERE due_date IS NOT NULL AND status = 'open';

-- A task's checklist, in the order of position.
CREATE TABLE task_items (
	id       TEXT PRIMARY KEY,
	task_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	text     TEXT NOT NULL,
	done     INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
);
CREATE INDEX task_items_task ON task_items (task_id, position);

-- Task lists an agency applies to cases: by hand on a case page, and when
-- a case opens with the label case_label ('' : by hand only). due_days puts
-- a task's due day that many days after it is applied; checklist is one
-- item per line.
CREATE TABLE task_templates (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	case_label TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX task_templates_label ON task_templates (case_label) WHERE case_label <> '';
CREATE TABLE task_template_items (
	template_id TEXT NOT NULL REFERENCES task_templates(id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	title       TEXT NOT NULL,
	due_days    INTEGER,
	shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
	checklist   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (template_id, position)
);

-- Hourly rates in minor units of the agency's billing currency: a
-- person's, and a case's own, which when set bills all time on the case.
ALTER TABLE users ADD COLUMN hourly_rate INTEGER NOT NULL DEFAULT 0 CHECK (hourly_rate >= 0);
ALTER TABLE cases ADD COLUMN hourly_rate INTEGER CHECK (hourly_rate >= 0);

-- Time a person spent on a case (and maybe one of its tasks). invoice_id
-- is the draft or invoice that bills it: an entry is on one invoice at
-- most, is changed no more once on one, and is freed when that invoice is
-- voided or the draft deleted. billed_rate is the hourly rate it was billed at.
CREATE TABLE time_entries (
	id          TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL REFERENCES users(id),
	case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	task_id     TEXT REFERENCES tasks(id) ON DELETE SET NULL,
	work_date   TEXT NOT NULL,
	minutes     INTEGER NOT NULL CHECK (minutes > 0),
	note        TEXT NOT NULL DEFAULT '',
	billable    INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
	source      TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'timer')),
	invoice_id  TEXT REFERENCES invoices(id) ON DELETE SET NULL,
	billed_rate INTEGER,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX time_entries_user ON time_entries (user_id, work_date);
CREATE INDEX time_entries_case ON time_entries (case_id, work_date);
CREATE INDEX time_entries_date ON time_entries (work_date);
CREATE INDEX time_entries_invoice ON time_entries (invoice_id) WHERE invoice_id IS NOT NULL;

-- The running timer: one per person at most (the primary key), wherever
-- it was started.
CREATE TABLE timers (
	user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	task_id    TEXT REFERENCES tasks(id) ON DELETE SET NULL,
	note       TEXT NOT NULL DEFAULT '',
	billable   INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
	started_at INTEGER NOT NULL
);

-- Private calendar feeds (ICS): a person's own due dates, or (scope
-- 'agency', owners and admins) every due date. The address holds a secret
-- token stored as its SHA-256; one live feed per person and scope, revoked
-- when a new one is made or it is turned off.
CREATE TABLE calendar_feeds (
	token_hash   TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	scope        TEXT NOT NULL CHECK (scope IN ('person', 'agency')),
	created_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	last_used_at INTEGER
);
CREATE UNIQUE INDEX calendar_feeds_live ON calendar_feeds (user_id, scope) WHERE revoked_at IS NULL;

-- migration: 13 overpayments
-- Money received through Paysera for an invoice that no longer took it
-- (paid another way meanwhile, or voided): kept to refund or credit, shown
-- to staff on the invoice, one row per provider payment (order_id).
CREATE TABLE overpayments (
	id          TEXT PRIMARY KEY,
	invoice_id  TEXT NOT NULL REFERENCES invoices(id),
	order_id    TEXT NOT NULL UNIQUE,
	amount      INTEGER NOT NULL CHECK (amount > 0),
	currency    TEXT NOT NULL,
	method      TEXT NOT NULL DEFAULT 'paysera',
	request_id  TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	settled_at  INTEGER,
	settled_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX overpayments_invoice ON overpayments (invoice_id, created_at);

-- migration: 14 document_active_content
-- What a PDF carries that a viewer may run or open on its own (JavaScript,
-- launch actions, embedded files; files.ActiveContent's words, "" for
-- none): such a document is stored but only ever downloaded, never shown
-- inline, and staff are warned. Documents stored before this read as "".
ALTER TABLE documents ADD COLUMN active TEXT NOT NULL DEFAULT '';

-- migration: 15 document_active_unscanned
-- PDFs stored before uploads were checked for active content are checked
-- when first asked for inline (handlers.sendDocument, files.ScanPDF); until
-- then they are marked so, never read as safe.
UPDATE documents SET active = 'unscanned' WHERE content_type = 'application/pdf' AND active = '';

-- migration: 16 requests_and_messages
-- Requests: a case a client contact opened from the portal has origin
-- 'client' (a case staff made, 'staff') and the request type chosen, if any.
ALTER TABLE cases ADD COLUMN origin TEXT NOT NULL DEFAULT 'staff' CHECK (origin IN ('staff', 'client'));
ALTER TABLE cases ADD COLUMN request_type_id TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_requests ON cases (created_by, created_at) WHERE origin = 'client';
-- The kinds of request the agency's owners and admins offer in the portal,
-- each with its extra fields and whom a new one is assigned to.
CREATE TABLE request_types (
	id                  TEXT PRIMARY KEY,
	name                TEXT NOT NULL,
	default_assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,
	position            INTEGER NOT NULL,
	archived_at         INTEGER,
	created_at          INTEGER NOT NULL
);
CREATE TABLE request_type_fields (
	id       TEXT PRIMARY KEY,
	type_id  TEXT NOT NULL REFERENCES request_types(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	label    TEXT NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('text', 'long_text', 'choice', 'date', 'file')),
	required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
	choices  TEXT NOT NULL DEFAULT '' -- for a choice: one option a line
);
CREATE INDEX request_type_fields_type ON request_type_fields (type_id, position);
-- A request's answers to its type's extra fields, with the field's label
-- and kind as they were when the client sent it (a file: its document).
CREATE TABLE case_request_values (
	case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL,
	kind        TEXT NOT NULL,
	value       TEXT NOT NULL DEFAULT '',
	document_id TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, position)
) WITHOUT ROWID;
-- Messages between the agency and the client are the client-visible notes
-- and every note a client contact wrote (from_client). A client's message
-- is never edited by staff; staff may hide one from the client with a
-- reason (hidden_at: it is then no longer visible_to_client).
ALTER TABLE notes ADD COLUMN from_client INTEGER NOT NULL DEFAULT 0 CHECK (from_client IN (0, 1));
ALTER TABLE notes ADD COLUMN hidden_at INTEGER;
ALTER TABLE notes ADD COLUMN hidden_by TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
UPDATE notes SET from_client = 1 WHERE author_id IN (SELECT id FROM users WHERE role = 'client');
CREATE INDEX notes_from_client ON notes (created_at) WHERE from_client = 1;
-- Who has seen which message: "seen" once someone of the other side has,
-- "unread" for a person until they have.
CREATE TABLE message_reads (
	note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	seen_at INTEGER NOT NULL,
	PRIMARY KEY (note_id, user_id)
) WITHOUT ROWID;
-- What was seen before: a contact saw the messages up to their case_reads
-- event, a staff member the client's messages up to their read_at.
INSERT INTO message_reads (note_id, user_id, seen_at)
	SELECT n.id, r.user_id, n.created_at FROM notes n JOIN case_reads r ON r.case_id = n.case_id JOIN users u ON u.id = r.user_id
	WHERE (u.role = 'client' AND n.from_client = 0 AND n.visible_to_client = 1
			AND r.last_event_id >= (SELECT MIN(e.id) FROM case_events e WHERE e.note_id = n.id))
		OR (u.role <> 'client' AND n.from_client = 1 AND r.read_at >= n.created_at);
-- A document sent with a message (its attachment).
ALTER TABLE documents ADD COLUMN note_id TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_note ON documents (note_id) WHERE note_id <> '';

-- migration: 17 document_requests
-- Documents staff ask the client for on a case: a checklist the client
-- sends files against (status asked → sent → accepted, or returned with a
-- reason and sent again), and the reminder steps already emailed for each
-- (one row per step: the reminders job is idempotent).
CREATE TABLE document_requests (
	id            TEXT PRIMARY KEY,
	case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	due_date      TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'sent', 'accepted', 'returned')),
	reason        TEXT NOT NULL DEFAULT '',
	document_id   TEXT NOT NULL DEFAULT '',
	asked_by_id   TEXT NOT NULL DEFAULT '',
	asked_by_name TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX document_requests_case ON document_requests (case_id, created_at);
CREATE INDEX document_requests_due ON document_requests (due_date) WHERE status IN ('asked', 'returned') AND due_date <> '';
CREATE TABLE document_request_reminders (
	request_id TEXT NOT NULL REFERENCES document_requests(id) ON DELETE CASCADE,
	step       TEXT NOT NULL CHECK (step IN ('before', 'after', 'late')),
	sent_at    INTEGER NOT NULL,
	PRIMARY KEY (request_id, step)
) WITHOUT ROWID;

-- migration: 18 overpayment_settlement
-- How an overpayment was settled once staff dealt with it: "refunded" (the
-- money went back) or "credited" (kept towards the client's next invoice);
-- "" while it is open (settled_at NULL).
ALTER TABLE overpayments ADD COLUMN settlement TEXT NOT NULL DEFAULT '' CHECK (settlement IN ('', 'refunded', 'credited'));

-- migration: 19 search_terms
-- The search index's words (one row per word: how many entries hold it), so
-- that a search can ask which indexed words start with what was typed: a
-- typed word that is the start of one indexed word only is searched as that
-- word, which FTS5 finds directly, instead of as a prefix longer than the
-- prefix indexes, which makes FTS5 merge the lists of every word with that
-- start (db/tenant/search.go, issue 25).
CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, row);

-- migration: 20 api_tokens
-- The agency's API tokens (issue 20): the secret is shown once and kept
-- only as its SHA-256 (the token is 32 random bytes, so a fast hash is
-- enough); scopes are "area:read" / "area:write" words separated by
-- spaces; the last use (time and address) is written at most once a
-- minute. A revoked or expired token stays listed.
CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	hint         TEXT NOT NULL,
	scopes       TEXT NOT NULL,
	created_by   TEXT NOT NULL REFERENCES users(id),
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER,
	revoked_at   INTEGER,
	last_used_at INTEGER,
	last_used_ip TEXT NOT NULL DEFAULT ''
);
-- The first answer to each POST with an Idempotency-Key, per token, so a
-- repeat gets the same answer and a different body under the same key is
-- refused; rows older than a day are dropped.
CREATE TABLE api_idempotency (
	token_id     TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	headers      TEXT NOT NULL DEFAULT '',
	body         BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);

-- migration: 21 quotes
-- Quotes (issue 18): a draft gets its number (QuotePattern, gapless per
-- year from the sequences table) when it is sent; a sent quote is never
-- edited: a revision is a new row with the same number and the next
-- version (previous_id the one it revises), and the earlier version stays
-- readable (superseded_at once the revision is sent). Totals are those of
-- the lines the client has chosen (every line not optional, and the
-- optional ones ticked); seller and buyer are snapshots taken at sending.
CREATE TABLE quotes (
	id             TEXT PRIMARY KEY,
	number         TEXT,
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
	previous_id    TEXT REFERENCES quotes(id),
	client_id      TEXT NOT NULL REFERENCES clients(id),
	case_id        TEXT REFERENCES cases(id) ON DELETE SET NULL,
	state          TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent', 'viewed', 'accepted', 'declined', 'expired', 'withdrawn')),
	currency       TEXT NOT NULL,
	valid_until    TEXT NOT NULL,
	terms          TEXT NOT NULL DEFAULT '',
	deposit_kind   TEXT NOT NULL DEFAULT 'none' CHECK (deposit_kind IN ('none', 'percent', 'amount')),
	deposit_value  INTEGER NOT NULL DEFAULT 0 CHECK (deposit_value >= 0),
	subtotal       INTEGER NOT NULL DEFAULT 0,
	vat_total      INTEGER NOT NULL DEFAULT 0,
	total          INTEGER NOT NULL DEFAULT 0,
	seller         TEXT NOT NULL DEFAULT '',
	buyer          TEXT NOT NULL DEFAULT '',
	issue_date     TEXT NOT NULL DEFAULT '',
	decline_reason TEXT NOT NULL DEFAULT '',
	sent_at        INTEGER,
	viewed_at      INTEGER,
	answered_at    INTEGER,
	withdrawn_at   INTEGER,
	superseded_at  INTEGER,
	created_by     TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX quotes_number_version ON quotes (number, version) WHERE number IS NOT NULL;
CREATE INDEX quotes_list ON quotes (created_at, id);
CREATE INDEX quotes_client ON quotes (client_id, created_at);
CREATE INDEX quotes_case ON quotes (case_id) WHERE case_id IS NOT NULL;
-- A quote's lines: as invoice lines, plus a discount in basis points of
-- the line's net (1000 = 10 %), and whether the line is optional (the
-- client may tick it) and chosen (counted in the totals).
CREATE TABLE quote_lines (
	quote_id       TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	description    TEXT NOT NULL,
	quantity_milli INTEGER NOT NULL,
	unit_price     INTEGER NOT NULL,
	vat_rate_bp    INTEGER NOT NULL,
	discount_bp    INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
	optional       INTEGER NOT NULL DEFAULT 0 CHECK (optional IN (0, 1)),
	chosen         INTEGER NOT NULL DEFAULT 1 CHECK (chosen IN (0, 1)),
	PRIMARY KEY (quote_id, position)
) WITHOUT ROWID;
-- The client's acceptance of one version: who typed their name, when,
-- from where, and the SHA-256 of the document accepted (the version's
-- canonical text: tenant.QuoteDocument). One per quote version.
CREATE TABLE quote_acceptances (
	quote_id        TEXT PRIMARY KEY REFERENCES quotes(id),
	signer_name     TEXT NOT NULL,
	signer_user_id  TEXT NOT NULL,
	signer_email    TEXT NOT NULL DEFAULT '',
	accepted_at     INTEGER NOT NULL,
	ip              TEXT NOT NULL DEFAULT '',
	user_agent      TEXT NOT NULL DEFAULT '',
	document_sha256 TEXT NOT NULL,
	total           INTEGER NOT NULL
) WITHOUT ROWID;
-- A quote's history: created, sent, viewed, revised, accepted, declined,
-- withdrawn, with who did it.
CREATE TABLE quote_events (
	id         INTEGER PRIMARY KEY,
	quote_id   TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	actor_name TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quote_events_quote ON quote_events (quote_id, id);

-- migration: 22 locale
-- Languages and time zones (issue 19). The agency's time zone (an IANA
-- name) and default language (i18n: en, lt, de) are settings rows; an
-- agency that has not chosen is UTC and English. Each person may choose
-- their own language (account page) and each client one for what is sent
-- to it; '' is the agency's default.
INSERT OR IGNORE INTO settings (key, value) VALUES ('time_zone', 'UTC'), ('language', 'en');
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- migration: 23 quote_signing
-- Quotes, continued (issue 18): a discount on the total (basis points of
-- the chosen lines' net after their own discounts, taken per VAT rate);
-- when the expiry job marked a quote expired; the questions asked on a
-- quote and their answers (a thread between the client's contacts and
-- the agency); and the reminders sent before a quote's validity date, one
-- row per quote and step (days before), so that a job run twice sends
-- each reminder once.
ALTER TABLE quotes ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
ALTER TABLE quotes ADD COLUMN expired_at INTEGER;
CREATE TABLE quote_messages (
	id          TEXT PRIMARY KEY,
	quote_id    TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
	author_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
	author_name TEXT NOT NULL,
	from_client INTEGER NOT NULL CHECK (from_client IN (0, 1)),
	body        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX quote_messages_quote ON quote_messages (quote_id, created_at);
CREATE TABLE quote_reminders (
	quote_id    TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
	days_before INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL,
	PRIMARY KEY (quote_id, days_before)
) WITHOUT ROWID;
CREATE INDEX quotes_open_validity ON quotes (valid_until) WHERE state IN ('sent', 'viewed');
-- The signed record of an accepted quote: the PDF the server rendered at
-- acceptance (the version as accepted, the signature, the signer's name,
-- email, time, address and browser, and a last page with the audit trail
-- and body_sha256, the SHA-256 of the document's canonical text), frozen
-- here with its own SHA-256, by which the public verify page recognises
-- an uploaded copy. One per accepted quote version.
CREATE TABLE signed_documents (
	id          TEXT PRIMARY KEY,
	quote_id    TEXT NOT NULL UNIQUE REFERENCES quotes(id),
	label       TEXT NOT NULL,
	signed_at   INTEGER NOT NULL,
	body_sha256 TEXT NOT NULL,
	sha256      TEXT NOT NULL UNIQUE,
	size        INTEGER NOT NULL CHECK (size > 0),
	pdf         BLOB NOT NULL
);

-- migration: 24 tax_and_catalogue
-- Tax presets (issue 22): named VAT treatments an invoice line may take
-- ("LT 21 %", "reverse charge", "exempt"), each with its rate in basis
-- points and the legal note printed on an invoice that uses it. An
-- archived preset is no longer offered; invoices that used it keep their
-- own copy of rate and note. The agency's default VAT rate is a settings
-- row (basis points), 21 % until an admin chooses.
CREATE TABLE tax_presets (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
	vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
	note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
	created_at  INTEGER NOT NULL,
	archived_at INTEGER
);
INSERT OR IGNORE INTO settings (key, value) VALUES ('default_vat_bp', '2100');

-- migration: 25 api_webhooks
-- Webhooks (issue 20 point 4): an agency's endpoints (HTTPS address, the
-- events chosen, the signing secret, failures in a row) and the deliveries
-- queued in the same transaction as the audit entry of the change that
-- caused them, so a rolled-back change sends nothing and a crash loses none.
CREATE TABLE webhook_endpoints (
	id          TEXT PRIMARY KEY,
	url         TEXT NOT NULL,
	events      TEXT NOT NULL,          -- space-separated event types
	secret      TEXT NOT NULL,          -- whsec_… (base64 key)
	enabled     INTEGER NOT NULL DEFAULT 1,
	failures    INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
	id            TEXT PRIMARY KEY,     -- the webhook-id header
	endpoint_id   TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
	event         TEXT NOT NULL,
	payload       TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	next_at       INTEGER NOT NULL,     -- when the worker may try (again)
	attempts      INTEGER NOT NULL DEFAULT 0,
	state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
	response_code INTEGER NOT NULL DEFAULT 0,
	last_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);

-- migration: 26 inbound_mail
-- Replies by email (issue 17). Each notification a person can answer
-- carries a reply address with a token naming the agency, a case and that
-- person; the token is 32 random bytes kept only as its SHA-256, and ends
-- (expires_at) or is revoked. Rows go with their case or person.
CREATE TABLE reply_tokens (
	id         TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX reply_tokens_user ON reply_tokens (user_id);
CREATE INDEX reply_tokens_case ON reply_tokens (case_id);
-- Each inbound message taken, by the SHA-256 of its Message-ID, so a
-- replay of the same mail is stored once.
CREATE TABLE inbound_mail (
	message_id_hash TEXT PRIMARY KEY,
	case_id         TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	received_at     INTEGER NOT NULL
);

-- migration: 27 quote_signatures
-- Signing a quote, continued (issue 18 points 3 and 5). Acceptance needs a
-- six-digit code emailed to the signer: each code is kept only as the
-- SHA-256 of its id, quote and digits, belongs to one contact and one quote
-- version, ends at expires_at, is used once (used_at), and dies after a few
-- wrong tries (failures); the rows also count the codes asked for, which
-- rate-limits asking (per contact and per quote).
CREATE TABLE quote_codes (
	id         TEXT PRIMARY KEY,
	quote_id   TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT NOT NULL,
	code_hash  TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER,
	failures   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quote_codes_quote ON quote_codes (quote_id, created_at);
CREATE INDEX quote_codes_user ON quote_codes (user_id, created_at);
-- The signature itself: drawn (a PNG the server checked) or typed (the
-- name, rendered by the server); the signed PDF shows it.
ALTER TABLE quote_acceptances ADD COLUMN signature_kind TEXT NOT NULL DEFAULT 'typed' CHECK (signature_kind IN ('typed', 'drawn'));
ALTER TABLE quote_acceptances ADD COLUMN signature_png BLOB;
-- What acceptance starts, chosen per quote by staff: issue the deposit
-- invoice (when the quote has a deposit), and open a case (the quote has
-- none) or move the quote's case, to start_case_status ('' = neither).
-- What it started is recorded on the quote (deposit_invoice_id,
-- started_case_id), inside the acceptance's transaction, so each happens
-- once however many times the client submits.
ALTER TABLE quotes ADD COLUMN start_deposit INTEGER NOT NULL DEFAULT 0 CHECK (start_deposit IN (0, 1));
ALTER TABLE quotes ADD COLUMN start_case_status TEXT NOT NULL DEFAULT '' CHECK (start_case_status IN ('', 'new', 'in_progress', 'waiting', 'resolved', 'closed'));
ALTER TABLE quotes ADD COLUMN deposit_invoice_id TEXT REFERENCES invoices(id) ON DELETE SET NULL;
ALTER TABLE quotes ADD COLUMN started_case_id TEXT REFERENCES cases(id) ON DELETE SET NULL;

-- migration: 28 webhook_settings
-- Settings › Webhooks (issue 20): an endpoint's description, and the
-- secret it had before its last rotation, which still signs deliveries
-- (a second signature in webhook-signature) until previous_secret_until,
-- so a receiver can change secrets without losing a delivery.
ALTER TABLE webhook_endpoints ADD COLUMN description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 200);
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until INTEGER NOT NULL DEFAULT 0;
-- migration: 29 unused
-- Number 29 was reserved for issue 17 (inbound mail), whose schema came
-- with migration 26; it is kept empty so that the numbers stay
-- consecutive, as db.ParseMigrations requires.
SELECT 1;

-- migration: 30 lines_tax_discounts_catalogue
-- Invoice lines (issue 22): the tax preset a line's rate came from and a
-- copy of the legal note it carried when the line was saved (an archived
-- or changed preset leaves the invoice as it was); a line's own discount
-- and a discount on the invoice's total, in basis points, as quotes have
-- them (billing.Discounted is the one rule). Recurring templates carry the
-- same, so the invoices they make do too.
ALTER TABLE invoice_lines ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
ALTER TABLE invoice_lines ADD COLUMN tax_preset_id TEXT;
ALTER TABLE invoice_lines ADD COLUMN tax_note TEXT NOT NULL DEFAULT '';
ALTER TABLE recurring_lines ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
ALTER TABLE recurring_lines ADD COLUMN tax_preset_id TEXT;
ALTER TABLE recurring_lines ADD COLUMN tax_note TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
ALTER TABLE recurring_invoices ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
-- The agency's catalogue of items to pick invoice and quote lines from:
-- a name, a description for the line, a unit price in minor units and
-- optionally the tax preset the line takes. Archived items are no longer
-- offered; lines made from them keep their own copy.
CREATE TABLE catalogue_items (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description   TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 500),
	unit_price    INTEGER NOT NULL CHECK (unit_price BETWEEN 0 AND 1000000000),
	tax_preset_id TEXT REFERENCES tax_presets(id),
	created_at    INTEGER NOT NULL,
	archived_at   INTEGER
);

-- migration: 31 messages_by_email
-- Replies by email (issue 17), continued: a message added from a reply by
-- email says so (via_email, shown on both sides of the thread as "by
-- email"), with what the listener found of the email's authentication:
-- the DKIM result and the domain whose signature it is (a failed
-- signature is refused, so never stored), and the SPF result for the
-- connecting address and the envelope sender's domain ('' on messages
-- written on the page).
ALTER TABLE notes ADD COLUMN via_email INTEGER NOT NULL DEFAULT 0 CHECK (via_email IN (0, 1));
ALTER TABLE notes ADD COLUMN dkim_result TEXT NOT NULL DEFAULT '' CHECK (dkim_result IN ('', 'none', 'pass', 'temperror', 'permerror'));
ALTER TABLE notes ADD COLUMN dkim_domain TEXT NOT NULL DEFAULT '' CHECK (length(dkim_domain) <= 253);
ALTER TABLE notes ADD COLUMN spf_result TEXT NOT NULL DEFAULT '' CHECK (spf_result IN ('', 'none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'));

-- migration: 32 quote_recurring_start
-- What acceptance starts, continued (issue 18 point 5): a quote line may be
-- recurring (billed again on a schedule after acceptance), and staff may
-- choose that acceptance creates a recurring invoice of the chosen
-- recurring lines at start_recurring's frequency ('' = none); the schedule
-- it made is recorded on the quote (started_recurring_id), inside the
-- acceptance's transaction, like the deposit invoice and the case.
ALTER TABLE quote_lines ADD COLUMN recurring INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1));
ALTER TABLE quotes ADD COLUMN start_recurring TEXT NOT NULL DEFAULT '' CHECK (start_recurring IN ('', 'weekly', 'monthly', 'quarterly', 'yearly'));
ALTER TABLE quotes ADD COLUMN started_recurring_id TEXT REFERENCES recurring_invoices(id) ON DELETE SET NULL;

-- migration: 33 quote_replies
-- Replies by email on a quote's thread (issue 17): the emails of a
-- quote's questions and answers answer to reply+<token>@<inbound domain>
-- too, so a reply token names a case or a quote (exactly one), and an
-- inbound mail taken is recorded against the one it was added to. SQLite
-- cannot drop a NOT NULL, so both tables are rebuilt (nothing refers to
-- them). A quote message that came by email says so, like a case's.
CREATE TABLE reply_tokens_v33 (
	id         TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	case_id    TEXT REFERENCES cases(id) ON DELETE CASCADE,
	quote_id   TEXT REFERENCES quotes(id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER,
	CHECK ((case_id IS NULL) <> (quote_id IS NULL))
);
INSERT INTO reply_tokens_v33 (id, token_hash, case_id, user_id, created_at, expires_at, revoked_at)
	SELECT id, token_hash, case_id, user_id, created_at, expires_at, revoked_at FROM reply_tokens;
DROP TABLE reply_tokens;
ALTER TABLE reply_tokens_v33 RENAME TO reply_tokens;
CREATE INDEX reply_tokens_user ON reply_tokens (user_id);
CREATE INDEX reply_tokens_case ON reply_tokens (case_id);
CREATE INDEX reply_tokens_quote ON reply_tokens (quote_id);
CREATE TABLE inbound_mail_v33 (
	message_id_hash TEXT PRIMARY KEY,
	case_id         TEXT REFERENCES cases(id) ON DELETE CASCADE,
	quote_id        TEXT REFERENCES quotes(id) ON DELETE CASCADE,
	user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	received_at     INTEGER NOT NULL,
	CHECK ((case_id IS NULL) <> (quote_id IS NULL))
);
INSERT INTO inbound_mail_v33 (message_id_hash, case_id, user_id, received_at)
	SELECT message_id_hash, case_id, user_id, received_at FROM inbound_mail;
DROP TABLE inbound_mail;
ALTER TABLE inbound_mail_v33 RENAME TO inbound_mail;
ALTER TABLE quote_messages ADD COLUMN via_email INTEGER NOT NULL DEFAULT 0 CHECK (via_email IN (0, 1));

-- migration: 34 webhook_disabled_notice
-- The email telling an agency's admins that an endpoint was disabled
-- (issue 20): when it could not be queued, why (notice_error, shown on the
-- endpoint's page) and what it is to say (the last attempt's status and
-- error), so the webhooks-deliver job tries it again at each run until it
-- is queued; '' when it was, or none is due. Resuming clears it.
ALTER TABLE webhook_endpoints ADD COLUMN notice_error TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN notice_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN notice_detail TEXT NOT NULL DEFAULT '';

-- migration: 35 quote_lines_tax
-- Quote lines take tax presets as invoice lines do (issue 22): the preset a
-- line's rate came from and a copy of the legal note it carried when the
-- draft was saved (tenant.resolveTaxPresets), so an archived or changed
-- preset leaves the quote as it was.
ALTER TABLE quote_lines ADD COLUMN tax_preset_id TEXT;
ALTER TABLE quote_lines ADD COLUMN tax_note TEXT NOT NULL DEFAULT '';

-- migration: 36 webhook_endpoint_version
-- A webhook endpoint's version (issue 20): raised by the trigger whenever
-- what a person or the API reads of it changes (address, description,
-- events, secret, state, failures), so an edit made from an older read is
-- refused (tenant.UpdateWebhookEndpoint) instead of writing over it.
ALTER TABLE webhook_endpoints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER webhook_endpoints_version AFTER UPDATE OF url, description, events, secret, enabled, failures ON webhook_endpoints
WHEN OLD.url IS NOT NEW.url OR OLD.description IS NOT NEW.description OR OLD.events IS NOT NEW.events
	OR OLD.secret IS NOT NEW.secret OR OLD.enabled IS NOT NEW.enabled OR OLD.failures IS NOT NEW.failures
BEGIN
	UPDATE webhook_endpoints SET version = version + 1 WHERE id = NEW.id;
END;

-- migration: 37 webhook_notice_sent
-- The owners and admins (user ids, space-separated) a disabled endpoint's
-- email has reached so far (issue 20): a retry after a partial first try
-- goes only to the others. Emptied when the endpoint is disabled anew or
-- resumed.
ALTER TABLE webhook_endpoints ADD COLUMN notice_sent TEXT NOT NULL DEFAULT '';

-- migration: 38 agreements
-- Agreements without a quote (issue 18 point 4): owners and admins keep
-- templates (a title and a body with {fields}); staff write an agreement
-- for a client (optionally a case) from one, its fields filled (body is
-- the text as filled, fields the values typed, as JSON), and send it; the
-- client's contacts named as signers sign in their order (position), each
-- with the same signature, emailed code and audit trail as a quote; the
-- last signature completes it and seals the signed PDF. The codes are
-- those of quotes (tenant.signingCodes) in a table of their own.
CREATE TABLE agreement_templates (
	id          TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE TABLE agreements (
	id              TEXT PRIMARY KEY,
	template_id     TEXT REFERENCES agreement_templates(id) ON DELETE SET NULL,
	client_id       TEXT NOT NULL REFERENCES clients(id),
	case_id         TEXT REFERENCES cases(id) ON DELETE SET NULL,
	title           TEXT NOT NULL,
	body            TEXT NOT NULL,
	fields          TEXT NOT NULL DEFAULT '{}',
	state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent', 'completed')),
	document_sha256 TEXT NOT NULL DEFAULT '',
	sent_at         INTEGER,
	completed_at    INTEGER,
	created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX agreements_client ON agreements (client_id, created_at);
CREATE INDEX agreements_case ON agreements (case_id) WHERE case_id IS NOT NULL;
CREATE TABLE agreement_signers (
	agreement_id   TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	user_id        TEXT NOT NULL,
	name           TEXT NOT NULL,
	email          TEXT NOT NULL,
	signed_at      INTEGER,
	signer_name    TEXT NOT NULL DEFAULT '',
	ip             TEXT NOT NULL DEFAULT '',
	user_agent     TEXT NOT NULL DEFAULT '',
	signature_kind TEXT NOT NULL DEFAULT 'typed' CHECK (signature_kind IN ('typed', 'drawn')),
	signature_png  BLOB,
	PRIMARY KEY (agreement_id, position),
	UNIQUE (agreement_id, user_id)
) WITHOUT ROWID;
CREATE TABLE agreement_events (
	id           INTEGER PRIMARY KEY,
	agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
	at           INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	actor_name   TEXT NOT NULL DEFAULT '',
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agreement_events_agreement ON agreement_events (agreement_id, id);
CREATE TABLE agreement_codes (
	id           TEXT PRIMARY KEY,
	agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email        TEXT NOT NULL,
	code_hash    TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	used_at      INTEGER
);
CREATE INDEX agreement_codes_agreement ON agreement_codes (agreement_id, created_at);
CREATE INDEX agreement_codes_user ON agreement_codes (user_id, created_at);
-- A signed document is a quote's or an agreement's (exactly one of the
-- two): the table is rebuilt, as SQLite changes a column's NOT NULL only
-- so, with what it held.
CREATE TABLE signed_documents_new (
	id           TEXT PRIMARY KEY,
	quote_id     TEXT UNIQUE REFERENCES quotes(id),
	agreement_id TEXT UNIQUE REFERENCES agreements(id),
	label        TEXT NOT NULL,
	signed_at    INTEGER NOT NULL,
	body_sha256  TEXT NOT NULL,
	sha256       TEXT NOT NULL UNIQUE,
	size         INTEGER NOT NULL CHECK (size > 0),
	pdf          BLOB NOT NULL,
	CHECK ((quote_id IS NULL) <> (agreement_id IS NULL))
);
INSERT INTO signed_documents_new (id, quote_id, label, signed_at, body_sha256, sha256, size, pdf)
	SELECT id, quote_id, label, signed_at, body_sha256, sha256, size, pdf FROM signed_documents;
DROP TABLE signed_documents;
ALTER TABLE signed_documents_new RENAME TO signed_documents;

-- migration: 39 quote_documents
-- Files sent with a reply by email on a quote's thread (issue 17): a
-- document belongs to a case or to a quote (exactly one), and on a quote to
-- the message it came with (quote_message_id), shown under it on both
-- sides of the thread. SQLite drops a NOT NULL only by rebuilding the
-- table, so documents is rebuilt with what it held, its indexes and the
-- search index's triggers (nothing refers to documents by a foreign key).
CREATE TABLE documents_v39 (
	id               TEXT PRIMARY KEY,
	case_id          TEXT REFERENCES cases(id) ON DELETE CASCADE,
	name             TEXT NOT NULL,
	content_type     TEXT NOT NULL,
	size             INTEGER NOT NULL CHECK (size > 0),
	sha256           TEXT NOT NULL,
	storage_key      TEXT NOT NULL UNIQUE,
	thumb_key        TEXT NOT NULL DEFAULT '',
	width            INTEGER NOT NULL DEFAULT 0,
	height           INTEGER NOT NULL DEFAULT 0,
	pages            INTEGER NOT NULL DEFAULT 0,
	shared           INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
	uploader_id      TEXT NOT NULL DEFAULT '',
	uploader_name    TEXT NOT NULL DEFAULT '',
	from_client      INTEGER NOT NULL DEFAULT 0 CHECK (from_client IN (0, 1)),
	created_at       INTEGER NOT NULL,
	deleted_at       INTEGER,
	deleted_by       TEXT NOT NULL DEFAULT '',
	active           TEXT NOT NULL DEFAULT '',
	note_id          TEXT NOT NULL DEFAULT '',
	quote_id         TEXT REFERENCES quotes(id) ON DELETE CASCADE,
	quote_message_id TEXT NOT NULL DEFAULT '',
	CHECK ((case_id IS NULL) <> (quote_id IS NULL))
);
INSERT INTO documents_v39 (id, case_id, name, content_type, size, sha256, storage_key, thumb_key, width, height, pages, shared,
		uploader_id, uploader_name, from_client, created_at, deleted_at, deleted_by, active, note_id)
	SELECT id, case_id, name, content_type, size, sha256, storage_key, thumb_key, width, height, pages, shared,
		uploader_id, uploader_name, from_client, created_at, deleted_at, deleted_by, active, note_id FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v39 RENAME TO documents;
CREATE INDEX documents_case ON documents (case_id, created_at);
CREATE INDEX documents_trash ON documents (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX documents_note ON documents (note_id) WHERE note_id <> '';
CREATE INDEX documents_quote ON documents (quote_id, created_at) WHERE quote_id IS NOT NULL;
CREATE TRIGGER documents_search_insert AFTER INSERT ON documents WHEN new.deleted_at IS NULL BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('document', new.id, new.name, '');
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('document', new.id, last_insert_rowid());
END;
CREATE TRIGGER documents_search_trash AFTER UPDATE OF deleted_at ON documents WHEN new.deleted_at IS NOT NULL AND old.deleted_at IS NULL BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'document' AND ref_id = old.id;
END;
CREATE TRIGGER documents_search_restore AFTER UPDATE OF deleted_at ON documents WHEN new.deleted_at IS NULL AND old.deleted_at IS NOT NULL BEGIN
	INSERT INTO search_index (kind, ref_id, title, body) VALUES ('document', new.id, new.name, '');
	INSERT INTO search_rows (kind, ref_id, rowid_) VALUES ('document', new.id, last_insert_rowid());
END;
CREATE TRIGGER documents_search_rename AFTER UPDATE OF name ON documents WHEN new.deleted_at IS NULL BEGIN
	UPDATE search_index SET title = new.name
		WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = new.id);
END;
CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
	DELETE FROM search_index WHERE rowid = (SELECT rowid_ FROM search_rows WHERE kind = 'document' AND ref_id = old.id);
	DELETE FROM search_rows WHERE kind = 'document' AND ref_id = old.id;
END;

-- migration: 40 record_versions
-- A version counter on clients, cases and invoices (issue 20), raised by a
-- trigger at every update of the row, as webhook endpoints' (36): two
-- writes within one second are two versions, which updated_at (Unix
-- seconds) could not tell apart. An edit form or an API write names the
-- version it read and is refused once it changed (UpdateClient,
-- UpdateCase, UpdateDraft). The triggers' own update changes only the
-- version, which none of the search triggers watches.
ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE invoices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER clients_version AFTER UPDATE ON clients WHEN NEW.version = OLD.version
BEGIN
	UPDATE clients SET version = version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER cases_version AFTER UPDATE ON cases WHEN NEW.version = OLD.version
BEGIN
	UPDATE cases SET version = version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER invoices_version AFTER UPDATE ON invoices WHEN NEW.version = OLD.version
BEGIN
	UPDATE invoices SET version = version + 1 WHERE id = NEW.id;
END;
