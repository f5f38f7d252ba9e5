-- Accounts, sessions, API tokens, sign-in throttling and the audit log (issue 9).
-- The first migration's users and api_tokens tables were never used; they are replaced.

DROP TABLE api_tokens;
DROP TABLE users;

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    -- Stored lower-cased: one account per address whatever the spelling.
    email         TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    disabled_at   TIMESTAMPTZ,
    -- Bumped to end every session of the user ("sign out everywhere", a new password).
    session_epoch INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- The first characters of the token, shown so a leaked token is recognisable.
    prefix       TEXT NOT NULL,
    -- SHA-256 of the whole token, hex; the token itself is never stored.
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- A name is reused only after the token that had it is revoked.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (user_id, name) WHERE revoked_at IS NULL;

-- tower-sessions-sqlx-store's layout, created here so that no instance creates schema
-- at start-up and every instance shares the sessions.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_expiry_idx ON tower_sessions.session (expiry_date);

-- One row per failed sign-in; throttling counts the recent ones per account and per
-- client address. Old rows are deleted as new ones arrive.
CREATE TABLE sign_in_failures (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT NOT NULL,
    address   TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, failed_at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, failed_at);

-- Who did what to accounts and tokens; service changes stay in events.
CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    address    TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_created_idx ON audit_events (created_at DESC, id DESC);
