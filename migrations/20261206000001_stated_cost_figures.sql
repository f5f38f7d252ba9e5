-- Figures an imported document states (subtotals, totals, optimised targets) that do
-- not agree with the cost lines they cover. They are not cost lines: the costs page
-- shows them beside the projection, as it shows a phase's stated change that its lines
-- do not add up to, until an editor dismisses them. Stored in the import's
-- transaction, so a service never has half of them.

CREATE TABLE stated_cost_figures (
    id           BIGSERIAL PRIMARY KEY,
    service_id   BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    source_line  INTEGER NOT NULL CHECK (source_line > 0),
    stated_cents BIGINT NOT NULL,
    summed_cents BIGINT NOT NULL,
    -- Whether the figure is a change ("+$70.00") rather than an amount ("$70.00").
    is_change    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX stated_cost_figures_service ON stated_cost_figures (service_id, position);

-- The service version moves with these rows too (migration `service_version`), so
-- cached documents and pages show a dismissal at once.
CREATE TRIGGER stated_cost_figures_bump_insert AFTER INSERT ON stated_cost_figures
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_new();
CREATE TRIGGER stated_cost_figures_bump_delete AFTER DELETE ON stated_cost_figures
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_old();
CREATE TRIGGER stated_cost_figures_bump_update AFTER UPDATE ON stated_cost_figures
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_both();
