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
ALTER TABLE concerns ADD COLUMN child_age INTEGER;
ALTER TABLE concerns ADD COLUMN vulns TEXT NOT NULL DEFAULT '';
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
	first_decided_at = (SELECT MIN(decided_at) FROM decisions d WHERE d.concern_id = concerns.id);

-- The report's scan: concerns reported in a period, every column a figure
-- needs, so the table itself is never read.
CREATE INDEX concerns_report ON concerns (reported_at, organisation_id, child_age, first_decided_at, child_id,
	types, routes, vulns);
-- The decisions on the concerns of a period, by route, without the table.
CREATE INDEX decisions_report ON decisions (concern_id, route, decision, on_time);
