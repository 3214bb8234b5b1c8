-- A partnership-wide subject access request (partnership_access.go in the
-- lifeguard package, docs/retention.md#subject-access). The conventions of
-- 0001_init.sql hold here too. The child's name and date of birth the
-- officer typed are not kept: each part names the matching child's record.
CREATE TABLE partnership_access (
	id             INTEGER PRIMARY KEY,
	partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
	requester      TEXT    NOT NULL,
	requester_name TEXT    NOT NULL,
	received_on    TEXT    NOT NULL,
	verified       TEXT    NOT NULL,
	verified_note  TEXT    NOT NULL DEFAULT '',
	due_on         TEXT    NOT NULL,
	started_by     INTEGER REFERENCES users (id),
	started_at     INTEGER NOT NULL
);
CREATE INDEX partnership_access_p ON partnership_access (partnership_id, id);

-- One organisation asked: the child of its register that matched, its
-- answer and, once agreed, its own subject access request.
CREATE TABLE partnership_access_parts (
	id                INTEGER PRIMARY KEY,
	request_id        INTEGER NOT NULL REFERENCES partnership_access (id),
	organisation_id   INTEGER NOT NULL REFERENCES organisations (id),
	child_id          INTEGER NOT NULL REFERENCES children (id),
	answer            TEXT    NOT NULL DEFAULT 'asked' CHECK (answer IN ('asked', 'agreed', 'declined')),
	decline_reason    TEXT    NOT NULL DEFAULT '',
	subject_access_id INTEGER REFERENCES subject_access (id),
	answered_by       INTEGER REFERENCES users (id),
	answered_at       INTEGER,
	UNIQUE (request_id, child_id)
);
CREATE INDEX partnership_access_parts_org ON partnership_access_parts (organisation_id, answer);
