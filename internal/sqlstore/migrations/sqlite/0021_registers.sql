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
