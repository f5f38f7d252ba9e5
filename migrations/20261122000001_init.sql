-- Preflight's whole data model. Enumerations are TEXT with CHECK constraints so that
-- adding a value is a one-line migration; the Rust enums in app/src/model.rs mirror them.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    display_name  TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ
);

CREATE TABLE services (
    id             BIGSERIAL PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE
                   CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    name           TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    description    TEXT NOT NULL DEFAULT '',
    team           TEXT NOT NULL DEFAULT '',
    target_go_live DATE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE phases (
    id                        BIGSERIAL PRIMARY KEY,
    service_id                BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position                  INTEGER NOT NULL DEFAULT 0,
    name                      TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    goal                      TEXT NOT NULL DEFAULT '',
    planned_start             DATE,
    planned_end               DATE,
    effort_min_days           INTEGER CHECK (effort_min_days >= 0),
    effort_max_days           INTEGER CHECK (effort_max_days >= 0),
    -- NULL means the document gave no figure ("Variable").
    monthly_cost_change_cents BIGINT,
    completed_at              TIMESTAMPTZ,
    version                   INTEGER NOT NULL DEFAULT 1,
    UNIQUE (id, service_id),
    CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start),
    CHECK (effort_min_days IS NULL OR effort_max_days IS NULL OR effort_min_days <= effort_max_days)
);
CREATE INDEX phases_service_idx ON phases (service_id, position);

CREATE TABLE checklist_sections (
    id         BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    UNIQUE (id, service_id)
);
CREATE INDEX checklist_sections_service_idx ON checklist_sections (service_id, position);

CREATE TABLE checklist_items (
    id          BIGSERIAL PRIMARY KEY,
    -- service_id is repeated here so composite foreign keys can prove that the
    -- section and the phase belong to the same service as the item.
    service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    section_id  BIGINT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    detail      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'todo'
                CHECK (status IN ('todo', 'in_progress', 'done', 'not_applicable')),
    priority    TEXT NOT NULL DEFAULT 'medium'
                CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    owner       TEXT NOT NULL DEFAULT '',
    due_date    DATE,
    evidence_url TEXT CHECK (evidence_url IS NULL OR evidence_url ~ '^https?://'),
    phase_id    BIGINT,
    na_reason   TEXT,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by  TEXT NOT NULL DEFAULT 'system',
    UNIQUE (id, service_id),
    FOREIGN KEY (section_id, service_id)
        REFERENCES checklist_sections (id, service_id) ON DELETE CASCADE,
    FOREIGN KEY (phase_id, service_id)
        REFERENCES phases (id, service_id) ON DELETE SET NULL (phase_id),
    CHECK (status <> 'not_applicable' OR length(btrim(coalesce(na_reason, ''))) > 0)
);
CREATE INDEX checklist_items_section_idx ON checklist_items (section_id, position);
CREATE INDEX checklist_items_service_idx ON checklist_items (service_id);
CREATE INDEX checklist_items_phase_idx ON checklist_items (phase_id);

CREATE TABLE risks (
    id          BIGSERIAL PRIMARY KEY,
    service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    title       TEXT NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    likelihood  SMALLINT NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact      SMALLINT NOT NULL CHECK (impact BETWEEN 1 AND 5),
    mitigation  TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'mitigating', 'accepted', 'closed')),
    review_date DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (id, service_id)
);
CREATE INDEX risks_service_idx ON risks (service_id);

-- A risk is mitigated by checklist items of the same service.
CREATE TABLE risk_mitigations (
    risk_id    BIGINT NOT NULL,
    item_id    BIGINT NOT NULL,
    service_id BIGINT NOT NULL,
    PRIMARY KEY (risk_id, item_id),
    FOREIGN KEY (risk_id, service_id) REFERENCES risks (id, service_id) ON DELETE CASCADE,
    FOREIGN KEY (item_id, service_id) REFERENCES checklist_items (id, service_id) ON DELETE CASCADE
);
CREATE INDEX risk_mitigations_item_idx ON risk_mitigations (item_id);

CREATE TABLE cost_lines (
    id            BIGSERIAL PRIMARY KEY,
    service_id    BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    category      TEXT NOT NULL CHECK (category IN (
                      'compute', 'database', 'networking', 'monitoring_logging',
                      'storage_backup', 'security_compliance', 'other')),
    name          TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind          TEXT NOT NULL CHECK (kind IN ('baseline', 'addition', 'saving')),
    -- Savings are stored negative, so a month's cost is a plain SUM.
    monthly_cents BIGINT NOT NULL,
    phase_id      BIGINT,
    start_month   DATE CHECK (start_month IS NULL OR extract(day FROM start_month) = 1),
    version       INTEGER NOT NULL DEFAULT 1,
    -- A phase with cost lines cannot be deleted until they are moved or removed.
    FOREIGN KEY (phase_id, service_id) REFERENCES phases (id, service_id),
    CHECK (kind <> 'baseline' OR (monthly_cents >= 0 AND phase_id IS NULL)),
    CHECK (kind <> 'addition' OR phase_id IS NOT NULL),
    CHECK (kind <> 'saving' OR (monthly_cents <= 0 AND start_month IS NOT NULL))
);
CREATE INDEX cost_lines_service_idx ON cost_lines (service_id, position);

-- Every change is an event: who, what, when, before and after.
CREATE TABLE events (
    id           BIGSERIAL PRIMARY KEY,
    service_id   BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    actor        TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    action       TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    subject_type TEXT NOT NULL,
    subject_id   BIGINT,
    before       JSONB,
    after        JSONB,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX events_service_time_idx ON events (service_id, created_at DESC, id DESC);
