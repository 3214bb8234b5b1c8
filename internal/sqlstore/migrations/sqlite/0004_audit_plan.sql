-- The online-safety self-audit, its improvement actions, and the
-- partnership's strategy action plan. The conventions of 0001_init.sql hold
-- here too. The framework itself is not stored: it is a versioned file (see
-- docs/audit.md), and each audit records the name and version it was
-- completed on; aspect ids and strand codes are the framework's.

-- One self-audit of one organisation. While in progress it is filled in
-- answer by answer; completed_at and the scores are set when it is
-- completed, after which it does not change.
CREATE TABLE audits (
	id                INTEGER PRIMARY KEY,
	organisation_id   INTEGER NOT NULL REFERENCES organisations (id),
	framework_name    TEXT    NOT NULL,
	framework_version TEXT    NOT NULL,
	status            TEXT    NOT NULL CHECK (status IN ('in_progress', 'completed')),
	started_by        INTEGER REFERENCES users (id),
	started_at        INTEGER NOT NULL,
	completed_by      INTEGER REFERENCES users (id),
	completed_at      INTEGER
);
-- An organisation's audits over time.
CREATE INDEX audits_organisation ON audits (organisation_id, started_at);
-- Audit coverage: completed audits by when they were completed.
CREATE INDEX audits_completed ON audits (completed_at, organisation_id) WHERE status = 'completed';
-- An organisation has at most one audit in progress. The store checks
-- first and answers ECONFLICT; the index holds if that check is raced.
CREATE UNIQUE INDEX audits_one_open ON audits (organisation_id) WHERE status = 'in_progress';

-- The rating of one aspect in one audit. strand is the aspect's strand
-- when it was answered, so that levels can be counted by strand without
-- the framework file.
CREATE TABLE audit_answers (
	audit_id   INTEGER NOT NULL REFERENCES audits (id),
	aspect_id  TEXT    NOT NULL,
	strand     TEXT    NOT NULL,
	level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	evidence   TEXT    NOT NULL,
	comment    TEXT    NOT NULL,
	updated_by INTEGER REFERENCES users (id),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (audit_id, aspect_id)
);
-- The distribution of levels per aspect across audits.
CREATE INDEX audit_answers_aspect ON audit_answers (aspect_id, level);

-- A completed audit's score per strand: the mean level of the strand's
-- applicable aspects, in tenths (25 is 2.5), and how many were scored.
CREATE TABLE audit_scores (
	audit_id INTEGER NOT NULL REFERENCES audits (id),
	strand   TEXT    NOT NULL,
	tenths   INTEGER NOT NULL CHECK (tenths BETWEEN 10 AND 40),
	aspects  INTEGER NOT NULL CHECK (aspects > 0),
	PRIMARY KEY (audit_id, strand)
);
CREATE INDEX audit_scores_strand ON audit_scores (strand, tenths);

-- A gap found by an audit: an aspect rated 1 or 2. status is open, met
-- (a later audit rated the aspect 3 or more) or superseded (a later audit
-- rated it 1 or 2 again and made a new action); closed_by_audit_id is that
-- later audit.
CREATE TABLE improvement_actions (
	id                 INTEGER PRIMARY KEY,
	organisation_id    INTEGER NOT NULL REFERENCES organisations (id),
	audit_id           INTEGER NOT NULL REFERENCES audits (id),
	aspect_id          TEXT    NOT NULL,
	strand             TEXT    NOT NULL,
	level              INTEGER NOT NULL CHECK (level IN (1, 2)),
	title              TEXT    NOT NULL,
	owner              TEXT    NOT NULL,
	due                TEXT    NOT NULL,
	status             TEXT    NOT NULL CHECK (status IN ('open', 'met', 'superseded')),
	created_at         INTEGER NOT NULL,
	closed_at          INTEGER,
	closed_by_audit_id INTEGER REFERENCES audits (id)
);
-- An organisation's plan, and the open actions a new audit closes.
CREATE INDEX improvement_actions_organisation ON improvement_actions (organisation_id, status, aspect_id);
CREATE INDEX improvement_actions_audit ON improvement_actions (audit_id);

-- The partnership's strategy: objectives under the strands prevention,
-- protection, and prosecution and diversion.
CREATE TABLE plan_objectives (
	id             INTEGER PRIMARY KEY,
	partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
	strand         TEXT    NOT NULL CHECK (strand IN ('prevention', 'protection', 'prosecution_diversion')),
	title          TEXT    NOT NULL,
	description    TEXT    NOT NULL,
	created_by     INTEGER REFERENCES users (id),
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE INDEX plan_objectives_partnership ON plan_objectives (partnership_id, strand, id);

-- An action of an objective, owned by one organisation of the partnership.
-- rag is red, amber, green or complete.
CREATE TABLE plan_actions (
	id                    INTEGER PRIMARY KEY,
	objective_id          INTEGER NOT NULL REFERENCES plan_objectives (id),
	owner_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	title                 TEXT    NOT NULL,
	due                   TEXT    NOT NULL,
	rag                   TEXT    NOT NULL CHECK (rag IN ('red', 'amber', 'green', 'complete')),
	created_by            INTEGER REFERENCES users (id),
	created_at            INTEGER NOT NULL,
	updated_at            INTEGER NOT NULL
);
CREATE INDEX plan_actions_objective ON plan_actions (objective_id, id);
-- What an organisation owns.
CREATE INDEX plan_actions_owner ON plan_actions (owner_organisation_id, id);

-- A dated note of progress on an action: on_date is the date it reports for.
CREATE TABLE plan_notes (
	id         INTEGER PRIMARY KEY,
	action_id  INTEGER NOT NULL REFERENCES plan_actions (id),
	on_date    TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	author_id  INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
);
CREATE INDEX plan_notes_action ON plan_notes (action_id, on_date, id);

-- Something in the way of an action: open, escalated to the board (until
-- resolved), or resolved.
CREATE TABLE plan_barriers (
	id           INTEGER PRIMARY KEY,
	action_id    INTEGER NOT NULL REFERENCES plan_actions (id),
	text         TEXT    NOT NULL,
	status       TEXT    NOT NULL CHECK (status IN ('open', 'escalated', 'resolved')),
	raised_by    INTEGER REFERENCES users (id),
	raised_at    INTEGER NOT NULL,
	escalated_by INTEGER REFERENCES users (id),
	escalated_at INTEGER,
	resolved_by  INTEGER REFERENCES users (id),
	resolved_at  INTEGER,
	resolution   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX plan_barriers_action ON plan_barriers (action_id, id);
-- The barriers escalated to the board and not yet resolved.
CREATE INDEX plan_barriers_escalated ON plan_barriers (escalated_at) WHERE status = 'escalated';
