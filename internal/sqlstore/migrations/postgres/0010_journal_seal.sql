-- The seal of the journal's head: an HMAC-SHA256, under a key kept outside
-- the database, of the head's seq and hash (internal/sqlstore/journal_seal.go).
-- Empty until the journal is first sealed, and on a store run without a key.
ALTER TABLE journal_head ADD COLUMN seal TEXT NOT NULL DEFAULT '';
