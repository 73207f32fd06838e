-- +goose Up
-- The console's users (owner, manager, agent) and their sign-in sessions;
-- conversations are assigned to users.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    -- Stored lower case, so that the unique constraint is case-insensitive.
    email         text        NOT NULL UNIQUE CHECK (email <> '' AND email = lower(email)),
    name          text        NOT NULL CHECK (name <> ''),
    role          text        NOT NULL CHECK (role IN ('owner', 'manager', 'agent')),
    password_hash text        NOT NULL,
    language      text        NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'pt', 'en')),
    failed_logins integer     NOT NULL DEFAULT 0 CHECK (failed_logins >= 0), -- consecutive
    locked_until  timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- A session is found by the SHA-256 of the browser's token, never by the
-- token itself, which is not stored.
CREATE TABLE sessions (
    token_hash   text        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- No conversation is assigned in production yet, so the constraint is
-- validated at once. A user removed leaves their conversations unassigned.
ALTER TABLE conversations ADD CONSTRAINT conversations_assignee_fkey
    FOREIGN KEY (assignee_id) REFERENCES users (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE conversations DROP CONSTRAINT conversations_assignee_fkey;
DROP TABLE sessions;
DROP TABLE users;
