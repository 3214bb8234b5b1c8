-- Monitoring captures (monitor.go in the lifeguard package): what a
-- monitor sent that matched the organisation's phrase library, with the
-- text around the match only, never the whole of what was typed; the
-- organisation's monitoring settings; and its local exclusions ("ignore
-- this phrase on this site"). The conventions of 0001_init.sql hold here
-- too. ref is the UUID the monitor gave a capture, unique within the
-- organisation, so that a resent capture is recognised.

-- One row per capture that matched. context is the text around the
-- matches (bounded); matches is a JSON array of every match within it,
-- offsets in bytes of context. The primary match (the most severe, the
-- first of equals) is in its own columns, for ordering and counting.
-- verdict is '' until the DSL reviews it, then 'true' or 'false'.
-- delete_after is when the retention job deletes it: from the
-- organisation's settings at receipt, and again at review.
CREATE TABLE monitor_captures (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	ref             TEXT    NOT NULL,
	at              INTEGER NOT NULL,
	kind            TEXT    NOT NULL CHECK (kind IN ('search', 'typed')),
	site            TEXT    NOT NULL,
	url             TEXT    NOT NULL,
	device          TEXT    NOT NULL,
	user_label      TEXT    NOT NULL,
	context         TEXT    NOT NULL,
	matches         TEXT    NOT NULL,
	category        TEXT    NOT NULL,
	severity        INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
	entry_id        TEXT    NOT NULL,
	phrase          TEXT    NOT NULL,
	verdict         TEXT    NOT NULL DEFAULT '' CHECK (verdict IN ('', 'true', 'false')),
	note            TEXT    NOT NULL DEFAULT '',
	reviewed_by     INTEGER REFERENCES users (id),
	reviewed_at     INTEGER,
	concern_id      INTEGER REFERENCES concerns (id),
	delete_after    INTEGER NOT NULL,
	received_at     INTEGER NOT NULL,
	UNIQUE (organisation_id, ref)
);
-- The review queue: an organisation's captures by severity, then time.
CREATE INDEX monitor_captures_queue ON monitor_captures (organisation_id, severity, at);
-- Retention deletes by delete_after.
CREATE INDEX monitor_captures_delete ON monitor_captures (delete_after);

-- An organisation's monitoring settings; none means the defaults
-- (lifeguard.DefaultMonitorSettings). excluded_sites is a JSON array of
-- host names.
CREATE TABLE monitor_settings (
	organisation_id     INTEGER PRIMARY KEY REFERENCES organisations (id),
	excluded_sites      TEXT    NOT NULL,
	notice              TEXT    NOT NULL,
	retention_days      INTEGER NOT NULL,
	true_retention_days INTEGER NOT NULL,
	updated_by          INTEGER REFERENCES users (id),
	updated_at          INTEGER NOT NULL
);

-- "Ignore this phrase on this site": a match of entry_id on site (or a
-- subdomain of it) is dropped before a capture is stored.
CREATE TABLE monitor_exclusions (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	entry_id        TEXT    NOT NULL,
	phrase          TEXT    NOT NULL,
	site            TEXT    NOT NULL,
	created_by      INTEGER REFERENCES users (id),
	created_at      INTEGER NOT NULL,
	UNIQUE (organisation_id, entry_id, site)
);

-- Captures kept, counted by organisation, day (days since 1970-01-01, UTC)
-- and category when received: the board report's figures, which must
-- outlive the captures' short retention.
CREATE TABLE monitor_capture_counts (
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	day             INTEGER NOT NULL,
	category        TEXT    NOT NULL,
	n               INTEGER NOT NULL,
	PRIMARY KEY (organisation_id, day, category)
);

-- Captures below the alert severity wait for the daily digest, which
-- counts them.
ALTER TABLE alert_digests ADD COLUMN captures INTEGER NOT NULL DEFAULT 0;
