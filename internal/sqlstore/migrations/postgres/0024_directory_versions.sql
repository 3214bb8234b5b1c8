-- The partnership's directory kept on pages (directory.go): each saved
-- version of its local procedure file, numbered from 1 within the
-- partnership. Versions are never changed or deleted, so that the version a
-- triage records can always be read again. saved_at is microseconds since
-- the epoch; a NULL user is Lifeguard (a load from the command line).
CREATE TABLE directory_versions (
	partnership_id BIGINT  NOT NULL REFERENCES partnerships (id),
	version        INTEGER NOT NULL CHECK (version > 0),
	document       TEXT    NOT NULL,
	summary        TEXT    NOT NULL,
	saved_by       BIGINT  REFERENCES users (id),
	saved_at       BIGINT  NOT NULL,
	PRIMARY KEY (partnership_id, version)
);
