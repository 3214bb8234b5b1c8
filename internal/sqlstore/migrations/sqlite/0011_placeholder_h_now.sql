-- Placeholder on branch h-outbox for a migration another branch adds; the lead drops it at merge.
SELECT 1;
