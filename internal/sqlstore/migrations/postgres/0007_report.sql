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
ALTER TABLE concerns ADD COLUMN first_decided_at BIGINT;

UPDATE concerns SET
	child_age = CASE
		WHEN facts::jsonb -> 'child' ->> 'age' IS NOT NULL THEN (facts::jsonb -> 'child' ->> 'age')::integer
		WHEN facts::jsonb -> 'child' ->> 'date_of_birth' IS NOT NULL THEN
			date_part('year', age((to_timestamp(reported_at / 1000000.0) AT TIME ZONE 'UTC')::date,
				(facts::jsonb -> 'child' ->> 'date_of_birth')::date))::integer
		END,
	vulns = COALESCE((SELECT string_agg(v, ',') FROM jsonb_array_elements_text(
		CASE WHEN jsonb_typeof(facts::jsonb -> 'child' -> 'vulnerabilities') = 'array'
			THEN facts::jsonb -> 'child' -> 'vulnerabilities' ELSE '[]'::jsonb END) AS v), ''),
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
	partnership_id BIGINT  NOT NULL,
	day            INTEGER NOT NULL,
	dim            TEXT    NOT NULL,
	key            TEXT    NOT NULL,
	n              BIGINT  NOT NULL,
	PRIMARY KEY (partnership_id, day, dim, key)
);

-- needed asks the store to count report_counts afresh from the concerns at
-- the end of Migrate: after this migration, and after the benchmark's
-- generator has written concerns behind the store's back.
CREATE TABLE report_rebuild (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	needed BOOLEAN NOT NULL
);
INSERT INTO report_rebuild (id, needed) VALUES (1, TRUE);
