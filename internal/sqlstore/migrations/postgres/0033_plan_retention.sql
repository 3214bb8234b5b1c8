-- The action plan's retention (issue 19, the schedule's plan_action rule):
-- when an action was marked complete (microseconds since the epoch;
-- cleared when it is reopened), from which it falls due with its notes
-- and barriers. Actions complete before this migration take the time
-- they were last changed, which is when they were marked complete or
-- later.
ALTER TABLE plan_actions ADD COLUMN completed_at BIGINT;
UPDATE plan_actions SET completed_at = updated_at WHERE rag = 'complete';
CREATE INDEX plan_actions_completed ON plan_actions (completed_at) WHERE completed_at IS NOT NULL;
