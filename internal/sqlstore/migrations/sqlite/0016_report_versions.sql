-- A counter per partnership that every change of report_counts moves on,
-- in the same transaction: a server keeps a period's figures until it
-- moves (internal/sqlstore/report_cache.go), on every server alike.
CREATE TABLE report_versions (
	partnership_id INTEGER PRIMARY KEY,
	version        INTEGER NOT NULL
);
INSERT INTO report_versions (partnership_id, version) SELECT id, 1 FROM partnerships;
