-- A report is recorded once, and a report is never lost to an ended
-- session. The conventions of 0001_init.sql hold here too.

-- The key a report was sent with: the token the report form is issued with,
-- or an API client's Idempotency-Key. The store writes the row in the same
-- transaction as the concern, and a second request with the same key from
-- the same user gets that concern back instead of a new one. digest is a
-- hash of the API request that carried the key ('' for the form), so that a
-- key used again for a different request is refused.
CREATE TABLE concern_keys (
	user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key        TEXT    NOT NULL,
	digest     TEXT    NOT NULL,
	concern_id BIGINT  NOT NULL REFERENCES concerns (id),
	created_at BIGINT  NOT NULL,
	PRIMARY KEY (user_id, key)
);

-- A report form's answers kept when its post arrived after the session had
-- ended, until the same user signs in again and gets them back (then the
-- row is deleted) or until expires_at, when the retention job deletes it.
-- One per user: a later one replaces it.
CREATE TABLE report_drafts (
	user_id    BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	step       INTEGER NOT NULL,
	answers    TEXT    NOT NULL,
	saved_at   BIGINT  NOT NULL,
	expires_at BIGINT  NOT NULL
);
CREATE INDEX report_drafts_expires ON report_drafts (expires_at);
