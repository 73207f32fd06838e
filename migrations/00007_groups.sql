-- +goose Up
-- Contact groups: named lists of customers that finance builds by hand or
-- by importing a file, and that campaigns target. And customer imports from
-- CSV files: big files wait here, with their progress, for a worker that
-- imports them in batches and resumes after the last committed one.

CREATE TABLE groups (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (name <> '' AND char_length(name) <= 80),
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Names are unique whatever their case: "VIP" and "vip" are one group.
CREATE UNIQUE INDEX groups_name_key ON groups (lower(name));

CREATE TABLE group_members (
    group_id    uuid        NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    customer_id uuid        NOT NULL REFERENCES customers (id),
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (group_id, customer_id)
);

-- A customer's groups (the customer page, campaigns moving failed contacts).
CREATE INDEX group_members_customer_id_idx ON group_members (customer_id);

CREATE TABLE customer_imports (
    id           uuid        PRIMARY KEY,
    status       text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    file_name    text        NOT NULL DEFAULT '',
    file         bytea,      -- the uploaded CSV until the import ends; NULL after
    total_rows   integer     NOT NULL DEFAULT 0 CHECK (total_rows >= 0),
    processed    integer     NOT NULL DEFAULT 0 CHECK (processed >= 0 AND processed <= total_rows),
    created      integer     NOT NULL DEFAULT 0 CHECK (created >= 0),
    updated      integer     NOT NULL DEFAULT 0 CHECK (updated >= 0),
    unchanged    integer     NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
    failed       integer     NOT NULL DEFAULT 0 CHECK (failed >= 0),
    members_added integer    NOT NULL DEFAULT 0 CHECK (members_added >= 0),
    failure      text        NOT NULL DEFAULT '', -- why the whole import stopped, when it did
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz
);

CREATE INDEX customer_imports_created_at_idx ON customer_imports (created_at DESC);

-- The per-row error report: written in the transaction of the batch whose
-- rows failed, so a batch run again after a crash does not report twice.
CREATE TABLE customer_import_errors (
    import_id   uuid    NOT NULL REFERENCES customer_imports (id) ON DELETE CASCADE,
    line        integer NOT NULL,
    col         text    NOT NULL DEFAULT '', -- '' when the whole row is at fault
    message     text    NOT NULL,
    PRIMARY KEY (import_id, line, col)
);

-- +goose Down
DROP TABLE customer_import_errors;
DROP TABLE customer_imports;
DROP TABLE group_members;
DROP TABLE groups;
