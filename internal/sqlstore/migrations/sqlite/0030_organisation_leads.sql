-- Each organisation's safeguarding and online-safety leads in the
-- partnership's directory (lead.go): staff work contacts, replaced as a
-- whole list when the manager or the partnership officer saves them, in the
-- order given (position). updated_at is microseconds since the epoch.
CREATE TABLE organisation_leads (
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	position        INTEGER NOT NULL CHECK (position >= 0),
	kind            TEXT    NOT NULL CHECK (kind IN ('dsl', 'deputy_dsl', 'online_safety')),
	name            TEXT    NOT NULL,
	role            TEXT    NOT NULL,
	email           TEXT    NOT NULL,
	phone           TEXT    NOT NULL,
	updated_by      INTEGER REFERENCES users (id),
	updated_at      INTEGER NOT NULL,
	PRIMARY KEY (organisation_id, position)
);
