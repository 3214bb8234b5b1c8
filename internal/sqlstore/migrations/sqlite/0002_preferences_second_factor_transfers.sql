-- Display preferences, the second factor, and transfers of a child's file.
-- The conventions of 0001_init.sql hold here too.

-- Preferences are kept on the user, so they follow the user from device to
-- device; every user has them, so they are columns with defaults rather
-- than a side table that would need an upsert.
ALTER TABLE users ADD COLUMN text_size TEXT NOT NULL DEFAULT 'medium'
	CHECK (text_size IN ('small', 'medium', 'large'));
ALTER TABLE users ADD COLUMN high_visibility INTEGER NOT NULL DEFAULT 0;

-- The second factor lives on the user next to the TOTP secret that
-- 0001_init.sql already put there, so there is one place for it and
-- CredentialsByEmail reads it as before. A user has a second factor when
-- totp_secret is not NULL.
--   totp_recovery:    JSON array of the SHA-256 hashes of unused recovery codes
--   totp_last_step:   the last TOTP time step accepted, against replays
--   totp_enrolled_at: when the current factor was enrolled
ALTER TABLE users ADD COLUMN totp_recovery TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_enrolled_at INTEGER;
-- A secret set before this migration was enrolled at some time unknown; the
-- user's creation is the earliest it can have been.
UPDATE users SET totp_enrolled_at = created_at WHERE totp_secret IS NOT NULL;

-- A child's file sent to another organisation of the partnership. The
-- receiving DSL's acceptance creates the child's record there
-- (received_child_id). A NULL sent_by or received_by means Lifeguard itself.
CREATE TABLE transfers (
	id                   INTEGER PRIMARY KEY,
	child_id             INTEGER NOT NULL REFERENCES children (id),
	from_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	to_organisation_id   INTEGER NOT NULL REFERENCES organisations (id),
	status               TEXT    NOT NULL,
	note                 TEXT    NOT NULL,
	sent_by              INTEGER REFERENCES users (id),
	sent_at              INTEGER NOT NULL,
	due_by               INTEGER NOT NULL,
	received_by          INTEGER REFERENCES users (id),
	received_at          INTEGER,
	received_child_id    INTEGER REFERENCES children (id)
);
-- An organisation's transfers, both ways, for its DSL's list.
CREATE INDEX transfers_from ON transfers (from_organisation_id, sent_at);
CREATE INDEX transfers_to ON transfers (to_organisation_id, sent_at);
-- Where a child's file went, for access and the chronology.
CREATE INDEX transfers_child ON transfers (child_id, id);
-- Where a received record came from; each record is created by one receipt.
CREATE UNIQUE INDEX transfers_received_child ON transfers (received_child_id);
-- A child has at most one transfer waiting. The store checks first and
-- answers ECONFLICT; the index is what holds if two servers race.
CREATE UNIQUE INDEX transfers_one_pending ON transfers (child_id) WHERE status = 'pending';
