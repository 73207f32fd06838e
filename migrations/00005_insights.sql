-- +goose Up
-- Insights: what an analysis of a conversation concluded (summary,
-- sentiment, topics, next action, a promise to pay), kept with its history,
-- newest last. And the organization's one row of AI settings: which
-- analyzer runs, and the OpenAI key sealed with SALDO_SECRET_KEY.

CREATE TABLE insights (
    id               uuid          PRIMARY KEY,
    conversation_id  uuid          NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    customer_id      uuid          REFERENCES customers (id), -- NULL when the conversation was not linked
    summary          text          NOT NULL,
    sentiment        text          NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    topics           text[]        NOT NULL
                                   CHECK (cardinality(topics) > 0 AND array_position(topics, NULL) IS NULL),
    tags             text[]        NOT NULL DEFAULT '{}' CHECK (array_position(tags, NULL) IS NULL),
    next_action      text          NOT NULL,
    next_action_text text          NOT NULL DEFAULT '',
    -- A promise to pay: all NULL when none; a date, and an amount with its
    -- currency unless the customer said none.
    promise_amount   numeric(20,4),
    promise_currency char(3),
    promise_date     date,
    model            text          NOT NULL, -- the model, or 'offline'
    input_tokens     integer       NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens    integer       NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    created_at       timestamptz   NOT NULL,
    CHECK ((promise_amount IS NULL) = (promise_currency IS NULL)),
    CHECK (promise_date IS NOT NULL OR promise_amount IS NULL)
);

-- A conversation's latest insight and its history; also serves the
-- conversation foreign key (ON DELETE CASCADE).
CREATE INDEX insights_conversation_created ON insights (conversation_id, created_at DESC);
-- Tokens used since a time; the weeks of the negative trend.
CREATE INDEX insights_created ON insights (created_at);
-- The review list filtered by sentiment over a period.
CREATE INDEX insights_sentiment_created ON insights (sentiment, created_at);

-- One row (id 1) at most; none stored means the offline analyzer.
CREATE TABLE ai_settings (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    provider       text        NOT NULL CHECK (provider IN ('offline', 'openai')),
    api_key_sealed bytea,      -- NULL when no key was given
    model          text        NOT NULL DEFAULT 'gpt-4o-mini',
    updated_at     timestamptz NOT NULL,
    updated_by     uuid        REFERENCES users (id) ON DELETE SET NULL
);

-- +goose Down
DROP TABLE ai_settings;
DROP TABLE insights;
