-- Parents' consents and staff training (issue 17, items 3 and 4). The
-- conventions of 0001_init.sql hold here too.

-- A parent's consent for a child (lifeguard.Consent): given on a date and,
-- once withdrawn, closed with the date withdrawn. A withdrawal never
-- deletes the row; consent given again is a new row. At most one open
-- consent of a kind per child.
CREATE TABLE consents (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	child_id        INTEGER NOT NULL REFERENCES children (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('internet', 'images_website', 'images_social', 'images_press')),
	given_on        TEXT    NOT NULL,
	withdrawn_on    TEXT,
	recorded_by     INTEGER REFERENCES users (id),
	recorded_at     INTEGER NOT NULL,
	withdrawn_by    INTEGER REFERENCES users (id),
	withdrawn_at    INTEGER,
	CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE UNIQUE INDEX consents_open ON consents (child_id, kind) WHERE withdrawn_on IS NULL;
CREATE INDEX consents_organisation ON consents (organisation_id, child_id);

-- A course of training a member of staff completed (lifeguard.Training);
-- expires_on is completed_on plus its type's months when recorded.
CREATE TABLE trainings (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	user_id         INTEGER NOT NULL REFERENCES users (id),
	type            TEXT    NOT NULL CHECK (type IN ('safeguarding', 'online_safety', 'dsl', 'dsl_refresher')),
	course          TEXT    NOT NULL,
	provider        TEXT    NOT NULL,
	completed_on    TEXT    NOT NULL,
	expires_on      TEXT    NOT NULL,
	recorded_by     INTEGER REFERENCES users (id),
	recorded_at     INTEGER NOT NULL,
	UNIQUE (user_id, type, completed_on, course)
);
CREATE INDEX trainings_organisation ON trainings (organisation_id, user_id, type);
