-- When a safeguarding lead of the concern's organisation first read the
-- whole concern (ConcernStore.Concern); NULL while nobody has. The inbox puts
-- concerns never opened first (internal/sqlstore/priority.go), and an
-- escalation asks whether an immediate concern has been opened.
ALTER TABLE concerns ADD COLUMN first_opened_at INTEGER;

-- The risk a safeguarding lead rates the concern at (high, medium or low;
-- NULL when not rated), and who rated it when.
ALTER TABLE concerns ADD COLUMN risk_level TEXT;
ALTER TABLE concerns ADD COLUMN risk_set_by INTEGER REFERENCES users (id);
ALTER TABLE concerns ADD COLUMN risk_set_at INTEGER;

-- The safeguarding lead or deputy the concern is assigned to (NULL when
-- nobody), and who assigned it when.
ALTER TABLE concerns ADD COLUMN assigned_to INTEGER REFERENCES users (id);
ALTER TABLE concerns ADD COLUMN assigned_by INTEGER REFERENCES users (id);
ALTER TABLE concerns ADD COLUMN assigned_at INTEGER;

-- A deputy safeguarding lead: a user of role dsl who deputises. Only
-- meaningful for that role; the store refuses it for any other.
ALTER TABLE users ADD COLUMN deputy INTEGER NOT NULL DEFAULT 0;

-- The inbox's priority order (internal/sqlstore/priority.go, which holds
-- the one copy of these expressions that the code sorts by; a test checks
-- that this file repeats them exactly): an organisation's open concerns by
-- bucket, deadline and id, and the same for one person's assigned concerns,
-- so that each page of the inbox is a range of an index however large the
-- organisation's history of closed concerns grows.
CREATE INDEX concerns_priority ON concerns (organisation_id,
	(CASE WHEN first_opened_at IS NULL AND due <= reported_at THEN 0 WHEN first_opened_at IS NULL THEN 1 WHEN due IS NOT NULL THEN 2 ELSE 3 END),
	(COALESCE(due, 9223372036854775807)), id)
	WHERE status <> 'closed';
CREATE INDEX concerns_assigned ON concerns (assigned_to,
	(CASE WHEN first_opened_at IS NULL AND due <= reported_at THEN 0 WHEN first_opened_at IS NULL THEN 1 WHEN due IS NOT NULL THEN 2 ELSE 3 END),
	(COALESCE(due, 9223372036854775807)), id)
	WHERE status <> 'closed';
