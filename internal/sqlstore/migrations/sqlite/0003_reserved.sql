-- Reserved: version 3 belongs to a migration of another branch, merged
-- before this one. It changes nothing, so that versions stay numbered
-- without a gap; it is replaced by that branch's migration at merge.
SELECT 1;
