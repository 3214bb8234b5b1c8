-- The prevention registers (issue 17) and improvement actions closed by
-- hand. The conventions of 0001_init.sql hold here too.

-- An improvement action can now be closed by hand by the organisation's
-- manager or safeguarding lead, with a note saying why ('closed'), besides
-- being met or superseded by a later audit.
ALTER TABLE improvement_actions DROP CONSTRAINT improvement_actions_status_check;
ALTER TABLE improvement_actions ADD CONSTRAINT improvement_actions_status_check
	CHECK (status IN ('open', 'met', 'superseded', 'closed'));
ALTER TABLE improvement_actions ADD COLUMN closed_by BIGINT REFERENCES users (id);
ALTER TABLE improvement_actions ADD COLUMN closed_note TEXT NOT NULL DEFAULT '';
ALTER TABLE improvement_actions ADD COLUMN updated_at BIGINT;
