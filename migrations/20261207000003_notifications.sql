-- Notifications (issue 13): what each user is told, how each chose to hear it, the
-- services' outgoing webhooks, and the outbox that delivers email and webhooks at
-- least once, with a log of every webhook attempt (app/src/domain/notification.rs).

CREATE TABLE notifications (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'overdue', 'review_waiting',
                                             'review_voided', 'exemption_expiring', 'forecast_slip',
                                             'digest')),
    service_id BIGINT REFERENCES services (id) ON DELETE CASCADE,
    subject    TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body       TEXT NOT NULL DEFAULT '',
    -- A path inside the portal ("/services/payments-api/reviews/3").
    link       TEXT NOT NULL DEFAULT '',
    -- One fact is told once per user, however often the scan sees it again.
    dedupe_key TEXT NOT NULL,
    -- False when the user turned the bell off for this kind; the row still records
    -- that they were told (by email) and keeps the fact from being told twice.
    in_app     BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at    TIMESTAMPTZ,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC) WHERE in_app;

CREATE TABLE notification_preferences (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL: every service. A service's own row overrides it, both ways.
    service_id BIGINT REFERENCES services (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'overdue', 'review_waiting',
                                             'review_voided', 'exemption_expiring', 'forecast_slip',
                                             'digest')),
    in_app     BOOLEAN NOT NULL,
    email      BOOLEAN NOT NULL,
    UNIQUE NULLS NOT DISTINCT (user_id, service_id, kind)
);

CREATE TABLE webhooks (
    id          BIGSERIAL PRIMARY KEY,
    service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    url         TEXT NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    -- Signs every delivery (HMAC-SHA256); editors copy it into the receiver.
    secret      TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('json', 'slack')),
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_service_idx ON webhooks (service_id);

-- What is still to be sent. A worker claims due rows with a lease (SKIP LOCKED), sends
-- them, and marks them delivered; a failure is retried with backoff, and a crash
-- after sending sends again once the lease runs out: at least once.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    notification_id BIGINT REFERENCES notifications (id) ON DELETE CASCADE,
    webhook_id      BIGINT REFERENCES webhooks (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    -- The address, or the webhook's URL when it was queued.
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    -- The email's text, or the webhook's JSON body, rendered when queued.
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until     TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    -- Given up after the last attempt; the log says why.
    failed_at       TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL)),
    CHECK ((channel = 'email') = (notification_id IS NOT NULL))
);
CREATE UNIQUE INDEX outbox_webhook_once_idx ON outbox (webhook_id, dedupe_key) WHERE webhook_id IS NOT NULL;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Every webhook attempt, answered or not.
CREATE TABLE webhook_deliveries (
    id           BIGSERIAL PRIMARY KEY,
    outbox_id    BIGINT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    webhook_id   BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    duration_ms  INTEGER NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, attempted_at DESC, id DESC);
