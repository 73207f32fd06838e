-- +goose Up
-- Dunning: the organization's reminder policy (each message step is sent by
-- a dunning campaign, whose recipients the planner adds), each planner run
-- with its skip counts, escalations to agents, and the payment links made
-- for reminders (one per reminder, whatever the retries).

CREATE TABLE dunning_policies (
    id         uuid        PRIMARY KEY,
    -- [{offset, kind, template, language, variables, min_amount, min_currency, campaign_id}], by offset
    steps      jsonb       NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    send_from  integer     NOT NULL CHECK (send_from BETWEEN 0 AND 1440),  -- minute of the day, local
    send_until integer     NOT NULL CHECK (send_until BETWEEN 0 AND 1440),
    weekdays   integer[]   NOT NULL,                                        -- 0 Sunday … 6 Saturday
    updated_at timestamptz NOT NULL
);

CREATE TABLE dunning_runs (
    id          uuid        PRIMARY KEY, -- UUIDv7: id order is start order
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    as_of       date        NOT NULL,    -- the organization's day the run planned for
    -- {"<offset>": {"reached": n, "enqueued": n, "already": n, "<skip reason>": n}}
    counts      jsonb       NOT NULL CHECK (jsonb_typeof(counts) = 'object'),
    enqueued    integer     NOT NULL DEFAULT 0,
    escalated   integer     NOT NULL DEFAULT 0
);

CREATE TABLE dunning_escalations (
    id              uuid        PRIMARY KEY,
    customer_id     uuid        NOT NULL REFERENCES customers (id),
    step_offset     integer     NOT NULL,
    key             text        NOT NULL,
    conversation_id uuid        REFERENCES conversations (id) ON DELETE SET NULL, -- NULL: the customer had none
    assignee_id     uuid        REFERENCES users (id) ON DELETE SET NULL,
    note            text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    UNIQUE (customer_id, key)
);
CREATE INDEX dunning_escalations_recent ON dunning_escalations (created_at DESC, id DESC);

-- The payment link a reminder carries: the reminder's retries reuse it.
CREATE TABLE dunning_links (
    key        text        PRIMARY KEY,
    link_id    uuid        NOT NULL REFERENCES payment_links (id),
    created_at timestamptz NOT NULL
);

-- The planner looks for invoices, open or paid, whose due date falls in a
-- step's window; the paid ones are counted as skipped ("paid").
CREATE INDEX invoices_due_date_open_paid_idx ON invoices (due_date, customer_id) WHERE status IN ('open', 'paid');
-- It then sums what each of those customers owes by a date: an index-only
-- scan of their open invoices.
CREATE INDEX invoices_open_customer_due_idx ON invoices (customer_id, due_date) INCLUDE (currency, total, amount_paid) WHERE status = 'open';

-- +goose Down
DROP INDEX invoices_open_customer_due_idx;
DROP INDEX invoices_due_date_open_paid_idx;
DROP TABLE dunning_links;
DROP TABLE dunning_escalations;
DROP TABLE dunning_runs;
DROP TABLE dunning_policies;
