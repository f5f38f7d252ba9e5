-- Readiness reviews: a point in time when named people decide go or no-go on the
-- facts frozen in a snapshot (app/src/domain/review).

CREATE TABLE reviews (
    id          BIGSERIAL PRIMARY KEY,
    service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    title       TEXT NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    opened_by   TEXT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- What the approvers decide on: the domain's ReviewSnapshot as JSON. Never updated.
    snapshot    JSONB NOT NULL,
    -- A conditional go whose follow-up became overdue is void; so is a withdrawn review.
    voided_at   TIMESTAMPTZ,
    void_reason TEXT,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX reviews_service_idx ON reviews (service_id, opened_at DESC, id DESC);

-- One named person per role ("SRE", "Security"); each records one decision.
CREATE TABLE review_approvers (
    id          BIGSERIAL PRIMARY KEY,
    review_id   BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    role_label  TEXT NOT NULL CHECK (length(btrim(role_label)) BETWEEN 1 AND 120),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    decision    TEXT CHECK (decision IN ('go', 'conditional_go', 'no_go')),
    comment     TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 5000),
    decided_at  TIMESTAMPTZ,
    UNIQUE (review_id, role_label),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX review_approvers_user_idx ON review_approvers (user_id) WHERE decision IS NULL;

-- The dated checklist items a conditional go asked for.
CREATE TABLE review_follow_ups (
    review_id   BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    approver_id BIGINT NOT NULL REFERENCES review_approvers (id) ON DELETE CASCADE,
    item_id     BIGINT NOT NULL REFERENCES checklist_items (id) ON DELETE CASCADE,
    PRIMARY KEY (review_id, item_id)
);
CREATE INDEX review_follow_ups_item_idx ON review_follow_ups (item_id);
