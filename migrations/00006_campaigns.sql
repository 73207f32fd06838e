-- +goose Up
-- Campaigns: saved ledger segments, campaigns (finance's bulk sends and the
-- dunning engine's reminder steps) and their recipients, each sent once.

CREATE TABLE segments (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    criteria   jsonb       NOT NULL CHECK (jsonb_typeof(criteria) = 'object'),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX segments_name ON segments (lower(name));

CREATE TABLE campaigns (
    id                uuid        PRIMARY KEY,
    -- 'campaign': sent once to an audience; 'dunning': a reminder step that
    -- gains recipients as the planner finds customers reaching it.
    kind              text        NOT NULL CHECK (kind IN ('campaign', 'dunning')),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    number_id         uuid        NOT NULL REFERENCES whatsapp_numbers (id),
    template_name     text        NOT NULL,
    template_language text        NOT NULL,
    variables         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(variables) = 'array'),
    audience          jsonb       NOT NULL CHECK (jsonb_typeof(audience) = 'object'),
    scheduled_at      timestamptz NOT NULL,
    status            text        NOT NULL CHECK (status IN ('scheduled', 'running', 'paused', 'finished', 'cancelled')),
    retry_intervals   jsonb       NOT NULL CHECK (jsonb_typeof(retry_intervals) = 'array'), -- seconds
    failure_group_id  uuid,
    created_by        uuid,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz
);
CREATE INDEX campaigns_active ON campaigns (status, scheduled_at) WHERE status IN ('scheduled', 'running');
CREATE INDEX campaigns_recent ON campaigns (created_at DESC, id DESC);

CREATE TABLE campaign_recipients (
    id              uuid        PRIMARY KEY,
    campaign_id     uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id     uuid        NOT NULL REFERENCES customers (id),
    -- One recipient per key and campaign: the customer for a campaign; the
    -- customer and the due date that reached the step for a reminder.
    dedupe_key      text        NOT NULL,
    wa_id           text        NOT NULL DEFAULT '',
    contact         text        NOT NULL DEFAULT '',
    status          text        NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped')),
    skip_reason     text        NOT NULL DEFAULT '',
    params          jsonb       NOT NULL DEFAULT '[]',
    wamid           text        CHECK (wamid <> ''),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    claimed_at      timestamptz,
    error_code      integer,
    error_title     text        NOT NULL DEFAULT '',
    error_detail    text        NOT NULL DEFAULT '',
    sent_at         timestamptz,
    delivered_at    timestamptz,
    read_at         timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (campaign_id, dedupe_key)
);
-- Dispatch claims the due recipients of a campaign in this order.
CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign_id, next_attempt_at, id) WHERE status = 'pending';
-- Sends whose outcome is unknown (the sender died) are found here.
CREATE INDEX campaign_recipients_sending ON campaign_recipients (claimed_at) WHERE status = 'sending';
CREATE INDEX campaign_recipients_status ON campaign_recipients (campaign_id, status);
CREATE UNIQUE INDEX campaign_recipients_wamid ON campaign_recipients (wamid) WHERE wamid IS NOT NULL;
-- A customer's reply is linked to the campaign that last wrote to them; a
-- customer's history lists their reminders.
CREATE INDEX campaign_recipients_wa_id ON campaign_recipients (wa_id, sent_at DESC) WHERE sent_at IS NOT NULL;
CREATE INDEX campaign_recipients_customer ON campaign_recipients (customer_id, created_at DESC);

-- The campaign a customer's message answers, when it answers one.
ALTER TABLE messages ADD COLUMN campaign_id uuid REFERENCES campaigns (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE messages DROP COLUMN campaign_id;
DROP TABLE campaign_recipients;
DROP TABLE campaigns;
DROP TABLE segments;
