-- Staff accounts' retention (issue 19, the schedule's user rule): when an
-- account was disabled (microseconds since the epoch; cleared when it is
-- enabled again), from which its sign-in and preferences fall due, and
-- when the erasure job blanked them. Accounts disabled before this
-- migration start their clock now: their date was not recorded.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
ALTER TABLE users ADD COLUMN erased_at INTEGER;
UPDATE users SET disabled_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000000 WHERE disabled = 1;
