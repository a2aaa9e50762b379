-- +goose Up
-- Digest records, one per period (digest.Period as JSON: its window, the
-- digest built for it, and per channel and part what was posted). The
-- Runner reads and writes them only while it holds the digest advisory
-- lock.
CREATE TABLE digest_periods (
    id         text PRIMARY KEY,
    until_at   timestamptz NOT NULL,
    record     jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX digest_periods_until_at ON digest_periods (until_at);

-- +goose Down
DROP TABLE digest_periods;
