-- R-MOD-04: two graduate records of different cohorts sharing an ID number under different names
-- are the same person only once the school admin confirms it. One row per confirmed pair, the
-- smaller id first.
CREATE TABLE person_links (
    graduate_id BIGINT NOT NULL REFERENCES graduates(id),
    other_id BIGINT NOT NULL REFERENCES graduates(id),
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (graduate_id, other_id),
    CHECK (graduate_id < other_id)
);
