-- The prevention registers (issue 17) and improvement actions closed by
-- hand. The conventions of 0001_init.sql hold here too.

-- An improvement action can now be closed by hand by the organisation's
-- manager or safeguarding lead, with a note saying why ('closed'), besides
-- being met or superseded by a later audit. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt; nothing refers to it.
CREATE TABLE improvement_actions_new (
	id                 INTEGER PRIMARY KEY,
	organisation_id    INTEGER NOT NULL REFERENCES organisations (id),
	audit_id           INTEGER NOT NULL REFERENCES audits (id),
	aspect_id          TEXT    NOT NULL,
	strand             TEXT    NOT NULL,
	level              INTEGER NOT NULL CHECK (level IN (1, 2)),
	title              TEXT    NOT NULL,
	owner              TEXT    NOT NULL,
	due                TEXT    NOT NULL,
	status             TEXT    NOT NULL CHECK (status IN ('open', 'met', 'superseded', 'closed')),
	created_at         INTEGER NOT NULL,
	closed_at          INTEGER,
	closed_by_audit_id INTEGER REFERENCES audits (id),
	closed_by          INTEGER REFERENCES users (id),
	closed_note        TEXT    NOT NULL DEFAULT '',
	updated_at         INTEGER
);
INSERT INTO improvement_actions_new (id, organisation_id, audit_id, aspect_id, strand, level, title, owner, due,
	status, created_at, closed_at, closed_by_audit_id)
	SELECT id, organisation_id, audit_id, aspect_id, strand, level, title, owner, due, status, created_at,
		closed_at, closed_by_audit_id FROM improvement_actions;
DROP TABLE improvement_actions;
ALTER TABLE improvement_actions_new RENAME TO improvement_actions;
CREATE INDEX improvement_actions_organisation ON improvement_actions (organisation_id, status, aspect_id);
CREATE INDEX improvement_actions_audit ON improvement_actions (audit_id);

-- The policy library (lifeguard.Policy): an organisation's online-safety
-- policy and acceptable-use agreements, and the partnership's model
-- policies (organisation_id NULL) that organisations adopt (adopted_from).
-- At most one policy of a kind and age group per organisation.
CREATE TABLE policies (
	id              INTEGER PRIMARY KEY,
	partnership_id  INTEGER  NOT NULL REFERENCES partnerships (id),
	organisation_id INTEGER  REFERENCES organisations (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('online_safety', 'aup_staff', 'aup_pupils', 'aup_visitors', 'aup_parents')),
	age_group       TEXT    NOT NULL DEFAULT '',
	title           TEXT    NOT NULL,
	review_due      TEXT,
	adopted_from    INTEGER  REFERENCES policies (id),
	created_by      INTEGER  REFERENCES users (id),
	created_at      INTEGER  NOT NULL
);
CREATE UNIQUE INDEX policies_one_of_a_kind ON policies (organisation_id, kind, age_group) WHERE organisation_id IS NOT NULL;
CREATE INDEX policies_models ON policies (partnership_id, kind) WHERE organisation_id IS NULL;
-- Reviews falling due, for the reminders job.
CREATE INDEX policies_review ON policies (review_due) WHERE organisation_id IS NOT NULL AND review_due IS NOT NULL;

-- The approved versions of a policy, numbered from 1; the highest is the
-- current one.
CREATE TABLE policy_versions (
	id          INTEGER PRIMARY KEY,
	policy_id   INTEGER  NOT NULL REFERENCES policies (id),
	number      INTEGER NOT NULL,
	body        TEXT    NOT NULL,
	link        TEXT    NOT NULL,
	approved_by TEXT    NOT NULL,
	approved_on TEXT    NOT NULL,
	created_by  INTEGER  REFERENCES users (id),
	created_at  INTEGER  NOT NULL,
	UNIQUE (policy_id, number)
);

-- Agreements to a version: a member of staff's own acknowledgement
-- (user_id), a child's recorded by staff (child_id), or a visitor's by
-- name. Exactly one of the three says who.
CREATE TABLE agreements (
	id              INTEGER PRIMARY KEY,
	version_id      INTEGER  NOT NULL REFERENCES policy_versions (id),
	organisation_id INTEGER  NOT NULL REFERENCES organisations (id),
	user_id         INTEGER  REFERENCES users (id),
	child_id        INTEGER  REFERENCES children (id),
	name            TEXT    NOT NULL DEFAULT '',
	agreed_on       TEXT    NOT NULL,
	recorded_by     INTEGER  REFERENCES users (id),
	recorded_at     INTEGER  NOT NULL,
	CHECK ((user_id IS NOT NULL AND child_id IS NULL AND name = '')
		OR (user_id IS NULL AND child_id IS NOT NULL AND name = '')
		OR (user_id IS NULL AND child_id IS NULL AND name <> ''))
);
CREATE UNIQUE INDEX agreements_user ON agreements (version_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX agreements_child ON agreements (version_id, child_id) WHERE child_id IS NOT NULL;
CREATE INDEX agreements_organisation ON agreements (organisation_id, version_id);

-- Reminders to an organisation's managers and DSLs that a policy's review
-- is due within 30 days (due_soon) or has passed (overdue), raised by the
-- reminders job at most once per policy, review date and kind.
CREATE TABLE policy_reminders (
	id              INTEGER PRIMARY KEY,
	policy_id       INTEGER  NOT NULL REFERENCES policies (id),
	organisation_id INTEGER  NOT NULL REFERENCES organisations (id),
	review_due      TEXT    NOT NULL,
	kind            TEXT    NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
	created_at      INTEGER  NOT NULL,
	dismissed_at    INTEGER,
	dismissed_by    INTEGER  REFERENCES users (id),
	UNIQUE (policy_id, review_due, kind)
);
CREATE INDEX policy_reminders_open ON policy_reminders (organisation_id, dismissed_at);
