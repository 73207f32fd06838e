-- +goose Up
-- The WhatsApp channel: business numbers, conversations and their messages,
-- templates, the durable webhook inbox and the job outbox.

CREATE TABLE whatsapp_numbers (
    id                  uuid        PRIMARY KEY,
    phone_number_id     text        NOT NULL UNIQUE,
    business_account_id text        NOT NULL,
    display_phone       text        NOT NULL DEFAULT '',
    display_name        text        NOT NULL DEFAULT '',
    color               text        NOT NULL DEFAULT '#25d366' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id              uuid        PRIMARY KEY,
    number_id       uuid        NOT NULL REFERENCES whatsapp_numbers (id),
    wa_id           text        NOT NULL CHECK (wa_id ~ '^[0-9]{8,15}$'),
    contact_name    text        NOT NULL DEFAULT '',
    customer_id     uuid        REFERENCES customers (id),
    status          text        NOT NULL CHECK (status IN ('open', 'closed')),
    assignee_id     uuid,
    priority        text        NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    tags            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
    ai_enabled      boolean     NOT NULL DEFAULT true,
    unread          integer     NOT NULL DEFAULT 0 CHECK (unread >= 0),
    last_inbound_at timestamptz,
    last_message_at timestamptz,
    last_preview    text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    closed_at       timestamptz,
    -- One thread per (number, customer); wa_id first so the index also
    -- finds a customer's threads on every number.
    UNIQUE (wa_id, number_id)
);
-- Inbox lists run newest first: last_message_at DESC NULLS LAST, id DESC.
-- They sort on coalesce(last_message_at, '-infinity'), the same order, so
-- that a page's cursor is one row comparison these indexes seek to, however
-- deep the page (a NULL cannot take part in a row comparison).
CREATE INDEX conversations_inbox ON conversations
    (status, (coalesce(last_message_at, '-infinity'::timestamptz)) DESC, id DESC);
CREATE INDEX conversations_recent ON conversations
    ((coalesce(last_message_at, '-infinity'::timestamptz)) DESC, id DESC);
CREATE INDEX conversations_assignee ON conversations
    (assignee_id, (coalesce(last_message_at, '-infinity'::timestamptz)) DESC, id DESC)
    WHERE assignee_id IS NOT NULL;
CREATE INDEX conversations_customer ON conversations (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE messages (
    id              uuid        PRIMARY KEY, -- UUIDv7: id order is arrival order
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    wamid           text        CHECK (wamid <> ''), -- NULL until WhatsApp accepts an outbound message
    direction       text        NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
    type            text        NOT NULL,
    content         jsonb       NOT NULL,
    context_wamid   text        NOT NULL DEFAULT '',
    status          text        NOT NULL CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
    error_code      integer,
    error_title     text        NOT NULL DEFAULT '',
    error_detail    text        NOT NULL DEFAULT '',
    author_id       uuid,
    sent_at         timestamptz,
    delivered_at    timestamptz,
    read_at         timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
-- A redelivered webhook finds its message here and adds nothing.
CREATE UNIQUE INDEX messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE templates (
    id          uuid        PRIMARY KEY,
    -- PostgreSQL regular expressions repeat at most 255 times: {1,512} would
    -- fail every insert, so the length is checked apart.
    name        text        NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND length(name) <= 512),
    language    text        NOT NULL,
    category    text        NOT NULL CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
    details     jsonb       NOT NULL,
    status      text        NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED')),
    reason      text        NOT NULL DEFAULT '',
    provider_id text        NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL,
    UNIQUE (name, language)
);

-- Webhook deliveries are stored here before they are answered, and
-- processed from here: a crash after the 200 loses nothing.
CREATE TABLE webhook_events (
    id           uuid        PRIMARY KEY,
    source       text        NOT NULL,
    body         bytea       NOT NULL,
    received_at  timestamptz NOT NULL,
    processed_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text        NOT NULL DEFAULT ''
);
CREATE INDEX webhook_events_pending ON webhook_events (received_at, id) WHERE processed_at IS NULL;

-- Jobs written in the same transaction as the change that needs them; a
-- relay hands them to the queue after the commit.
CREATE TABLE outbox (
    id         uuid        PRIMARY KEY,
    kind       text        NOT NULL,
    ref        uuid        NOT NULL,
    run_at     timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (run_at, id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE webhook_events;
DROP TABLE templates;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE whatsapp_numbers;
