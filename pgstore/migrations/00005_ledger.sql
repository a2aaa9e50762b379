-- +goose Up
-- The corpus-wide conflict ledger, keyed by the passages it was computed
-- from and the detection rules' version: computed by one replica, read by
-- the others.
CREATE TABLE conflict_ledgers (
    key         text PRIMARY KEY,
    conflicts   jsonb       NOT NULL,
    computed_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE conflict_ledgers;
