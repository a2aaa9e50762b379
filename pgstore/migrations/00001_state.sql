-- +goose Up
-- Delivery keys a platform may send again (Slack event IDs and message
-- timestamps, Discord interaction and message IDs), each kept until
-- expires_at: the first replica to insert a key handles the delivery.
CREATE TABLE seen (
    key        text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX seen_expires_at ON seen (expires_at);

-- Conversations (threads) the bot took part in, and their turns.
CREATE TABLE conversations (
    key        text PRIMARY KEY,
    updated_at timestamptz NOT NULL
);
CREATE INDEX conversations_updated_at ON conversations (updated_at);

CREATE TABLE conversation_turns (
    key  text   NOT NULL REFERENCES conversations (key) ON DELETE CASCADE,
    seq  bigint GENERATED ALWAYS AS IDENTITY,
    role text   NOT NULL,
    text text   NOT NULL,
    PRIMARY KEY (key, seq)
);

-- Readers' verdicts on answers, from the feedback buttons.
CREATE TABLE feedback (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    answer_id text        NOT NULL,
    helpful   boolean     NOT NULL,
    platform  text        NOT NULL,
    user_id   text        NOT NULL DEFAULT '',
    at        timestamptz NOT NULL
);
CREATE INDEX feedback_answer_id ON feedback (answer_id);

-- +goose Down
DROP TABLE feedback;
DROP TABLE conversation_turns;
DROP TABLE conversations;
DROP TABLE seen;
