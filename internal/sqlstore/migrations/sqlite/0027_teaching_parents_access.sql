-- The teaching, parents' and children's voice, and internet access
-- registers (issue 17, items 5 to 7). The conventions of 0001_init.sql
-- hold here too. Nothing here names a child.

-- What a year group was taught on a strand of Education for a Connected
-- World (lifeguard.TeachingStrand), when, and by whom or in which subject.
CREATE TABLE teaching_entries (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	year_group      TEXT    NOT NULL CHECK (year_group IN ('N1', 'N2', 'R', '1', '2', '3', '4', '5', '6', '7', '8', '9',
		'10', '11', '12', '13')),
	strand          TEXT    NOT NULL CHECK (strand IN ('self_image', 'relationships', 'reputation', 'bullying',
		'information', 'health', 'privacy', 'copyright')),
	taught_on       TEXT    NOT NULL,
	taught          TEXT    NOT NULL,
	taught_by       TEXT    NOT NULL,
	recorded_by     INTEGER REFERENCES users (id),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX teaching_entries_organisation ON teaching_entries (organisation_id, taught_on);

-- Sessions and communications for parents and carers.
CREATE TABLE parent_contacts (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	held_on         TEXT    NOT NULL,
	topic           TEXT    NOT NULL,
	kind            TEXT    NOT NULL CHECK (kind IN ('session', 'meeting', 'letter', 'newsletter', 'website', 'social',
		'other')),
	reached         INTEGER NOT NULL CHECK (reached >= 0),
	notes           TEXT    NOT NULL,
	recorded_by     INTEGER REFERENCES users (id),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX parent_contacts_organisation ON parent_contacts (organisation_id, held_on);

-- Surveys of children about their online lives, with their aggregate
-- answers only (child_survey_answers): never a child's name or answer.
CREATE TABLE child_surveys (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	title           TEXT    NOT NULL,
	held_on         TEXT    NOT NULL,
	year_groups     TEXT    NOT NULL,
	respondents     INTEGER NOT NULL CHECK (respondents >= 0),
	findings        TEXT    NOT NULL,
	recorded_by     INTEGER REFERENCES users (id),
	created_at      INTEGER NOT NULL
);
CREATE INDEX child_surveys_organisation ON child_surveys (organisation_id, held_on);

-- One answer option of one question and how many chose it; question and
-- option number from 1 give the order.
CREATE TABLE child_survey_answers (
	id          INTEGER PRIMARY KEY,
	survey_id   INTEGER NOT NULL REFERENCES child_surveys (id),
	question_no INTEGER NOT NULL,
	question    TEXT    NOT NULL,
	option_no   INTEGER NOT NULL,
	answer      TEXT    NOT NULL,
	chosen      INTEGER NOT NULL CHECK (chosen >= 0),
	UNIQUE (survey_id, question_no, option_no)
);

-- The internet access record: groups of pupils, staff or visitors, with
-- the DNS filter's group that holds their devices.
CREATE TABLE access_groups (
	id              INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	name            TEXT    NOT NULL,
	kind            TEXT    NOT NULL CHECK (kind IN ('pupils', 'staff', 'visitors')),
	members         TEXT    NOT NULL,
	member_count    INTEGER NOT NULL CHECK (member_count >= 0),
	devices         TEXT    NOT NULL,
	how_given       TEXT    NOT NULL,
	agreement       TEXT    NOT NULL CHECK (agreement IN ('', 'aup_staff', 'aup_pupils', 'aup_visitors', 'aup_parents')),
	filter_group    TEXT    NOT NULL,
	updated_by      INTEGER REFERENCES users (id),
	updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX access_groups_name ON access_groups (organisation_id, name);
