-- +goose Up
-- Payment links: a page at a payment provider (Stripe) or Saldo's sandbox
-- where a customer pays an amount covering some of their invoices. And,
-- for refunds to come, what has gone back of each payment.

CREATE TABLE payment_links (
    id              uuid          PRIMARY KEY,
    customer_id     uuid          NOT NULL REFERENCES customers (id),
    -- No foreign key can check array elements; the application checks the
    -- invoices when it makes the link.
    invoice_ids     uuid[]        NOT NULL
                                  CHECK (cardinality(invoice_ids) > 0 AND array_position(invoice_ids, NULL) IS NULL),
    amount          numeric(20,4) NOT NULL CHECK (amount > 0),
    currency        char(3)       NOT NULL,
    provider        text          NOT NULL,
    provider_id     text          NOT NULL DEFAULT '', -- '' until the provider creates the page
    url             text          NOT NULL DEFAULT '',
    token           text          NOT NULL UNIQUE CHECK (token <> ''), -- secret, in the sandbox pay page's URL
    status          text          NOT NULL CHECK (status IN ('creating', 'open', 'paid', 'expired', 'failed')),
    conversation_id uuid          REFERENCES conversations (id) ON DELETE SET NULL, -- NULL when not sent
    payment_id      uuid          REFERENCES payments (id),                        -- NULL until paid
    expires_at      timestamptz   NOT NULL,
    paid_at         timestamptz,
    created_at      timestamptz   NOT NULL,
    updated_at      timestamptz   NOT NULL
);

-- A customer's links, newest first; also serves the customer foreign key.
CREATE INDEX payment_links_customer_created ON payment_links (customer_id, created_at DESC);
-- A provider's webhook finds its link here; one link per provider page.
CREATE UNIQUE INDEX payment_links_provider_id ON payment_links (provider_id) WHERE provider_id <> '';
-- Deleting a conversation finds its links here (ON DELETE SET NULL).
CREATE INDEX payment_links_conversation ON payment_links (conversation_id) WHERE conversation_id IS NOT NULL;

-- Not used yet. A constant default fills the existing rows without
-- rewriting the table; the check reads them once.
ALTER TABLE payments ADD COLUMN refunded_amount numeric(20,4) NOT NULL DEFAULT 0
    CHECK (refunded_amount >= 0 AND refunded_amount <= amount);

-- +goose Down
ALTER TABLE payments DROP COLUMN refunded_amount;
DROP TABLE payment_links;
