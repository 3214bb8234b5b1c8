-- What a member of staff reported: the list filters on the reporter and
-- the organisation (a user's concerns stay with the organisation they were
-- reported in) and reads newest first. With both in the index, the list is
-- one backward index scan that stops at the page's end on both engines;
-- with the reporter alone, PostgreSQL's planner, taking the two columns as
-- independent, read every concern of the reporter and sorted them (48 ms
-- against 0.4 ms at a million concerns).
DROP INDEX concerns_reporter;
CREATE INDEX concerns_reporter ON concerns (reporter_id, organisation_id, reported_at, id);
