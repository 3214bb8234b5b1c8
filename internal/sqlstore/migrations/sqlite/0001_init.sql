-- The first schema of Lifeguard's store.
--
-- Conventions, kept the same in the PostgreSQL migrations:
--   * times are INTEGER Unix microseconds, UTC (BIGINT in PostgreSQL);
--   * calendar dates (a date of birth, an action's due date) are 'YYYY-MM-DD' text;
--   * booleans are INTEGER 0/1 here and BOOLEAN there; the Go code passes bools;
--   * facts, triage and lists of codes meant for display are JSON or
--     comma-separated codes in TEXT;
--   * a NULL actor column (decided_by, author_id, …) means Lifeguard itself,
--     the system actor, did it.

CREATE TABLE partnerships (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE organisations (
	id                INTEGER PRIMARY KEY,
	partnership_id    INTEGER NOT NULL REFERENCES partnerships (id),
	name              TEXT    NOT NULL,
	setting           TEXT    NOT NULL,
	provides_internet INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);
CREATE INDEX organisations_partnership ON organisations (partnership_id, id);

CREATE TABLE users (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	-- Stored lower-cased, so UNIQUE is unique whatever the case typed.
	email           TEXT    NOT NULL UNIQUE,
	name            TEXT    NOT NULL,
	role            TEXT    NOT NULL,
	password_hash   TEXT,
	totp_secret     TEXT,
	disabled        INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	last_sign_in_at INTEGER
);
CREATE INDEX users_organisation ON users (organisation_id, id);

CREATE TABLE sessions (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash    BLOB    NOT NULL UNIQUE,
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL,
	last_seen     INTEGER NOT NULL,
	second_factor INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT    NOT NULL,
	prefix       TEXT    NOT NULL,
	hash         BLOB    NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

CREATE TABLE login_failures (
	id  INTEGER PRIMARY KEY,
	key TEXT    NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE children (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	ref             TEXT    NOT NULL,
	date_of_birth   TEXT,
	age             INTEGER,
	age_as_of       TEXT,
	vulnerabilities TEXT    NOT NULL DEFAULT '[]', -- JSON array of codes
	created_at      INTEGER NOT NULL,
	UNIQUE (organisation_id, ref)
);

CREATE TABLE concerns (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	child_id        INTEGER REFERENCES children (id),
	reporter_id     INTEGER NOT NULL REFERENCES users (id),
	status          TEXT    NOT NULL,
	facts           TEXT    NOT NULL, -- JSON, lifeguard.Facts
	triage          TEXT    NOT NULL, -- JSON, lifeguard.Triage, as the reporter was shown it
	-- Comma-separated codes for lists, so a summary needs no JSON: concern
	-- types are catalogue codes and route codes match [A-Z][A-Z0-9_]*.
	types           TEXT    NOT NULL,
	routes          TEXT    NOT NULL,
	reported_at     INTEGER NOT NULL,
	-- The earliest deadline among the routes not yet decided; NULL when none.
	due             INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	closed_at       INTEGER,
	closed_by       INTEGER REFERENCES users (id),
	outcome         TEXT,
	outcome_summary TEXT
);
-- A DSL's inbox: one organisation's concerns of a status by deadline.
CREATE INDEX concerns_inbox ON concerns (organisation_id, status, due, id);
-- Newest-first lists of an organisation.
CREATE INDEX concerns_reported ON concerns (organisation_id, reported_at, id);
-- What a member of staff reported.
CREATE INDEX concerns_reporter ON concerns (reporter_id, reported_at, id);
-- A child's concerns, for the chronology and the child filter.
CREATE INDEX concerns_child ON concerns (child_id, reported_at);

-- One row per concern type, so that filtering by type uses an index.
CREATE TABLE concern_types (
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	type       TEXT    NOT NULL,
	PRIMARY KEY (concern_id, type)
);
CREATE INDEX concern_types_type ON concern_types (type, concern_id);

-- The facts and triage that UpdateFacts replaced, so that nothing a reporter
-- or a DSL was shown is lost.
CREATE TABLE concern_revisions (
	id         INTEGER PRIMARY KEY,
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	facts      TEXT    NOT NULL,
	triage     TEXT    NOT NULL,
	types      TEXT    NOT NULL,
	routes     TEXT    NOT NULL,
	changed_by INTEGER REFERENCES users (id),
	changed_at INTEGER NOT NULL
);
CREATE INDEX concern_revisions_concern ON concern_revisions (concern_id, changed_at);

CREATE TABLE decisions (
	id         INTEGER PRIMARY KEY,
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	route      TEXT    NOT NULL,
	decision   TEXT    NOT NULL,
	reason     TEXT    NOT NULL,
	reference  TEXT    NOT NULL,
	on_time    INTEGER, -- NULL when the route has no deadline
	decided_by INTEGER REFERENCES users (id),
	decided_at INTEGER NOT NULL
);
CREATE INDEX decisions_concern ON decisions (concern_id, decided_at);

CREATE TABLE actions (
	id         INTEGER PRIMARY KEY,
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	title      TEXT    NOT NULL,
	owner      TEXT    NOT NULL,
	due        TEXT    NOT NULL,
	done_at    INTEGER,
	done_by    INTEGER REFERENCES users (id),
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
);
CREATE INDEX actions_concern ON actions (concern_id, created_at);

CREATE TABLE evidence (
	id          INTEGER PRIMARY KEY,
	concern_id  INTEGER NOT NULL REFERENCES concerns (id),
	what        TEXT    NOT NULL,
	location    TEXT    NOT NULL,
	held_by     TEXT    NOT NULL,
	sha256      TEXT    NOT NULL,
	recorded_by INTEGER REFERENCES users (id),
	recorded_at INTEGER NOT NULL
);
CREATE INDEX evidence_concern ON evidence (concern_id, recorded_at);

CREATE TABLE notes (
	id         INTEGER PRIMARY KEY,
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	text       TEXT    NOT NULL,
	author_id  INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
);
CREATE INDEX notes_concern ON notes (concern_id, created_at);

-- The append-only journal of reads and writes of concerns and children.
-- seq is given by journal_head, never by the engine, so that a gap shows a
-- deleted row. No code updates or deletes these rows.
CREATE TABLE journal (
	seq             INTEGER PRIMARY KEY,
	at              INTEGER NOT NULL,
	user_id         INTEGER NOT NULL, -- 0 for the system actor
	role            TEXT    NOT NULL,
	organisation_id INTEGER NOT NULL,
	via             TEXT    NOT NULL,
	action          TEXT    NOT NULL,
	record          TEXT    NOT NULL,
	record_id       INTEGER NOT NULL,
	detail          TEXT    NOT NULL,
	prev_hash       TEXT    NOT NULL,
	hash            TEXT    NOT NULL
);
CREATE INDEX journal_record ON journal (record, record_id, seq);

-- The last entry of the journal. Every append reads and changes this one row
-- inside the writing transaction, which serialises appenders: one chain, even
-- when several servers share a PostgreSQL database.
CREATE TABLE journal_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT    NOT NULL
);
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, '');
