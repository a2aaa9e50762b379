-- +goose Up
-- The corpus folder's article files, as one replica at a time (under the
-- corpus advisory lock) found them. Every change takes the next version;
-- a removed file stays as a tombstone (removed, no content) so replicas
-- that follow the versions learn of the removal.
CREATE SEQUENCE corpus_version;
CREATE TABLE corpus_files (
    path       text PRIMARY KEY,
    content    bytea,
    hash       text        NOT NULL,
    size       bigint      NOT NULL,
    version    bigint      NOT NULL,
    removed    boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL
);
CREATE INDEX corpus_files_version ON corpus_files (version);

-- The articles parsed from those files: metadata, content hash and when
-- the article was first seen (which drives the digest), kept after removal.
CREATE TABLE articles (
    id           text PRIMARY KEY,
    title        text        NOT NULL DEFAULT '',
    outlet       text        NOT NULL DEFAULT '',
    url          text        NOT NULL DEFAULT '',
    published    timestamptz,
    source       text        NOT NULL DEFAULT '',
    content_hash text        NOT NULL,
    first_seen   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    removed_at   timestamptz
);

-- +goose Down
DROP TABLE articles;
DROP TABLE corpus_files;
DROP SEQUENCE corpus_version;
