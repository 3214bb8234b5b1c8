-- Alerts waiting to be delivered (the outbox), the webhooks they may go to,
-- and a record of every attempt to deliver one. The conventions of
-- 0001_init.sql hold here too.
--
-- An alert is written to the outbox in the same transaction as the event
-- that causes it (a concern recorded, an escalation, a filter alert), so an
-- event that commits always has its alerts and one that rolls back has
-- none. A row holds codes and ids only: the words of an email or the body
-- of a webhook are made at delivery from them, and never carry a child's
-- name or reference, the concern's text or its facts.

-- A webhook: a URL of another system that an administrator asked Lifeguard
-- to tell of events, for one organisation or (organisation_id NULL) every
-- organisation of the partnership. The secret signs each delivery; it is
-- shown to the administrator once, when the webhook is made, and must be
-- kept here to sign.
CREATE TABLE webhooks (
	id              INTEGER PRIMARY KEY,
	partnership_id  INTEGER NOT NULL REFERENCES partnerships (id),
	organisation_id INTEGER REFERENCES organisations (id),
	url             TEXT    NOT NULL,
	secret          TEXT    NOT NULL,
	-- Comma-separated event kinds: new_concern, escalation, filter_alert.
	events          TEXT    NOT NULL,
	created_at      INTEGER NOT NULL,
	created_by      INTEGER REFERENCES users (id),
	-- A removed webhook is kept so that its past deliveries still name it.
	removed_at      INTEGER
);
CREATE INDEX webhooks_partnership ON webhooks (partnership_id, id);

-- One message to deliver: an email to a user, or a call of a webhook.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL,
	channel         TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
	user_id         INTEGER REFERENCES users (id),
	webhook_id      INTEGER REFERENCES webhooks (id),
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	concern_id      INTEGER REFERENCES concerns (id),
	-- Another record the alert is about (a filter alert), by kind.
	record_id       INTEGER,
	urgency         TEXT    NOT NULL DEFAULT '',
	-- A key, when given, makes an alert written twice (a job run again)
	-- one message.
	dedupe_key      TEXT UNIQUE,
	created_at      INTEGER NOT NULL,
	-- Back-off and giving up count from retry_from: the creation, or an
	-- administrator's retry.
	retry_from      INTEGER NOT NULL,
	next_attempt_at INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT '',
	delivered_at    INTEGER,
	failed_at       INTEGER,
	-- The server delivering it now, and until when: no other server takes
	-- it before lease_until.
	lease_holder    TEXT    NOT NULL DEFAULT '',
	lease_until     INTEGER,
	CHECK ((channel = 'email' AND user_id IS NOT NULL AND webhook_id IS NULL)
		OR (channel = 'webhook' AND webhook_id IS NOT NULL AND user_id IS NULL))
);
-- Messages still to deliver, by when they are due, for the delivery job.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
-- Messages given up, newest first, for the administrator's page.
CREATE INDEX outbox_failed ON outbox (failed_at) WHERE failed_at IS NOT NULL;
CREATE INDEX outbox_concern ON outbox (concern_id) WHERE concern_id IS NOT NULL;

-- Every attempt to deliver a message: when, by which server, and what
-- came of it ('' when it was delivered, else the error, with no address).
CREATE TABLE outbox_attempts (
	id         INTEGER PRIMARY KEY,
	outbox_id  INTEGER NOT NULL REFERENCES outbox (id),
	at         INTEGER NOT NULL,
	holder     TEXT    NOT NULL,
	error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id, id);
