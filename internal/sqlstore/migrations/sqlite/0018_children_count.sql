-- The number of children an organisation serves (pupils on roll, children
-- on the caseload), as its manager or an administrator gives it, and when
-- it was given; NULL when not given. The board report divides the concerns
-- of each type of organisation by the children of that type, so that a
-- large school is not read as a worse one (internal/report).
ALTER TABLE organisations ADD COLUMN children_count INTEGER;
ALTER TABLE organisations ADD COLUMN children_count_at BIGINT;
