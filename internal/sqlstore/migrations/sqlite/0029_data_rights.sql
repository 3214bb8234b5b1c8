-- A person's rights over their data (subject_access.go and
-- rectification.go in the lifeguard package, docs/retention.md).
-- The conventions of 0001_init.sql hold here too.

-- A subject access request: about a child (child_id) or a member of staff
-- (user_id); dates as YYYY-MM-DD text. due_on is one calendar month from
-- received_on, three when extended (extend_reason not empty).
CREATE TABLE subject_access (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	subject         TEXT    NOT NULL CHECK (subject IN ('child', 'staff')),
	child_id        INTEGER REFERENCES children (id),
	user_id         INTEGER REFERENCES users (id),
	requester       TEXT    NOT NULL,
	requester_name  TEXT    NOT NULL,
	received_on     TEXT    NOT NULL,
	verified        TEXT    NOT NULL,
	verified_note   TEXT    NOT NULL DEFAULT '',
	due_on          TEXT    NOT NULL,
	extend_reason   TEXT    NOT NULL DEFAULT '',
	status          TEXT    NOT NULL CHECK (status IN ('open', 'disclosed')),
	started_by      INTEGER REFERENCES users (id),
	started_at      INTEGER NOT NULL,
	disclosed_at    INTEGER,
	CHECK ((child_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX subject_access_org ON subject_access (organisation_id, status, due_on);

-- The DSL's choice for each mention of a third party in a bundle: mention
-- is the mention's key (its kind and the name folded to lower case).
CREATE TABLE subject_access_redactions (
	id         INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES subject_access (id),
	mention    TEXT    NOT NULL,
	redact     INTEGER NOT NULL,
	decided_by INTEGER REFERENCES users (id),
	decided_at INTEGER NOT NULL,
	UNIQUE (request_id, mention)
);

-- A request to correct or erase a record, and the DSL's decision.
-- original is the value before a correction, kept for the DSL.
CREATE TABLE data_requests (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('rectify', 'erase')),
	target          TEXT    NOT NULL,
	child_id        INTEGER REFERENCES children (id),
	concern_id      INTEGER REFERENCES concerns (id),
	user_id         INTEGER REFERENCES users (id),
	field           TEXT    NOT NULL DEFAULT '',
	value           TEXT    NOT NULL DEFAULT '',
	original        TEXT    NOT NULL DEFAULT '',
	requester       TEXT    NOT NULL,
	requester_name  TEXT    NOT NULL,
	received_on     TEXT    NOT NULL,
	reason          TEXT    NOT NULL,
	recorded_by     INTEGER REFERENCES users (id),
	recorded_at     INTEGER NOT NULL,
	outcome         TEXT    NOT NULL DEFAULT '' CHECK (outcome IN ('', 'applied', 'refused')),
	decision_reason TEXT    NOT NULL DEFAULT '',
	basis           TEXT    NOT NULL DEFAULT '',
	decided_by      INTEGER REFERENCES users (id),
	decided_at      INTEGER
);
CREATE INDEX data_requests_org ON data_requests (organisation_id, id);
