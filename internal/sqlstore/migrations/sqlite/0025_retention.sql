-- Retention (retention.go in the lifeguard package, docs/retention.md).
-- The conventions of 0001_init.sql hold here too.

-- retain_until is when a record falls due for erasure, computed from the
-- retention schedule by the erasure job (and cleared by a legal hold or
-- while a concern of the child's file is open); NULL means not due at any
-- known time. erased_at is when its personal data and free text were
-- erased: the row stays, for the board report's counts.
ALTER TABLE children ADD COLUMN retain_until INTEGER;
ALTER TABLE children ADD COLUMN erased_at INTEGER;
ALTER TABLE concerns ADD COLUMN retain_until INTEGER;
ALTER TABLE concerns ADD COLUMN erased_at INTEGER;
ALTER TABLE referrals ADD COLUMN retain_until INTEGER;
ALTER TABLE referrals ADD COLUMN erased_at INTEGER;
-- "What falls due before then": each an index on the date of what is
-- still to erase.
CREATE INDEX children_retain ON children (retain_until) WHERE erased_at IS NULL;
CREATE INDEX concerns_retain ON concerns (retain_until) WHERE erased_at IS NULL;
CREATE INDEX referrals_retain ON referrals (retain_until) WHERE erased_at IS NULL;

-- A legal hold stops the clock on a child's whole file or on one concern
-- until a DSL releases it. reason is free text, never journalled.
CREATE TABLE retention_holds (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	child_id        INTEGER REFERENCES children (id),
	concern_id      INTEGER REFERENCES concerns (id),
	reason          TEXT    NOT NULL,
	set_by          INTEGER REFERENCES users (id),
	set_at          INTEGER NOT NULL,
	released_by     INTEGER REFERENCES users (id),
	released_at     INTEGER,
	CHECK ((child_id IS NULL) <> (concern_id IS NULL))
);
CREATE INDEX retention_holds_child ON retention_holds (child_id) WHERE released_at IS NULL;
CREATE INDEX retention_holds_concern ON retention_holds (concern_id) WHERE released_at IS NULL;
