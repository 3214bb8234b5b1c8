-- Who a child is, for the organisation that knows them (issue 15). Every
-- column is optional; names and identifiers are read only through the
-- store's access rules (lifeguard.OpReadChildIdentity) and never written
-- into a journal detail.
ALTER TABLE children ADD COLUMN legal_forename TEXT;
ALTER TABLE children ADD COLUMN legal_surname TEXT;
ALTER TABLE children ADD COLUMN preferred_forename TEXT;
ALTER TABLE children ADD COLUMN year_group TEXT;
ALTER TABLE children ADD COLUMN reg_group TEXT;
ALTER TABLE children ADD COLUMN upn TEXT;
ALTER TABLE children ADD COLUMN nhs_number TEXT;
ALTER TABLE children ADD COLUMN la_number TEXT;
-- The day the child left the organisation; NULL while on roll.
ALTER TABLE children ADD COLUMN left_on TEXT;
-- find_key is what a search matches: the names, reference, identifiers and
-- year group in lower case, separated by spaces, written by the store
-- (sqlstore/child_find.go) whenever the record changes, so that a search
-- is one LIKE per word on one column and matches alike on both engines.
ALTER TABLE children ADD COLUMN find_key TEXT NOT NULL DEFAULT '';
-- merged_into is the record a DSL merged this one into; a merged record is
-- kept, empty, so that the journal's entries about it still name a row.
-- No foreign key: child_merges holds the checked link, and a key from the
-- table to itself would make a copy between engines depend on row order.
ALTER TABLE children ADD COLUMN merged_into INTEGER;

-- The records made before: their reference is all there is to find. lower
-- folds ASCII letters alike on both engines; references are codes the
-- organisation chose, in practice ASCII, and the store writes the key
-- again (in Go) whenever it changes a record.
UPDATE children SET find_key = lower(ref);

-- A unique pupil number names one child of an organisation.
CREATE UNIQUE INDEX children_upn ON children (organisation_id, upn) WHERE upn IS NOT NULL;
-- The duplicate check and an import's second way of matching: name and
-- date of birth.
CREATE INDEX children_dob ON children (organisation_id, date_of_birth);

-- A DSL's merge of two records of the same child: what moved, for review.
CREATE TABLE child_merges (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	kept_child_id   INTEGER NOT NULL REFERENCES children (id),
	merged_child_id INTEGER NOT NULL REFERENCES children (id),
	merged_by       INTEGER NOT NULL REFERENCES users (id),
	merged_at       INTEGER NOT NULL,
	concerns        INTEGER NOT NULL,
	transfers       INTEGER NOT NULL,
	-- The reference the merged record had, so the review shows it.
	merged_ref      TEXT    NOT NULL
);
CREATE INDEX child_merges_kept ON child_merges (kept_child_id);
