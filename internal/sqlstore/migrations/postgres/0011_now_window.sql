-- How long "now" lasts when a concern's timeliness is judged, in
-- microseconds: the window of the procedure the concern was triaged under
-- (lifeguard.Triage.NowWindow; timing.go). Concerns recorded before the
-- setting existed were triaged under the default, one hour.
ALTER TABLE concerns ADD COLUMN now_window BIGINT NOT NULL DEFAULT 3600000000;

-- When the concern becomes overdue: the earliest moment a route without a
-- decision becomes late (its deadline, or for an immediate route the end of
-- the window after it); NULL when nothing with a deadline is waiting. due
-- stays the earliest deadline itself. For the concerns already recorded an
-- immediate route is the one due at reported_at; another route falling due
-- within the hour after it is the only case this reads later than the store
-- would, and only until the concern's next decision writes it afresh.
ALTER TABLE concerns ADD COLUMN late_at BIGINT;
UPDATE concerns SET late_at = CASE WHEN due = reported_at THEN due + now_window ELSE due END WHERE due IS NOT NULL;

-- Decisions on an immediate route recorded within the hour after the
-- report were stamped late; they were on time, and the report's counts are
-- rebuilt to say so.
UPDATE decisions d SET on_time = TRUE
	FROM concerns c
	WHERE d.on_time = FALSE AND c.id = d.concern_id
		AND d.decided_at <= c.reported_at + c.now_window
		AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.triage::jsonb -> 'routes') r
			WHERE r ->> 'code' = d.route AND r ->> 'urgency' = 'immediate');
UPDATE report_rebuild SET needed = TRUE WHERE id = 1;

-- The number a reporter is told to ring to reach the organisation's
-- safeguarding lead; empty when the organisation has not given one.
ALTER TABLE organisations ADD COLUMN safeguarding_phone TEXT NOT NULL DEFAULT '';
