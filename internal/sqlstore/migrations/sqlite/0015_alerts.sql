-- Who is told what, and when: each user's choice of alerts, each
-- organisation's alert settings, and what the alert jobs have done, so that
-- a rerun of a job's slot sends nothing twice. The conventions of
-- 0001_init.sql hold here too.

-- A user's choices; a user with no row has every alert on.
CREATE TABLE alert_preferences (
	user_id        INTEGER PRIMARY KEY REFERENCES users (id),
	immediate      INTEGER NOT NULL,
	digest         INTEGER NOT NULL,
	escalations    INTEGER NOT NULL,
	filter_alerts  INTEGER NOT NULL,
	overdue_digest INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);

-- An organisation's settings; one with no row has the defaults
-- (lifeguard.DefaultAlertSettings). escalation_list is user ids, in order,
-- comma-separated.
CREATE TABLE alert_settings (
	organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
	digest_at       TEXT    NOT NULL,
	zone            TEXT    NOT NULL,
	escalate_after  INTEGER NOT NULL, -- minutes
	escalation_list TEXT    NOT NULL,
	updated_by      INTEGER REFERENCES users (id),
	updated_at      INTEGER NOT NULL
);

-- One row per digest an organisation was sent (or had nothing for): kind
-- is 'digest' or 'overdue', slot the digest time it was for, concern_ids
-- the concerns it tells of (comma-separated, at most 200; concerns counts
-- them all). The unique key makes a digest go once, however often the job
-- runs. Its emails are outbox rows whose record_id is this id.
CREATE TABLE alert_digests (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('digest', 'overdue')),
	slot            INTEGER NOT NULL,
	concerns        INTEGER NOT NULL,
	concern_ids     TEXT    NOT NULL,
	messages        INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	UNIQUE (organisation_id, kind, slot)
);

-- When the escalation list was told of an immediate concern that no DSL
-- or deputy had opened in time (first_opened_at, 0012).
ALTER TABLE concerns ADD COLUMN escalated_at INTEGER;
-- Concerns an escalation may still be due for, for the job.
CREATE INDEX concerns_unescalated ON concerns (created_at)
	WHERE escalated_at IS NULL AND first_opened_at IS NULL AND status <> 'closed';
-- An organisation's concerns by when they were recorded, for its digest.
CREATE INDEX concerns_created ON concerns (organisation_id, created_at);
