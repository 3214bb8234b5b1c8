-- Retention, the rest of issue 19 (retention.go, docs/retention.md).
-- The conventions of 0001_init.sql hold here too.

-- Why a legal hold is set, as a code (lifeguard.LegalHoldBasis) that the
-- journal may name; the reason's words stay here only. Holds set before
-- this column say 'other'.
ALTER TABLE retention_holds ADD COLUMN basis TEXT NOT NULL DEFAULT 'other';
-- The list of holds on the administrator's page: the ones not released,
-- by organisation.
CREATE INDEX retention_holds_org ON retention_holds (organisation_id, set_at);

-- An allegation is kept until the adult's state pension age or ten years
-- from it, whichever is longer (docs/retention.md#allegations-against-staff).
-- subject_born is the adult's date of birth when the referrer gives it
-- (YYYY-MM-DD), and subject_pension_at the day they reach pension age, from
-- the Pensions Acts' table (pension_age.txt); both are erased with the
-- referral. Without them the allegation is not erased at ten years: the
-- refresh sets retention_review_at, and the administrator's page lists it
-- for a person to decide.
ALTER TABLE referrals ADD COLUMN subject_born TEXT;
ALTER TABLE referrals ADD COLUMN subject_pension_at BIGINT;
ALTER TABLE referrals ADD COLUMN retention_review_at BIGINT;
CREATE INDEX referrals_retention_review ON referrals (retention_review_at) WHERE erased_at IS NULL;
