-- +goose Up
-- Collections acts: promises to pay (they pause a customer's reminders until
-- the end of the promised day in the organization's time zone, then are kept
-- or broken) and invoice disputes (a disputed invoice leaves the reminder
-- flow, not the reports). WhatsApp opt-out is customers.whatsapp_opted_out.

CREATE TABLE promises_to_pay (
    id            uuid          PRIMARY KEY,
    customer_id   uuid          NOT NULL REFERENCES customers (id),
    amount        numeric(20,4) NOT NULL CHECK (amount > 0),
    currency      char(3)       NOT NULL,
    promised_date date          NOT NULL,
    status        text          NOT NULL CHECK (status IN ('pending', 'kept', 'broken', 'cancelled')),
    note          text          NOT NULL DEFAULT '',
    created_by    uuid,         -- the agent; NULL when recorded through the API
    created_at    timestamptz   NOT NULL,
    resolved_at   timestamptz,  -- NULL while pending
    CHECK ((status = 'pending') = (resolved_at IS NULL))
);

-- A customer has one pending promise at most (a new one replaces it); the
-- reminder planner asks "does this customer have a pending promise?".
CREATE UNIQUE INDEX promises_to_pay_pending_idx ON promises_to_pay (customer_id) WHERE status = 'pending';
-- The customer's history, newest first.
CREATE INDEX promises_to_pay_customer_created_idx ON promises_to_pay (customer_id, created_at DESC);

-- One row per invoice ever disputed; disputed while resolved_at IS NULL.
-- Disputing a resolved invoice again updates its row.
CREATE TABLE invoice_disputes (
    invoice_id  uuid        PRIMARY KEY REFERENCES invoices (id),
    reason      text        NOT NULL,
    opened_by   uuid,       -- the agent; NULL when opened through the API
    opened_at   timestamptz NOT NULL,
    resolved_at timestamptz,
    resolution  text        NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE invoice_disputes;
DROP TABLE promises_to_pay;
