-- Look-ups the school server's load test (scripts/bench-server.sh) found as full scans: the
-- graduate by ID number (every home page, every invitation by name + ID number), the accounts of
-- a graduate or an employer (the notices of nearly every write), an item's children (an
-- agreement's terminations in its timeline and in the one-open-request check). The same indexes
-- on both backends.
CREATE INDEX graduates_id_number ON graduates (id_number);
CREATE INDEX accounts_graduate ON accounts (graduate_id);
CREATE INDEX accounts_employer ON accounts (employer_id);
CREATE INDEX items_parent ON items (parent_id);
