-- The DNS filter's records: each organisation's filter policy, the blocked
-- attempts its filter sends, the alerts the server raises from them, review
-- requests, and the worries that became concerns. The conventions of
-- 0001_init.sql hold here too. ref is the UUID the filter gave a record,
-- unique within the organisation, so that a resent record is recognised.
-- (This migration's number is the branch's; the lead numbers it at merge.)

-- One policy document per organisation, JSON text; etag changes with it.
CREATE TABLE filter_policies (
	organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
	document        TEXT    NOT NULL,
	etag            TEXT    NOT NULL,
	updated_by      INTEGER REFERENCES users (id),
	updated_at      INTEGER NOT NULL
);

-- Blocked attempts, kept for the retention period (PruneFilterEvents).
-- grp is the client's group in the policy ('' for the default group).
CREATE TABLE filter_events (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	ref             TEXT    NOT NULL,
	at              INTEGER NOT NULL,
	client          TEXT    NOT NULL,
	grp             TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	category        TEXT    NOT NULL,
	received_at     INTEGER NOT NULL,
	UNIQUE (organisation_id, ref)
);
-- Retention deletes by time.
CREATE INDEX filter_events_at ON filter_events (at);

-- One alert per organisation, device, category and clock hour (hour is the
-- hour's first microsecond); attempts are grouped into it. names is a JSON
-- array of the first distinct names. status is 'open' or 'closed'.
CREATE TABLE filter_alerts (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	client          TEXT    NOT NULL,
	grp             TEXT    NOT NULL,
	category        TEXT    NOT NULL,
	hour            INTEGER NOT NULL,
	first_at        INTEGER NOT NULL,
	last_at         INTEGER NOT NULL,
	attempts        INTEGER NOT NULL,
	names           TEXT    NOT NULL,
	status          TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
	closed_by       INTEGER REFERENCES users (id),
	closed_at       INTEGER,
	concern_id      INTEGER REFERENCES concerns (id),
	created_at      INTEGER NOT NULL,
	UNIQUE (organisation_id, client, category, hour)
);
-- The DSL's list: an organisation's alerts of a status, newest first.
CREATE INDEX filter_alerts_list ON filter_alerts (organisation_id, status, last_at);

-- "This block is wrong" requests. status is 'open' or 'closed'.
CREATE TABLE filter_reviews (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	ref             TEXT    NOT NULL,
	at              INTEGER NOT NULL,
	client          TEXT    NOT NULL,
	grp             TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	category        TEXT    NOT NULL,
	comment         TEXT    NOT NULL,
	status          TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
	outcome         TEXT    NOT NULL DEFAULT '',
	closed_by       INTEGER REFERENCES users (id),
	closed_at       INTEGER,
	received_at     INTEGER NOT NULL,
	UNIQUE (organisation_id, ref)
);
CREATE INDEX filter_reviews_list ON filter_reviews (organisation_id, status, received_at);

-- Worries from the block page, each recorded as a concern; the child's
-- words are the concern's description, not repeated here.
CREATE TABLE filter_worries (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	ref             TEXT    NOT NULL,
	concern_id      INTEGER NOT NULL REFERENCES concerns (id),
	at              INTEGER NOT NULL,
	client          TEXT    NOT NULL,
	grp             TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	category        TEXT    NOT NULL,
	received_at     INTEGER NOT NULL,
	UNIQUE (organisation_id, ref)
);
CREATE UNIQUE INDEX filter_worries_concern ON filter_worries (concern_id);
