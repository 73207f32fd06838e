-- Billing: customers, invoices, payments and their allocations, API keys.
-- Money is numeric(20,4) beside a char(3) ISO 4217 currency; calendar days
-- (issue and due dates) are date; instants are timestamptz.

-- +goose Up
CREATE TABLE customers (
    id                 uuid        PRIMARY KEY,
    external_id        text        NOT NULL UNIQUE,
    name               text        NOT NULL,
    email              text        NOT NULL DEFAULT '',
    phone              text        NOT NULL DEFAULT '', -- E.164, '' when unknown
    phone_key          text        NOT NULL DEFAULT '', -- phone.Number.CanonicalKey(): matches WhatsApp senders
    tax_id             text        NOT NULL DEFAULT '',
    tags               jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
    language           text        NOT NULL,
    metadata           json        NOT NULL DEFAULT '{}' CHECK (json_typeof(metadata) = 'object'), -- json keeps the canonical text as written
    whatsapp_opted_out boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

-- One indexed lookup per inbound WhatsApp message. Customer search uses
-- ILIKE '%…%', which no btree serves; pg_trgm GIN indexes are the next step
-- when the customer table grows past what a sequential scan answers quickly.
CREATE INDEX customers_phone_key_idx ON customers (phone_key);

CREATE TABLE invoices (
    id          uuid          PRIMARY KEY,
    external_id text          NOT NULL UNIQUE,
    customer_id uuid          NOT NULL REFERENCES customers (id),
    number      text          NOT NULL,
    currency    char(3)       NOT NULL,
    issue_date  date          NOT NULL,
    due_date    date          NOT NULL,
    total       numeric(20,4) NOT NULL CHECK (total >= 0),
    amount_paid numeric(20,4) NOT NULL CHECK (amount_paid >= 0 AND amount_paid <= total),
    status      text          NOT NULL CHECK (status IN ('open', 'paid', 'void', 'uncollectible')),
    description text          NOT NULL DEFAULT '',
    metadata    json          NOT NULL DEFAULT '{}' CHECK (json_typeof(metadata) = 'object'),
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    CHECK (due_date >= issue_date)
);

-- (customer_id, status) also serves the foreign key; the partial index on
-- due_date serves aging, overdue lists and dunning, which only look at open
-- invoices.
CREATE INDEX invoices_customer_status_idx ON invoices (customer_id, status);
CREATE INDEX invoices_open_due_date_idx ON invoices (due_date) WHERE status = 'open';
CREATE INDEX invoices_customer_due_date_idx ON invoices (customer_id, due_date);

CREATE TABLE payments (
    id                 uuid          PRIMARY KEY,
    customer_id        uuid          NOT NULL REFERENCES customers (id),
    amount             numeric(20,4) NOT NULL CHECK (amount > 0),
    currency           char(3)       NOT NULL,
    method             text          NOT NULL,
    provider_reference text          CHECK (provider_reference <> ''), -- NULL when none
    received_at        timestamptz   NOT NULL,
    created_at         timestamptz   NOT NULL
);

-- Recording the same provider payment twice records it once.
CREATE UNIQUE INDEX payments_provider_reference_key ON payments (provider_reference)
    WHERE provider_reference IS NOT NULL;
CREATE INDEX payments_customer_received_idx ON payments (customer_id, received_at DESC);
CREATE INDEX payments_created_idx ON payments (created_at, id);

CREATE TABLE payment_allocations (
    payment_id uuid          NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    invoice_id uuid          NOT NULL REFERENCES invoices (id),
    amount     numeric(20,4) NOT NULL CHECK (amount > 0),
    position   integer       NOT NULL, -- the order in which the payment settled its invoices
    PRIMARY KEY (payment_id, invoice_id)
);

CREATE INDEX payment_allocations_invoice_idx ON payment_allocations (invoice_id);

CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,
    name         text        NOT NULL,
    hash         text        NOT NULL UNIQUE, -- SHA-256 of the secret, hex
    hint         text        NOT NULL DEFAULT '',
    scopes       text        NOT NULL,        -- comma-separated, e.g. 'read,write'
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE invoices;
DROP TABLE customers;
