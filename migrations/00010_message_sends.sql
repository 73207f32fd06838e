-- +goose Up
-- When a sender last handed an outbound message to WhatsApp without
-- learning the outcome (a timeout, or the sender died): a later attempt
-- waits for a status webhook naming the message before it sends again.
ALTER TABLE messages ADD COLUMN send_claimed_at timestamptz;

-- +goose Down
ALTER TABLE messages DROP COLUMN send_claimed_at;
