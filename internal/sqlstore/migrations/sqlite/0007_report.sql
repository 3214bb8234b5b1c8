-- What the board report counts, kept as plain columns on each concern so
-- that every figure is an aggregate over one covering index and no query
-- opens the facts' JSON. The store writes them with the facts
-- (CreateConcern, UpdateFacts) and the first decision (AddDecision); the
-- statements below fill them for concerns recorded before this migration.
--   child_age:        the child's age in whole years when the concern was
--                     reported (from the age given or the date of birth);
--                     NULL when the concern is about no child
--   vulns:            the child's vulnerabilities in the facts, as
--                     comma-separated codes ('' for none)
--   first_decided_at: when the first decision on any route was recorded;
--                     NULL until there is one
--   prior_concerns:   how many concerns about the same child were recorded
--                     before this one, in the 365 days before it was
ALTER TABLE concerns ADD COLUMN child_age INTEGER;
ALTER TABLE concerns ADD COLUMN vulns TEXT NOT NULL DEFAULT '';
ALTER TABLE concerns ADD COLUMN prior_concerns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE concerns ADD COLUMN first_decided_at INTEGER;

UPDATE concerns SET
	child_age = CASE
		WHEN json_extract(facts, '$.child.age') IS NOT NULL THEN json_extract(facts, '$.child.age')
		WHEN json_extract(facts, '$.child.date_of_birth') IS NOT NULL THEN
			CAST(strftime('%Y', reported_at / 1000000, 'unixepoch') AS INTEGER)
			- CAST(substr(json_extract(facts, '$.child.date_of_birth'), 1, 4) AS INTEGER)
			- (strftime('%m-%d', reported_at / 1000000, 'unixepoch') < substr(json_extract(facts, '$.child.date_of_birth'), 6, 5))
		END,
	vulns = COALESCE((SELECT group_concat(value, ',') FROM json_each(facts, '$.child.vulnerabilities')), ''),
	first_decided_at = (SELECT MIN(decided_at) FROM decisions d WHERE d.concern_id = concerns.id),
	prior_concerns = CASE WHEN child_id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM concerns p
		WHERE p.child_id = concerns.child_id AND p.id < concerns.id
		AND p.created_at >= concerns.created_at - 31536000000000) END;

-- The board report's counts, kept up to date by the store in the same
-- transaction as every change to a concern's facts or decisions, so that a
-- report over a partnership reads a few thousand rows, not every concern.
-- One row per partnership, day (of reported_at, days since 1970-01-01 UTC),
-- dimension and key: for example ('type', 'grooming') or ('age', '13').
-- sqlstore/report.go defines every dimension; one query there both keeps
-- these rows and counts an organisation's own report, so the two agree.
CREATE TABLE report_counts (
	partnership_id INTEGER NOT NULL,
	day            INTEGER NOT NULL,
	dim            TEXT    NOT NULL,
	key            TEXT    NOT NULL,
	n              INTEGER NOT NULL,
	PRIMARY KEY (partnership_id, day, dim, key)
);

-- needed asks the store to count report_counts afresh from the concerns at
-- the end of Migrate: after this migration, and after the benchmark's
-- generator has written concerns behind the store's back.
CREATE TABLE report_rebuild (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	needed INTEGER NOT NULL
);
INSERT INTO report_rebuild (id, needed) VALUES (1, 1);
