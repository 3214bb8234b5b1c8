-- A concern is worked to its end (issue 13, item 6). The conventions of
-- 0001_init.sql hold here too.

-- An action is done or cancelled, each with who and when; a cancelled one
-- with the reason, which is required.
ALTER TABLE actions ADD COLUMN cancelled_at INTEGER;
ALTER TABLE actions ADD COLUMN cancelled_by INTEGER REFERENCES users (id);
ALTER TABLE actions ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';

-- Why the DSL closed the concern with routes undecided or actions open;
-- '' when nothing was left. concerns.outcome now holds the set of outcome
-- codes, comma-separated in lifeguard.Outcomes' order (a single code, as
-- before, is a set of one).
ALTER TABLE concerns ADD COLUMN close_anyway TEXT NOT NULL DEFAULT '';

-- A route of the procedure that the procedure did not give a concern but
-- its DSL added, with the reason. route_json is the lifeguard.Route as the
-- procedure defined it when added (title, action, urgency, deadline).
CREATE TABLE added_routes (
	id         INTEGER PRIMARY KEY,
	concern_id INTEGER NOT NULL REFERENCES concerns (id),
	route      TEXT    NOT NULL,
	route_json TEXT    NOT NULL,
	reason     TEXT    NOT NULL,
	added_by   INTEGER REFERENCES users (id),
	added_at   INTEGER NOT NULL,
	UNIQUE (concern_id, route)
);
