-- Retention, the rest of issue 19 (retention.go, docs/retention.md).
-- The conventions of 0001_init.sql hold here too.

-- Why a legal hold is set, as a code (lifeguard.LegalHoldBasis) that the
-- journal may name; the reason's words stay here only. Holds set before
-- this column say 'other'.
ALTER TABLE retention_holds ADD COLUMN basis TEXT NOT NULL DEFAULT 'other';
-- The list of holds on the administrator's page: the ones not released,
-- by organisation.
CREATE INDEX retention_holds_org ON retention_holds (organisation_id, set_at);
