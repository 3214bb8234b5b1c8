-- When the concern needs its safeguarding lead now: the earliest deadline
-- among its undecided routes that are immediate and are not instructions
-- to the person holding the concern (lifeguard.Triage.LeadNowDue,
-- lead_now.go); NULL when no such route is waiting. The inbox's first
-- bucket and the escalation job read it, where they read due <= reported_at
-- before, which counted "keep the evidence" and "do not view the images".
ALTER TABLE concerns ADD COLUMN lead_now_due INTEGER;

-- The concerns already recorded. An immediate route of the triage is due
-- at reported_at (the triage contract); a route a lead added is due from
-- the moment it was added, so an immediate one at added_at. The two codes
-- are lifeguard.RouteDoNotViewImages and RoutePreserveEvidence, which
-- TestLeadNowMigration holds this file to.
UPDATE concerns SET lead_now_due = CASE
	WHEN EXISTS (SELECT 1 FROM json_each(concerns.triage, '$.routes') r
		WHERE json_extract(r.value, '$.urgency') = 'immediate'
			AND json_extract(r.value, '$.code') NOT IN ('DO_NOT_VIEW_IMAGES', 'PRESERVE_EVIDENCE')
			AND NOT EXISTS (SELECT 1 FROM decisions d
				WHERE d.concern_id = concerns.id AND d.route = json_extract(r.value, '$.code')))
		THEN reported_at
	ELSE (SELECT MIN(a.added_at) FROM added_routes a
		WHERE a.concern_id = concerns.id
			AND json_extract(a.route_json, '$.urgency') = 'immediate'
			AND a.route NOT IN ('DO_NOT_VIEW_IMAGES', 'PRESERVE_EVIDENCE')
			AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.concern_id = concerns.id AND d.route = a.route))
	END;

-- The inbox's priority indexes (migration 0012) rebuilt on the new first
-- key (internal/sqlstore/priority.go holds the one copy of these
-- expressions that the code sorts by; TestPriorityIndexes checks that this
-- file repeats them exactly).
DROP INDEX concerns_priority;
DROP INDEX concerns_assigned;
CREATE INDEX concerns_priority ON concerns (organisation_id,
	(CASE WHEN first_opened_at IS NULL AND lead_now_due IS NOT NULL THEN 0 WHEN first_opened_at IS NULL THEN 1 WHEN due IS NOT NULL THEN 2 ELSE 3 END),
	(COALESCE(due, 9223372036854775807)), id)
	WHERE status <> 'closed';
CREATE INDEX concerns_assigned ON concerns (assigned_to,
	(CASE WHEN first_opened_at IS NULL AND lead_now_due IS NOT NULL THEN 0 WHEN first_opened_at IS NULL THEN 1 WHEN due IS NOT NULL THEN 2 ELSE 3 END),
	(COALESCE(due, 9223372036854775807)), id)
	WHERE status <> 'closed';
