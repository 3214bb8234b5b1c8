-- Scheduled jobs that run once across servers, and the deadline reminders
-- one of them raises. The conventions of 0001_init.sql hold here too.

-- One row per slot of a job that some server has claimed. The primary key
-- is what makes a slot run once: a server claims it by inserting the row,
-- or by taking over a row whose lease has lapsed.
CREATE TABLE job_runs (
	job         TEXT    NOT NULL,
	slot        INTEGER NOT NULL,
	holder      TEXT    NOT NULL,
	claimed_at  INTEGER NOT NULL,
	lease_until INTEGER NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 1,
	finished_at INTEGER,
	outcome     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (job, slot)
);

-- A reminder that a concern's deadline is near or past. The unique key
-- lets the job run any number of times and raise each reminder once; a
-- deadline that moves (a route decided, the facts changed) is a new one.
CREATE TABLE reminders (
	id              INTEGER PRIMARY KEY,
	concern_id      INTEGER NOT NULL REFERENCES concerns (id),
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
	due             INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	dismissed_at    INTEGER,
	dismissed_by    INTEGER REFERENCES users (id),
	UNIQUE (concern_id, kind, due)
);
-- An organisation's reminders not yet dismissed, for its DSLs' inbox.
CREATE INDEX reminders_open ON reminders (organisation_id, dismissed_at, due);

-- Open concerns by deadline across every organisation, for the job; the
-- inbox index leads with the organisation, so it cannot serve this.
CREATE INDEX concerns_open_due ON concerns (due) WHERE status <> 'closed' AND due IS NOT NULL;
