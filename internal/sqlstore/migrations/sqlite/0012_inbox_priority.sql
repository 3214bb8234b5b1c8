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
