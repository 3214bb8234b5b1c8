-- Referrals sent to another agency of the partnership, received and
-- answered there (referral.go). The conventions of 0001_init.sql hold here
-- too: times are microseconds since the epoch, a NULL user is Lifeguard.

-- The partnership's directory of referrals: which organisation receives
-- each route that goes to another agency (lifeguard.ReferralRoutes). An
-- organisation is social care's front door, the police, the LADO or early
-- help of its partnership by receiving those routes; its setting stays
-- one of the concern schema's settings.
CREATE TABLE referral_routes (
	partnership_id  INTEGER NOT NULL REFERENCES partnerships (id),
	route           TEXT    NOT NULL,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	updated_by      INTEGER REFERENCES users (id),
	updated_at      INTEGER NOT NULL,
	PRIMARY KEY (partnership_id, route)
);

-- One route of one concern sent to the organisation that receives it.
-- snapshot is the JSON of what was sent (lifeguard.ReferralSnapshot): the
-- receiving agency reads it, never the concern. A route is sent once.
CREATE TABLE referrals (
	id                   INTEGER PRIMARY KEY,
	concern_id           INTEGER NOT NULL REFERENCES concerns (id),
	route                TEXT    NOT NULL,
	agency               TEXT    NOT NULL CHECK (agency IN ('social_care', 'police', 'lado', 'early_help')),
	from_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	to_organisation_id   INTEGER NOT NULL REFERENCES organisations (id),
	status               TEXT    NOT NULL CHECK (status IN ('sent', 'acknowledged', 'more_info', 'decided')),
	parts                TEXT    NOT NULL,
	snapshot             TEXT    NOT NULL,
	sent_by              INTEGER REFERENCES users (id),
	sent_at              INTEGER NOT NULL,
	-- One working day after sending, by the procedure's calendar (the
	-- caller's): the board report measures the journey against it.
	due_by               INTEGER NOT NULL,
	phoned_at            INTEGER,
	phone_note           TEXT    NOT NULL DEFAULT '',
	acknowledged_by      INTEGER REFERENCES users (id),
	acknowledged_at      INTEGER,
	considered_at        INTEGER,
	harm_threshold_met   INTEGER,
	decided_by           INTEGER REFERENCES users (id),
	decided_at           INTEGER,
	outcome              TEXT    NOT NULL DEFAULT '',
	decision_note        TEXT    NOT NULL DEFAULT '',
	-- The retention category: 'allegation' for a LADO referral, whose
	-- records are kept for their own period; '' for the usual one.
	retention            TEXT    NOT NULL DEFAULT '',
	UNIQUE (concern_id, route)
);
CREATE INDEX referrals_to ON referrals (to_organisation_id, status);
CREATE INDEX referrals_from ON referrals (from_organisation_id, status);

-- Messages between the two sides: a request for more information and the
-- referrer's reply, and the employer's actions on a LADO referral.
CREATE TABLE referral_messages (
	id              INTEGER PRIMARY KEY,
	referral_id     INTEGER NOT NULL REFERENCES referrals (id),
	kind            TEXT    NOT NULL CHECK (kind IN ('request', 'reply', 'employer_action')),
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	user_id         INTEGER REFERENCES users (id),
	text            TEXT    NOT NULL,
	at              INTEGER NOT NULL
);
CREATE INDEX referral_messages_referral ON referral_messages (referral_id, id);
